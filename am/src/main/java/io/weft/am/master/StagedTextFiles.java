package io.weft.am.master;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The small text files a client-mode driver leaves in the staging directory for its ApplicationMaster
 * ({@link ExcludedNodesFile}, {@link InputHostsFile}): written whole under a temporary name and renamed, so the AM
 * never reads half of one. Stateless; callers serialize their own writes.
 */
final class StagedTextFiles {

    private StagedTextFiles() {
    }

    /**
     * Replaces {@code file} with {@code text}.
     *
     * @throws IOException when the file system fails or the rename does not happen
     */
    static void replace(FileSystem fs, Path file, String text) throws IOException {
        Path temp = new Path(file.getParent(), "." + file.getName() + "." + System.nanoTime());
        try (FSDataOutputStream out = fs.create(temp, true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        fs.delete(file, false); // rename does not replace on HDFS
        if (!fs.rename(temp, file)) {
            fs.delete(temp, false);
            throw new IOException("Could not rename " + temp + " to " + file);
        }
    }

    /**
     * @return the file's text, or empty when it does not exist
     * @throws IOException when it exists but cannot be read
     */
    static Optional<String> read(FileSystem fs, Path file) throws IOException {
        if (!fs.exists(file)) {
            return Optional.empty();
        }
        FileStatus status = fs.getFileStatus(file);
        byte[] bytes = new byte[(int) status.getLen()];
        try (FSDataInputStream in = fs.open(file)) {
            in.readFully(0, bytes);
        }
        return Optional.of(new String(bytes, StandardCharsets.UTF_8));
    }
}
