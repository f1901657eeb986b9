package io.weft.runtime.shuffle;

import java.io.FileNotFoundException;
import java.io.IOException;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.ipc.RemoteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open segment file of {@link SegmentFiles}: owned by the pool while free, by one task while borrowed; its
 * mutable fields are guarded by the pool's lock.
 */
final class Segment {
    private static final Logger LOG = LoggerFactory.getLogger(Segment.class);

    final int shuffleId;
    final Path path;
    final FSDataOutputStream out;
    long lastUsedNanos;
    /** Times it was given back to the pool: 0 for a stream just created. */
    int givenBack;

    Segment(int shuffleId, Path path, FSDataOutputStream out) {
        this.shuffleId = shuffleId;
        this.path = path;
        this.out = out;
    }

    /**
     * Closes the stream; a failure is logged, not thrown (the flushed outputs stay readable). A file that no longer
     * exists was deleted with its application's shuffle directory, which the driver removes when the application
     * ends, possibly before its executors close their segments: that is expected and logged at DEBUG only.
     */
    void closeQuietly() {
        try {
            out.close();
        } catch (IOException | RuntimeException e) {
            Throwable cause = e instanceof RemoteException remote ? remote.unwrapRemoteException() : e;
            // A NameNode's message carries its own stack trace after the first line.
            String reason = cause.getClass().getName() + ": " + String.valueOf(cause.getMessage()).lines()
                    .findFirst().orElse("");
            if (cause instanceof FileNotFoundException) {
                LOG.debug("Segment file {} was deleted before it was closed (the application ended): {}", path,
                        reason);
            } else {
                LOG.info("Could not close segment file {} (its flushed outputs stay readable; the NameNode"
                        + " recovers it): {}", path, reason);
            }
        }
    }
}
