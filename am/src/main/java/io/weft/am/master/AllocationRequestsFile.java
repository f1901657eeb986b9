package io.weft.am.master;

import io.weft.planner.ExecutorAllocationClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a client-mode driver's dynamic allocation reaches its ApplicationMaster: a small file in the staging
 * directory holding the executors wanted and every executor released so far with its reason, replaced whole by a
 * rename so the AM never reads half of it. The AM reads it every second ({@link ClientModeLauncher}) and applies
 * it; applying it twice does nothing more (an executor already released or gone is skipped). In cluster mode the
 * driver calls the launcher directly ({@link LauncherAllocationClient}).
 *
 * <pre>
 * target 3
 * release 4 released: idle
 * </pre>
 *
 * <p>Thread-safe.
 */
public final class AllocationRequestsFile {

    private static final Logger LOG = LoggerFactory.getLogger(AllocationRequestsFile.class);
    static final String NAME = "allocation-requests";

    /**
     * What the driver asks for.
     *
     * @param target executors wanted in all
     * @param released executors released so far, to their reasons, in release order
     */
    record Requests(int target, Map<String, String> released) {
    }

    private final FileSystem fs;
    private final Path file;
    private String lastRead;

    /**
     * @param fs the staging directory's file system
     * @param stagingDir the application's staging directory
     */
    public AllocationRequestsFile(FileSystem fs, Path stagingDir) {
        this.fs = fs;
        this.file = new Path(stagingDir, NAME);
    }

    /**
     * The driver's side: an allocation client that records each request and writes the whole state on the given
     * executor (one thread, so the last write wins), never on the scheduler thread.
     *
     * @param writer runs the writes
     * @return the client
     */
    public ExecutorAllocationClient writer(Executor writer) {
        return new ExecutorAllocationClient() {
            private int target = -1;
            private final Map<String, String> released = new LinkedHashMap<>();

            @Override
            public synchronized void requestTotalExecutors(int total) {
                target = total;
                write(writer);
            }

            @Override
            public synchronized void releaseExecutors(List<String> executorIds, String reason) {
                executorIds.forEach(id -> released.put(id, reason));
                write(writer);
            }

            private void write(Executor writer) {
                String text = format(target, released);
                writer.execute(() -> {
                    try {
                        StagedTextFiles.replace(fs, file, text);
                    } catch (IOException e) {
                        LOG.warn("Could not pass the executor target and releases to the ApplicationMaster: {}",
                                e.toString());
                    }
                });
            }
        };
    }

    static String format(int target, Map<String, String> released) {
        StringBuilder text = new StringBuilder("target ").append(target).append('\n');
        released.forEach((id, reason) -> text.append("release ").append(id).append(' ')
                .append(reason.replace('\n', ' ')).append('\n'));
        return text.toString();
    }

    /**
     * The AM's side.
     *
     * @return the requests, if the file changed since the last call; empty when it did not or does not exist
     * @throws IOException when the file system fails
     */
    synchronized Optional<Requests> readIfChanged() throws IOException {
        Optional<String> text = StagedTextFiles.read(fs, file);
        if (text.isEmpty() || text.get().equals(lastRead)) {
            return Optional.empty();
        }
        lastRead = text.get();
        return Optional.of(parse(text.get()));
    }

    static Requests parse(String text) {
        int target = -1;
        Map<String, String> released = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("target ")) {
                target = Integer.parseInt(line.substring("target ".length()).trim());
            } else if (line.startsWith("release ")) {
                String[] parts = line.substring("release ".length()).split(" ", 2);
                released.put(parts[0], parts.length > 1 ? parts[1] : "released");
            }
        }
        return new Requests(target, released);
    }

    /**
     * Applies requests to the launcher: the target (when the driver has set one), then the releases.
     *
     * @param requests what the driver asks for
     * @param launcher the AM's launcher
     */
    static void apply(Requests requests, ExecutorLauncher launcher) {
        if (requests.target() >= 0) {
            launcher.setTargetExecutors(requests.target());
        }
        Map<String, List<String>> byReason = new LinkedHashMap<>();
        requests.released().forEach((id, reason) -> byReason.computeIfAbsent(reason, r -> new ArrayList<>()).add(id));
        byReason.forEach((reason, ids) -> launcher.releaseExecutors(ids, reason));
    }
}
