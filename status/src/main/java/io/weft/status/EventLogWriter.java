package io.weft.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a driver's {@link StatusEvent}s as JSON lines to {@code <dir>/<application id>.inprogress} on a Hadoop
 * file system, and renames the file to {@code <application id>} when the application ends. The stream is flushed
 * to the data nodes (hflush) at least every {@value #FLUSH_INTERVAL_MILLIS} ms and at every job and stage
 * boundary, so the log survives a driver crash up to about that point.
 *
 * <p>Who can read it: the file is created 0600 (owner only), or 0640 with the group {@code weft.eventLog.group}
 * names, so that a history server running as another user in that group can read it and nobody else can. The mode
 * is set again after creating the file, since the file system's umask applies to the mode given at creation and
 * may clear the group's read bit. The directory is left as it is: it is shared by many applications and users.
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

    /** rw------- : only the application's user reads the log. */
    static final FsPermission OWNER_ONLY = new FsPermission((short) 0600);
    /** rw-r----- : the application's user, and the group a history server reads with. */
    static final FsPermission OWNER_AND_GROUP = new FsPermission((short) 0640);

    /**
     * Creates the log file, readable by its owner only.
     *
     * @param fs the file system
     * @param dir the event log directory (created if missing)
     * @param applicationId names the file
     * @param clock for the flush interval
     * @throws IOException when the file cannot be created
     */
    public EventLogWriter(FileSystem fs, Path dir, String applicationId, Clock clock) throws IOException {
        this(fs, dir, applicationId, clock, null);
    }

    /**
     * Creates the log file, readable by its owner and, when {@code group} is given, that group.
     *
     * @param fs the file system
     * @param dir the event log directory (created if missing)
     * @param applicationId names the file
     * @param clock for the flush interval
     * @param group the group that may read the log (the history server's), or null for the owner only
     * @throws IOException when the file cannot be created or given to the group (on HDFS a user may give a file
     *     only to a group the user belongs to); a file created before the failure is deleted
     */
    public EventLogWriter(FileSystem fs, Path dir, String applicationId, Clock clock, String group)
            throws IOException {
        // The checksummed local file system buffers below hflush; its raw form writes through.
        this.fs = fs instanceof org.apache.hadoop.fs.LocalFileSystem local ? local.getRawFileSystem() : fs;
        this.clock = clock;
        this.finished = new Path(dir, applicationId);
        this.inProgress = new Path(dir, applicationId + IN_PROGRESS);
        this.fs.mkdirs(dir);
        FsPermission mode = group == null || group.isBlank() ? OWNER_ONLY : OWNER_AND_GROUP;
        this.out = this.fs.create(inProgress, mode, true, 4096, this.fs.getDefaultReplication(inProgress),
                this.fs.getDefaultBlockSize(inProgress), null);
        try {
            if (mode == OWNER_AND_GROUP) {
                this.fs.setOwner(inProgress, null, group.trim());
            }
            this.fs.setPermission(inProgress, mode);
        } catch (IOException e) {
            closeQuietly();
            this.fs.delete(inProgress, false);
            throw new IOException("cannot give the event log " + inProgress + " mode " + mode
                    + (mode == OWNER_AND_GROUP ? " and group '" + group.trim() + "'" : "") + ": " + e.getMessage()
                    + " (weft.eventLog.group must name a group the application's user belongs to)", e);
        }
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
