package io.weft.am.master;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client mode: writes the ApplicationMaster's {@link StartupTimeline} to its {@link TimelineFile} whenever it
 * changed, on a daemon thread of its own ({@code weft-timeline-writer}), so the AM's event loop never waits for
 * HDFS. At most one write is queued; a failed write is logged at debug level (the timeline is diagnostics only).
 */
final class TimelineWriter {

    private static final Logger LOG = LoggerFactory.getLogger(TimelineWriter.class);

    private final StartupTimeline timeline;
    private final TimelineFile file;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "weft-timeline-writer");
        t.setDaemon(true);
        return t;
    });
    private volatile long written = -1;

    TimelineWriter(StartupTimeline timeline, TimelineFile file) {
        this.timeline = timeline;
        this.file = file;
    }

    /** Queues a write if the timeline changed since the last one. Called on the AM's main thread. */
    void writeIfChanged() {
        if (timeline.changes() == written || !queued.compareAndSet(false, true)) {
            return;
        }
        thread.execute(() -> {
            queued.set(false);
            long changes = timeline.changes();
            try {
                file.write(timeline);
                written = changes;
            } catch (IOException | RuntimeException e) {
                LOG.debug("Could not write the start-up timeline: {}", e.toString());
            }
        });
    }
}
