package io.weft.driver;

import io.weft.runtime.serial.KryoPool;
import java.io.File;
import java.io.IOException;
import java.net.URLClassLoader;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A class-loader scope of a {@link DriverEngine}: jobs submitted on a thread inside {@link #call} load classes
 * from the scope's jars, on the driver and on every executor, so programs that ship different versions of the
 * same classes can run jobs on one engine at once. Their stages, partition data, records (shuffle, spill, cache,
 * checkpoint), broadcast values, results and accumulator updates are written and read with the scope's
 * serializers ({@link #kryo()}); jobs outside any scope are unaffected.
 *
 * <p>The scope's jars are published under the application's shuffle directory when its first stage is
 * serialized; an executor fetches them into a directory of the scope when its first task of the scope arrives,
 * and keeps one class loader per scope. Closing the scope drops it on the driver, tells every executor to drop
 * its loader, fetched jars and cached partitions, and deletes the published jars.
 *
 * <p>Datasets made inside the scope belong to it (the stage serializer finds a stage's scope through the nodes and
 * shuffles made in it, and the partition function submitted in it): use them only inside the scope, and not after it
 * closes.
 *
 * <p>Thread-safe. Threads that the work inside {@link #call} starts are outside the scope (the scope is the calling
 * thread's, not inherited).
 */
public final class JobScope implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobScope.class);

    private final String id;
    private final String key;
    private final List<File> jars;
    private final URLClassLoader loader;
    private final KryoPool kryo;
    private final ClosureChecker closures;
    private final DriverScopes owner;
    private final AtomicBoolean closed = new AtomicBoolean();

    JobScope(String id, String key, List<File> jars, URLClassLoader loader, DriverScopes owner) {
        this.id = id;
        this.key = key;
        this.jars = List.copyOf(jars);
        this.loader = loader;
        this.kryo = new KryoPool(loader);
        this.closures = new ClosureChecker(kryo);
        this.owner = owner;
    }

    /** @return the id it was opened with */
    public String id() {
        return id;
    }

    /** @return the id plus a number unique within the engine: what stage binaries and executors know it by */
    String key() {
        return key;
    }

    /** @return its jars, local files on the driver, in class-path order */
    List<File> jars() {
        return jars;
    }

    /** @return parent-first over the engine's task class loader, plus the scope's jars */
    public ClassLoader classLoader() {
        return loader;
    }

    /** @return serializers over {@link #classLoader()} */
    public KryoPool kryo() {
        return kryo;
    }

    ClosureChecker closures() {
        return closures;
    }

    /** @return whether {@link #close()} was called */
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Runs work on this thread with the scope current (and its class loader as the thread's context class
     * loader): jobs, broadcasts and closure checks it makes use the scope. Scopes nest; the previous one (or
     * none) is current again afterwards.
     *
     * @param work what to run
     * @param <T> its result type
     * @return its result
     * @throws IllegalStateException when the scope is closed
     * @throws Exception what the work throws
     */
    public <T> T call(Callable<T> work) throws Exception {
        if (closed.get()) {
            throw new IllegalStateException("Class-loader scope " + id + " is closed; open a new one to run jobs");
        }
        JobScope previous = owner.enter(this);
        Thread thread = Thread.currentThread();
        ClassLoader context = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return work.call();
        } finally {
            thread.setContextClassLoader(context);
            owner.leave(previous);
        }
    }

    /**
     * Drops the scope on the driver and on the executors and deletes its published jars. Jobs of it still running
     * fail (cancel them first). Idempotent; any thread.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        owner.closed(this);
        try {
            loader.close();
        } catch (IOException e) {
            LOG.debug("Closing the class loader of scope {}: {}", id, e.toString());
        }
    }

    @Override
    public String toString() {
        return "JobScope[" + key + "]";
    }
}
