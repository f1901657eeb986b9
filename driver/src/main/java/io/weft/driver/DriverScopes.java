package io.weft.driver;

import io.weft.api.SerializableFunction;
import io.weft.api.WeftException;
import io.weft.runtime.executor.StageScope;
import io.weft.runtime.files.OwnerOnly;
import io.weft.runtime.files.ShippedFile;
import io.weft.runtime.serial.KryoPool;
import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's {@link JobScope}s: which one is current on each user thread, which scope each node and shuffle
 * was made in (the scheduler serializes stages on its own thread, so a stage finds its scope through its nodes),
 * the scopes' published jars under {@code <shuffle dir>/weft-scopes/}, and closing. Thread-safe.
 */
final class DriverScopes {

    private static final Logger LOG = LoggerFactory.getLogger(DriverScopes.class);

    /** The published jars' directory, under the application's shuffle directory. */
    static final String PUBLISHED_DIR = "weft-scopes";

    private final KryoPool base;
    private final ClosureChecker baseClosures;
    private final Configuration hadoopConf;
    private final Path published;
    private final java.util.function.Consumer<String> dropOnExecutors;
    private final ThreadLocal<JobScope> current = new ThreadLocal<>();
    private final AtomicLong serials = new AtomicLong();
    private final Map<String, JobScope> open = new ConcurrentHashMap<>();
    private final Map<String, JobScope> byKey = new ConcurrentHashMap<>();
    private final Map<Integer, JobScope> nodes = new ConcurrentHashMap<>();
    private final Map<Integer, JobScope> shuffles = new ConcurrentHashMap<>();
    private final Map<String, StageScope> publishedScopes = new ConcurrentHashMap<>();

    /**
     * @param base the engine's serializers (over its task class loader)
     * @param hadoopConf to publish jars
     * @param shuffleDir the application's shuffle directory
     * @param dropOnExecutors tells executors a scope (by key) closed
     */
    DriverScopes(KryoPool base, Configuration hadoopConf, Path shuffleDir,
            java.util.function.Consumer<String> dropOnExecutors) {
        this.base = base;
        this.baseClosures = new ClosureChecker(base);
        this.hadoopConf = hadoopConf;
        this.published = new Path(shuffleDir, PUBLISHED_DIR);
        this.dropOnExecutors = dropOnExecutors;
    }

    /**
     * @param id the scope's id, unique among open scopes
     * @param jars local jar files
     * @return the open scope
     * @throws IllegalArgumentException when a jar is not a readable file, or a scope of that id is open
     */
    JobScope open(String id, List<File> jars) {
        List<URL> urls = new ArrayList<>();
        for (File jar : jars) {
            if (!jar.isFile() || !jar.canRead()) {
                throw new IllegalArgumentException("Scope " + id + ": jar " + jar + " is not a readable file."
                        + " Fix: pass local jar files that exist.");
            }
            try {
                urls.add(jar.getAbsoluteFile().toURI().toURL());
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("Scope " + id + ": not a jar path: " + jar, e);
            }
        }
        String key = id + "@" + serials.incrementAndGet();
        URLClassLoader loader = new URLClassLoader("weft-scope-" + id, urls.toArray(new URL[0]),
                base.classLoader());
        JobScope scope = new JobScope(id, key, jars, loader, this);
        if (open.putIfAbsent(id, scope) != null) {
            throw new IllegalArgumentException("A class-loader scope with id " + id + " is open already. Fix: close"
                    + " it first, or use another id.");
        }
        byKey.put(key, scope);
        LOG.info("Opened class-loader scope {} with jars {}", key, jars);
        return scope;
    }

    JobScope enter(JobScope scope) {
        JobScope previous = current.get();
        current.set(scope);
        return previous;
    }

    void leave(JobScope previous) {
        if (previous == null) {
            current.remove();
        } else {
            current.set(previous);
        }
    }

    /** @return the calling thread's scope, or null */
    JobScope current() {
        return current.get();
    }

    /** @return the calling thread's scope's serializers, or the engine's */
    KryoPool kryo() {
        JobScope scope = current.get();
        return scope != null ? scope.kryo() : base;
    }

    /** @return the calling thread's scope's closure checker, or the engine's */
    ClosureChecker closures() {
        JobScope scope = current.get();
        return scope != null ? scope.closures() : baseClosures;
    }

    /** @param nodeId a node the calling thread made; remembered with its scope, if any */
    void nodeMade(int nodeId) {
        JobScope scope = current.get();
        if (scope != null) {
            nodes.put(nodeId, scope);
        }
    }

    /**
     * @param first the first of shuffle ids the calling thread took
     * @param count how many
     */
    void shufflesMade(int first, int count) {
        JobScope scope = current.get();
        if (scope != null) {
            for (int i = 0; i < count; i++) {
                shuffles.put(first + i, scope);
            }
        }
    }

