package io.weft.runtime.channel;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/** Records what the given classes' loggers write (WARN and above, as configured for tests) while open. */
final class LogCapture extends AbstractAppender implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<Logger> loggers;

    LogCapture(Class<?>... classes) {
        super("test-capture", null, null, true, Property.EMPTY_ARRAY);
        start();
        loggers = java.util.Arrays.stream(classes).map(c -> (Logger) LogManager.getLogger(c)).toList();
        loggers.forEach(l -> l.addAppender(this));
    }

    @Override
    public void append(LogEvent event) {
        lines.add(event.getLevel() + " " + event.getMessage().getFormattedMessage());
    }

    /** @return the lines so far, each as "LEVEL message" */
    List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        loggers.forEach(l -> l.removeAppender(this));
        stop();
    }
}
