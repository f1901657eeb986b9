package io.weft.runtime.shuffle;

import io.weft.runtime.files.OwnerOnly;
import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One file per map task attempt, {@code map_<mapIndex>_<taskAttemptId>.data}: written to {@code .<name>.tmp-<uuid>}
 * next to its final name (owner-only, one block), closed, then renamed; the rename is the commit, so a reader
 * never sees a partial file. Abandoning deletes the temporary file.
 */
final class PerMapFileTarget implements MapOutputTarget {

    private static final Logger LOG = LoggerFactory.getLogger(PerMapFileTarget.class);
    private static final int FS_BUFFER = 128 * 1024;

    private final FileSystem fs;
    private final Path finalPath;
    private final ShuffleStore.DirectoryCheck shuffleDir;
    private final short replication;

    PerMapFileTarget(FileSystem fs, Path finalPath, ShuffleStore.DirectoryCheck shuffleDir, short replication) {
        this.fs = fs;
        this.finalPath = finalPath;
        this.shuffleDir = shuffleDir;
        this.replication = replication;
    }

    @Override
    public String describe() {
        return finalPath.toString();
    }

    @Override
    public Slot open(long outputBytes) throws IOException {
        shuffleDir.ensure();
        Path tmp = new Path(finalPath.getParent(), "." + finalPath.getName() + ".tmp-" + UUID.randomUUID());
        FSDataOutputStream os = OwnerOnly.createInExistingDirectory(fs, tmp, false, FS_BUFFER, replication,
                MapOutputWriter.blockSizeFor(outputBytes));
        return new Slot() {
            @Override
            public FSDataOutputStream stream() {
                return os;
            }

            @Override
            public long base() {
                return 0;
            }

            @Override
            public boolean reusedStream() {
                return false;
            }

            @Override
            public String commit() throws IOException {
                os.close();
                if (!fs.rename(tmp, finalPath)) {
                    throw new IOException("rename of " + tmp + " to " + finalPath + " returned false");
                }
                return finalPath.toString();
            }

            @Override
            public void abandon() {
                try {
                    os.close();
                } catch (IOException | RuntimeException e) {
                    LOG.debug("Closing abandoned map output {} failed", tmp, e);
                }
                try {
                    fs.delete(tmp, false);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("Could not delete temporary map output {}", tmp, e);
                }
            }
        };
    }
}
