package io.weft.runtime.shuffle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.ipc.RemoteException;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A segment that cannot be closed is logged in one line: at DEBUG when its file was deleted with the application's
 * shuffle directory (expected at an application's end), at INFO otherwise, never with the NameNode's stack trace.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SegmentCloseTest {

    private static final String NAMENODE_STACK = "\n\tat org.apache.hadoop.hdfs.server.namenode.FSNamesystem"
            + ".checkLease(FSNamesystem.java:3223)";

    private static List<String> closeFailingWith(IOException failure) throws IOException {
        OutputStream failing = new OutputStream() {
            @Override
            public void write(int b) {
            }

            @Override
            public void close() throws IOException {
                throw failure;
            }
        };
        Segment segment = new Segment(0, new Path("hdfs://nn/user/u/.weft/shuffle/app/shuffle_0/seg_1_0.data"),
                new FSDataOutputStream(failing, null));
        Logger logger = (Logger) LogManager.getLogger(Segment.class);
        Level before = logger.getLevel();
        List<String> lines = new CopyOnWriteArrayList<>();
        AbstractAppender capture = new AbstractAppender("segment-close", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                lines.add(event.getLevel() + " " + event.getMessage().getFormattedMessage());
            }
        };
        capture.start();
        logger.addAppender(capture);
        logger.setLevel(Level.DEBUG);
        try {
            segment.closeQuietly();
        } finally {
            logger.removeAppender(capture);
            logger.setLevel(before);
            capture.stop();
        }
        return lines;
    }

    @Test
    void aSegmentDeletedWithItsApplicationIsOnlyADebugLine() throws IOException {
        List<String> lines = closeFailingWith(new RemoteException(FileNotFoundException.class.getName(),
                "File does not exist: /user/u/.weft/shuffle/app/shuffle_0/seg_1_0.data" + NAMENODE_STACK));
        assertThat(lines).singleElement().satisfies(line -> assertThat(line).startsWith("DEBUG ")
                .contains("was deleted before it was closed").contains("java.io.FileNotFoundException: File does"
                        + " not exist").doesNotContain("checkLease"));
    }

    @Test
    void anyOtherFailureIsOneInfoLineWithoutTheRemoteStack() throws IOException {
        List<String> lines = closeFailingWith(new RemoteException(IOException.class.getName(),
                "No lease on the file" + NAMENODE_STACK));
        assertThat(lines).singleElement().satisfies(line -> assertThat(line).startsWith("INFO ")
                .contains("Could not close segment file").contains("java.io.IOException: No lease on the file")
                .doesNotContain("checkLease"));
    }
}
