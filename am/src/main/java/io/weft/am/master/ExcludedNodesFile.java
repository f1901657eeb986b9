package io.weft.am.master;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * How a client-mode driver tells its ApplicationMaster which hosts its scheduler excluded: a small file in the
 * application's staging directory, one host per line, replaced whole by a rename so the AM never reads half of
 * it. The AM looks at it every second (see {@link ExecutorLauncher}). In cluster mode the two share a JVM and need
 * no file.
 *
 * <p>Thread-safe: holds only the last set it read, for {@link #readIfChanged}.
 */
public final class ExcludedNodesFile {

    static final String NAME = "excluded-nodes";

    private final FileSystem fs;
    private final Path file;
    private Set<String> last = Set.of();

    /**
     * @param fs the staging directory's file system
     * @param stagingDir the application's staging directory
     */
    public ExcludedNodesFile(FileSystem fs, Path stagingDir) {
        this.fs = fs;
        this.file = new Path(stagingDir, NAME);
    }

    /**
     * Replaces the file. Called by the driver, off its scheduler thread.
     *
     * @param hosts every host excluded now
     * @throws IOException when the file system fails
     */
    public void write(Set<String> hosts) throws IOException {
        Path temp = new Path(file.getParent(), "." + NAME + "." + System.nanoTime());
        try (FSDataOutputStream out = fs.create(temp, true)) {
            out.write(String.join("\n", new TreeSet<>(hosts)).getBytes(StandardCharsets.UTF_8));
        }
        fs.delete(file, false);
        if (!fs.rename(temp, file)) {
            fs.delete(temp, false);
            throw new IOException("Could not rename " + temp + " to " + file);
        }
    }

    /**
     * @return the hosts, if the file changed since the last call; empty when it did not or does not exist
     * @throws IOException when the file system fails
     */
    synchronized Optional<Set<String>> readIfChanged() throws IOException {
        if (!fs.exists(file)) {
            return Optional.empty();
        }
        FileStatus status = fs.getFileStatus(file);
        byte[] bytes = new byte[(int) status.getLen()];
        try (FSDataInputStream in = fs.open(file)) {
            in.readFully(0, bytes);
        }
        Set<String> hosts = new TreeSet<>();
        Arrays.stream(new String(bytes, StandardCharsets.UTF_8).split("\n")).map(String::trim)
                .filter(h -> !h.isEmpty()).forEach(hosts::add);
        if (hosts.equals(last)) {
            return Optional.empty();
        }
        last = hosts;
        return Optional.of(hosts);
    }
}
