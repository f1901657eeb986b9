package io.weft.am.submit;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.security.PrivilegedExceptionAction;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.UserGroupInformation;

/**
 * File statuses asked of the file system all at once, on a few threads, then handed out one by one: staging checks
 * a dozen or more paths (each cached jar, its directory, the caches' ancestors), and on a NameNode each check is a
 * round trip that mostly waits. Each path's status is handed out once: a caller that changes a path (creates a
 * directory) and looks again gets a fresh status from the file system.
 *
 * <p>Built by one thread, which waits for all the statuses before the constructor returns; then used by that thread
 * only. A status that could not be fetched (any failure but a missing file) is simply not prefetched: the caller
 * asks the file system itself and sees the failure there.
 */
final class StatusPrefetch {

    private static final StatusPrefetch NONE = new StatusPrefetch(Map.of());

    /** Per path, its status, or empty for a missing file. */
    private final Map<Path, Optional<FileStatus>> statuses;

    private StatusPrefetch(Map<Path, Optional<FileStatus>> statuses) {
        this.statuses = statuses;
    }

    /** @return a prefetch that holds nothing: every status comes from the file system */
    static StatusPrefetch none() {
        return NONE;
    }

    /**
     * Fetches the statuses, as the current Hadoop user, on up to {@code threads} daemon threads, and waits for them.
     *
     * @param fs the file system
     * @param paths qualified paths
     * @param threads at most this many calls at once
     * @return the statuses
     * @throws IOException when the current user cannot be determined
     * @throws InterruptedException when the waiting thread is interrupted
     */
    static StatusPrefetch of(FileSystem fs, Collection<Path> paths, int threads) throws IOException,
            InterruptedException {
        if (paths.isEmpty()) {
            return NONE;
        }
        UserGroupInformation user = UserGroupInformation.getCurrentUser();
        Map<Path, Optional<FileStatus>> fetched = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, paths.size()), task -> {
            Thread thread = new Thread(task, "weft-staging-status");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (Path path : paths) {
                calls.add(pool.submit(() -> {
                    user.doAs((PrivilegedExceptionAction<Void>) () -> {
                        fetched.put(path, statusOrMissing(fs, path));
                        return null;
                    });
                    return null;
                }));
            }
            for (Future<?> call : calls) {
                try {
                    call.get();
                } catch (ExecutionException notPrefetched) {
                    // Left out: the caller's own call will meet the failure and report it.
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return new StatusPrefetch(new ConcurrentHashMap<>(fetched));
    }

    private static Optional<FileStatus> statusOrMissing(FileSystem fs, Path path) throws IOException {
        try {
            return Optional.of(fs.getFileStatus(path));
        } catch (FileNotFoundException missing) {
            return Optional.empty();
        }
    }

    /**
     * @param path a qualified path
     * @return its prefetched status (empty: the file was missing), or {@code null} when it was not prefetched or
     *     was already handed out
     */
    Optional<FileStatus> take(Path path) {
        return statuses.isEmpty() ? null : statuses.remove(path);
    }
}
