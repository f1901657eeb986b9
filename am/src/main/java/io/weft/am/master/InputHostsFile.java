package io.weft.am.master;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * How a client-mode driver tells its ApplicationMaster where the input of its waiting tasks is, so the AM asks YARN
 * for executor containers on those hosts as it does in cluster mode ({@link PendingTaskLocality}): a small file in
 * the application's staging directory, one {@code host<TAB>tasks} line per host, replaced whole by a rename so the
 * AM never reads half of it. The driver rewrites it when a stage with input locations is submitted; the AM looks at
 * it every second, next to {@link ExcludedNodesFile}. The counts are hints: a stale file only makes a request name
 * a host that held input.
 *
 * <p>Thread-safe: holds only the last counts it read, for {@link #readIfChanged}.
 */
public final class InputHostsFile {

    static final String NAME = "input-hosts";

    private final FileSystem fs;
    private final Path file;
    private Map<String, Integer> last = Map.of();

    /**
     * @param fs the staging directory's file system
     * @param stagingDir the application's staging directory
     */
    public InputHostsFile(FileSystem fs, Path stagingDir) {
        this.fs = fs;
        this.file = new Path(stagingDir, NAME);
    }

    /**
     * Replaces the file. Called by the driver, off its scheduler thread.
     *
     * @param hostCounts host to the number of waiting tasks whose input is there
     * @throws IOException when the file system fails
     */
    public void write(Map<String, Integer> hostCounts) throws IOException {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(hostCounts).forEach((host, count) -> text.append(host).append('\t').append(count).append('\n'));
        StagedTextFiles.replace(fs, file, text.toString());
    }

    /**
     * @return host to waiting tasks, if the file changed since the last call; empty when it did not or does not
     *     exist
     * @throws IOException when the file system fails
     */
    synchronized Optional<Map<String, Integer>> readIfChanged() throws IOException {
        Optional<String> text = StagedTextFiles.read(fs, file);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Integer> counts = new TreeMap<>();
        for (String line : text.get().split("\n")) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                try {
                    counts.put(line.substring(0, tab), Integer.parseInt(line.substring(tab + 1).trim()));
                } catch (NumberFormatException e) {
                    // A hint, not a contract: a line we cannot read is skipped.
                }
            }
        }
        if (counts.equals(last)) {
            return Optional.empty();
        }
        last = counts;
        return Optional.of(counts);
    }
}
