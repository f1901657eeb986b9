package io.weft.am.master;

import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
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
        StagedTextFiles.replace(fs, file, String.join("\n", new TreeSet<>(hosts)));
    }

    /**
     * @return the hosts, if the file changed since the last call; empty when it did not or does not exist
     * @throws IOException when the file system fails
     */
    synchronized Optional<Set<String>> readIfChanged() throws IOException {
        Optional<String> text = StagedTextFiles.read(fs, file);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Set<String> hosts = new TreeSet<>();
        Arrays.stream(text.get().split("\n")).map(String::trim)
                .filter(h -> !h.isEmpty()).forEach(hosts::add);
        if (hosts.equals(last)) {
            return Optional.empty();
        }
        last = hosts;
        return Optional.of(hosts);
    }
}