    /**
     * @param function a job's partition function, on the submitting thread
     * @param <T> input type
     * @param <U> result type
     * @return it, marked with the thread's scope if there is one (the stage serializer unwraps it)
     */
    <T, U> SerializableFunction<T, U> tag(SerializableFunction<T, U> function) {
        JobScope scope = current.get();
        return scope == null ? function : new ScopedFunction<>(scope, function);
    }

    /** @return the scope a map stage was made in: its shuffle's, else its last node's; or null */
    JobScope ofMapStage(int nodeId, int shuffleId) {
        JobScope scope = shuffles.get(shuffleId);
        return scope != null ? scope : nodes.get(nodeId);
    }

    /** @return the scope a result stage's function was submitted in, else its last node's; or null */
    JobScope ofResultStage(int nodeId, Object function) {
        return function instanceof ScopedFunction<?, ?> scoped ? scoped.scope() : nodes.get(nodeId);
    }

    /** @return the scope of the node a task's slices belong to ({@code TaskSlices} keys), or null */
    JobScope ofSlices(Object slices) {
        if (slices instanceof Map<?, ?> map && !map.isEmpty() && map.keySet().iterator().next() instanceof Long k) {
            return nodes.get((int) (k >> 32));
        }
        return null;
    }

    /**
     * @param key a scope's key
     * @return its serializers while it is open, else null
     */
    KryoPool kryoOf(String key) {
        JobScope scope = byKey.get(key);
        return scope == null ? null : scope.kryo();
    }

    /**
     * The scope as stage binaries carry it, its jars published on first use. Called on the scheduler thread.
     *
     * @param scope an open scope
     * @return its id and published jars
     * @throws WeftException when publishing fails (the stage, hence its job, fails)
     */
    StageScope published(JobScope scope) {
        return publishedScopes.computeIfAbsent(scope.key(), k -> publish(scope));
    }

    private StageScope publish(JobScope scope) {
        Path dir = new Path(published, StageScope.directoryName(scope.key()));
        List<ShippedFile> shipped = new ArrayList<>();
        long timestamp = System.currentTimeMillis() / 1000 * 1000;
        try {
            FileSystem fs = dir.getFileSystem(hadoopConf);
            OwnerOnly.mkdirs(fs, published);
            OwnerOnly.mkdirs(fs, dir);
            int i = 0;
            for (File jar : scope.jars()) {
                // Numbered: two jars of one scope may share a file name.
                String name = (i++) + "-" + jar.getName();
                Path target = new Path(dir, name);
                FileUtil.copy(jar, fs, target, false, hadoopConf);
                fs.setPermission(target, OwnerOnly.FILE);
                shipped.add(new ShippedFile(name, fs.makeQualified(target).toString(), timestamp, true));
            }
        } catch (IOException e) {
            throw new WeftException("Could not publish the jars of class-loader scope " + scope.id() + " to " + dir
                    + ": " + e.getMessage() + ". Fix: check that weft.shuffle.dir is writable.", e);
        }
        LOG.info("Published the jars of scope {} to {}", scope.key(), dir);
        return new StageScope(scope.key(), shipped);
    }

    /** Forgets a scope that is closing, tells the executors and deletes its published jars. */
    void closed(JobScope scope) {
        open.remove(scope.id(), scope);
        byKey.remove(scope.key());
        nodes.values().removeIf(s -> s == scope);
        shuffles.values().removeIf(s -> s == scope);
        StageScope was = publishedScopes.remove(scope.key());
        try {
            dropOnExecutors.accept(scope.key());
        } catch (RuntimeException e) {
            LOG.warn("Could not tell the executors that scope {} closed: {}", scope.key(), e.toString());
        }
        if (was != null) {
            Path dir = new Path(published, StageScope.directoryName(scope.key()));
            try {
                dir.getFileSystem(hadoopConf).delete(dir, true);
            } catch (IOException e) {
                LOG.warn("Could not delete the published jars of scope {} ({}): {}", scope.key(), dir, e.toString());
            }
        }
        LOG.info("Closed class-loader scope {}", scope.key());
    }

    /** @return the open scopes */
    List<JobScope> openScopes() {
        return List.copyOf(open.values());
    }

    /** Closes every open scope (the engine closes). */
    void closeAll() {
        for (JobScope scope : openScopes()) {
            scope.close();
        }
    }

    /** A job's partition function submitted in a scope; only the stage serializer looks inside. */
    record ScopedFunction<T, U>(JobScope scope, SerializableFunction<T, U> function)
            implements SerializableFunction<T, U> {
        @Override
        public U call(T t) throws Exception {
            return function.call(t);
        }
    }
}
