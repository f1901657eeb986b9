package io.weft.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a driver's {@link StatusEvent}s as JSON lines to {@code <dir>/<application id>.inprogress} on a Hadoop
 * file system, and renames the file to {@code <application id>} when the application ends. The stream is flushed
 * to the data nodes (hflush) at least every {@value #FLUSH_INTERVAL_MILLIS} ms and at every job and stage
 * boundary, so the log survives a driver crash up to about that point.
 *
 * <p>Called on the scheduler thread. A write failure is logged once and ends event logging; it never fails the
 * application.
 */
public final class EventLogWriter implements Consumer<StatusEvent>, AutoCloseable {

    /** Suffix of a log whose application has not ended (or whose driver died). */
    public static final String IN_PROGRESS = ".inprogress";
    static final long FLUSH_INTERVAL_MILLIS = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(EventLogWriter.class);

    private final ObjectMapper json = new ObjectMapper();
    private final FileSystem fs;
    private final Path inProgress;
    private final Path finished;
    private final Clock clock;
    private FSDataOutputStream out;
    private long lastFlush;

    /**
     * Creates the log file.
     *
     * @param fs the file system
     * @param dir the event log directory (created if missing)
     * @param applicationId names the file
     * @param clock for the flush interval
     * @throws IOException when the file cannot be created
     */
    public EventLogWriter(FileSystem fs, Path dir, String applicationId, Clock clock) throws IOException {
        // The checksummed local file system buffers below hflush; its raw form writes through.
        this.fs = fs instanceof org.apache.hadoop.fs.LocalFileSystem local ? local.getRawFileSystem() : fs;
        this.clock = clock;
        this.finished = new Path(dir, applicationId);
        this.inProgress = new Path(dir, applicationId + IN_PROGRESS);
        this.fs.mkdirs(dir);
        this.out = this.fs.create(inProgress, true);
        this.lastFlush = clock.millis();
        LOG.info("Event log: {}", this.fs.makeQualified(inProgress));
    }

    /** @return where the log will be once the application ends */
    public Path finishedPath() {
        return fs.makeQualified(finished);
    }

    @Override
    public synchronized void accept(StatusEvent event) {
        if (out == null) {
            return;
        }
        try {
            out.write(json.writeValueAsString(event).getBytes(StandardCharsets.UTF_8));
            out.write('\n');
            boolean boundary = !(event instanceof StatusEvent.TaskStarted || event instanceof StatusEvent.TaskEnded);
            long now = clock.millis();
            if (boundary || now - lastFlush >= FLUSH_INTERVAL_MILLIS) {
                out.hflush();
                lastFlush = now;
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Event logging stopped: cannot write {}: {}", inProgress, e.toString());
            closeQuietly();
        }
    }

    /** Closes the file and gives it its final name. Idempotent. */
    @Override
    public synchronized void close() {
        if (out == null) {
            return;
        }
        try {
            out.close();
            out = null;
            fs.rename(inProgress, finished);
        } catch (IOException e) {
            LOG.warn("Could not finish the event log {}: {}", inProgress, e.toString());
            closeQuietly();
        }
    }

    private void closeQuietly() {
        try {
            if (out != null) {
                out.close();
            }
        } catch (IOException ignored) {
            // already failing; the warning has been logged
        }
        out = null;
    }
}
