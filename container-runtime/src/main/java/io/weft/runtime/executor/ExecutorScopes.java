package io.weft.runtime.executor;

import io.weft.api.WeftException;
import io.weft.runtime.files.FileFetcher;
import io.weft.runtime.files.ShippedClassLoader;
import io.weft.runtime.io.LocalFiles;
import io.weft.runtime.serial.KryoPool;
import java.io.File;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An executor's class-loader scopes: for each scope whose stages it has run, a class loader (parent-first over
 * the executor's task class loader, plus the scope's jars, fetched into {@code <local dir>/scopes/<scope>/}), its
 * serializers and an {@link ExecutorEnvironment} that shares the executor's stores but reads and writes records,
 * partition data, broadcast values and results with those serializers. A scope is made when its first task
 * arrives and dropped when the driver closes it ({@link #drop}); a task of a dropped scope fails (its jobs are
 * over). Thread-safe: task threads ask for scopes, the channel's thread drops them.
 */
public final class ExecutorScopes implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorScopes.class);

    private final ExecutorEnvironment base;
    private final Map<String, Scope> scopes = new HashMap<>();
    private final Set<String> dropped = ConcurrentHashMap.newKeySet();

    /** @param base the executor's environment */
    public ExecutorScopes(ExecutorEnvironment base) {
        this.base = base;
    }

    private record Scope(ShippedClassLoader loader, FileFetcher jars, ExecutorEnvironment env, File dir) {
    }

    /**
     * The environment a task of the scope runs in, after the scope's jars are on its class loader. Called on task
     * threads.
     *
     * @param scope the task's stage's scope
     * @return the scope's environment
     * @throws WeftException when the scope was dropped, or a jar cannot be fetched (the task fails)
     */
    public ExecutorEnvironment environment(StageScope scope) {
        Scope s;
        synchronized (scopes) {
            if (dropped.contains(scope.id())) {
                throw new WeftException("Class-loader scope " + scope.id() + " was closed on the driver; its jobs"
                        + " are over and its tasks no longer run here.");
            }
            s = scopes.computeIfAbsent(scope.id(), this::open);
        }
        s.jars().fetch(scope.jars());
        return s.env();
    }

    private Scope open(String id) {
        File dir = new File(new File(base.localDir(), "scopes"), StageScope.directoryName(id));
        ShippedClassLoader loader = new ShippedClassLoader("weft-scope-" + id, base.kryo().classLoader());
        KryoPool kryo = new KryoPool(loader);
        FileFetcher jars = new FileFetcher(base.hadoopConf(), base.files().filesDir(), new File(dir, "jars"),
                loader);
        ExecutorEnvironment env = new ExecutorEnvironment(base.executorId(), base.host(), kryo, base.shuffleStore(),
                base.blockStore(), base.broadcasts(), base.hadoopConf(), base.localDir(), base.taskMemoryBytes(),
                base.files(), base.mapSideCombineUniqueRatio());
        LOG.info("Executor {}: opened class-loader scope {} in {}", base.executorId(), id, dir);
        return new Scope(loader, jars, env, dir);
    }

    /** @return the ids of the scopes open on this executor */
    public Set<String> open() {
        synchronized (scopes) {
            return Set.copyOf(scopes.keySet());
        }
    }

    /**
     * Drops a scope: its cached partitions, its class loader and its fetched jars. A later task of it fails.
     * Idempotent; any thread (the driver's message arrives on the channel's).
     *
     * @param id the scope's id
     */
    public void drop(String id) {
        Scope s;
        synchronized (scopes) {
            dropped.add(id);
            s = scopes.remove(id);
        }
        if (s != null) {
            close(id, s);
        }
    }

    private void close(String id, Scope s) {
        base.blockStore().removeStoredWith(s.env().kryo());
        try {
            s.loader().close();
        } catch (IOException e) {
            LOG.debug("Closing the class loader of scope {}: {}", id, e.toString());
        }
        if (!LocalFiles.deleteRecursively(s.dir())) {
            LOG.debug("Could not delete all of {}", s.dir());
        }
        LOG.info("Executor {}: dropped class-loader scope {}", base.executorId(), id);
    }

    /** Drops every scope (the executor stops). */
    @Override
    public void close() {
        for (String id : open()) {
            drop(id);
        }
    }
}
