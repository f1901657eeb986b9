package io.weft.driver;

import io.weft.api.Broadcast;
import io.weft.api.Accumulator;
import io.weft.api.SerializableFunction;
import io.weft.api.WeftException;
import io.weft.api.lineage.DeferredPartitioners;
import io.weft.api.lineage.Node;
import io.weft.api.spi.Engine;
import io.weft.planner.DagScheduler;
import io.weft.planner.MapOutputJournal;
import io.weft.planner.SchedulerConfig;
import io.weft.planner.SchedulerListener;
import io.weft.conf.ConfigKeys;
import io.weft.conf.SchedulerConfigKeys;
import io.weft.conf.WeftConf;
import io.weft.runtime.io.TextFileNode;
import io.weft.runtime.serial.KryoPool;
import io.weft.status.DriverUi;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver: an {@link Engine} on any {@link ClusterBackend}. It owns the scheduler, the application's shuffle
 * directory, broadcasts and accumulators; the backend owns the executors. The same class drives local mode,
 * executor JVMs and YARN containers. Jobs may run in class-loader scopes of their own ({@link #openScope}).
 *
 * <p>Thread-safe: user threads call it; the scheduler thread calls back into the accumulator registry.
 */
public final class DriverEngine implements Engine {

    private static final Logger LOG = LoggerFactory.getLogger(DriverEngine.class);

    private final String applicationId;
    private final WeftConf conf;
    private final Configuration hadoopConf;
    private final ClusterBackend backend;
    private final KryoPool kryo;
    private final DriverScopes scopes;
    private final DagScheduler scheduler;
    private final Path shuffleDir;
    private final FileSystem shuffleFs;
    private final AtomicInteger nodeIds = new AtomicInteger();
    private final AtomicInteger shuffleIds = new AtomicInteger();
    private final AccumulatorRegistry accumulators;
    private final DriverBroadcasts broadcasts;
    private final Checkpoints checkpoints;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook;
    private final ListenerBus listeners = new ListenerBus();
    private final List<AutoCloseable> closeWith = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile String statusUrl;
    private final DriverAttempt attempt;
    private final FileMapOutputJournal journal;
    private final JobLocalProperties jobProperties = new JobLocalProperties();
    private final DriverFiles files;
    private final TextOutputs textOutputs;

    /**
     * Starts the scheduler and the backend's executors.
     *
     * @param applicationId the application
     * @param conf validated settings
     * @param hadoopConf the Hadoop configuration
     * @param backend where executors come from
     * @throws WeftException when the shuffle directory cannot be created or executors cannot start
     */
    public DriverEngine(String applicationId, WeftConf conf, Configuration hadoopConf, ClusterBackend backend) {
        this(applicationId, conf, hadoopConf, backend, null);
    }

    /**
     * Starts the scheduler and the backend's executors, with a status UI that sees every event from the first
     * executor's registration on.
     *
     * @param applicationId the application
     * @param conf validated settings
     * @param hadoopConf the Hadoop configuration
     * @param backend where executors come from
     * @param ui the status UI, or null; the caller still owns it (see {@link #closeWith})
     * @throws WeftException when the shuffle directory cannot be created or executors cannot start
     */
    public DriverEngine(String applicationId, WeftConf conf, Configuration hadoopConf, ClusterBackend backend,
            DriverUi ui) {
        this(applicationId, conf, hadoopConf, backend, ui, DriverAttempt.ONLY);
    }

    /**
     * Starts the scheduler and the backend's executors, as one attempt of a driver that may be retried: a retried
     * attempt reuses the map outputs (and committed text outputs) earlier attempts recorded in their journal.
     *
     * @param applicationId the application
     * @param conf validated settings
     * @param hadoopConf the Hadoop configuration
     * @param backend where executors come from
     * @param ui the status UI, or null; the caller still owns it (see {@link #closeWith})
     * @param attempt which driver attempt this is
     * @throws WeftException when the shuffle directory cannot be created or executors cannot start
     */
    public DriverEngine(String applicationId, WeftConf conf, Configuration hadoopConf, ClusterBackend backend,
            DriverUi ui, DriverAttempt attempt) {
        this.attempt = attempt;
        if (ui != null) {
            listeners.add(ui.listener());
            statusUrl = ui.url().orElse(null);
        }
        this.applicationId = applicationId;
        this.conf = conf;
        this.hadoopConf = hadoopConf;
        this.backend = backend;
        this.kryo = new KryoPool(new io.weft.runtime.files.ShippedClassLoader(applicationClassLoader()));
        String root = conf.get(ConfigKeys.SHUFFLE_DIR);
        if (root == null) {
            root = new Path("file://" + System.getProperty("java.io.tmpdir"), "weft-shuffle").toString();
        }
        this.shuffleDir = new Path(root, applicationId);
        try {
            this.shuffleFs = shuffleDir.getFileSystem(hadoopConf);
            // Only the application's user may read its map outputs, broadcasts and journal.
            io.weft.runtime.files.OwnerOnly.mkdirsUnderRoot(shuffleFs, shuffleDir);
        } catch (IOException e) {
            throw new WeftException("Cannot create the shuffle directory " + shuffleDir + ": " + e.getMessage()
                    + ". Fix: set " + ConfigKeys.SHUFFLE_DIR.name() + " to a writable directory.", e);
        }
        // A driver that may be retried keeps its shuffle files when its JVM dies: the next attempt reuses them (the
        // janitor removes them if no attempt follows). Closing the session always deletes them.
        this.shutdownHook = new Thread(attempt.mayBeRetried() ? () -> { } : this::deleteShuffleDir,
                "weft-shuffle-cleanup-" + applicationId);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        this.scopes = new DriverScopes(kryo, hadoopConf, shuffleDir, backend::dropScope);
        this.accumulators = new AccumulatorRegistry(scopes::kryoOf);
        this.broadcasts = new DriverBroadcasts(shuffleFs, shuffleDir, kryo, backend);
        this.checkpoints = new Checkpoints(applicationId, hadoopConf, this::runJobOnly, backend::unpersist,
                conf.get(ConfigKeys.CHECKPOINT_CLEAN_ON_CLOSE));
        this.files = new DriverFiles(applicationId, conf, hadoopConf, shuffleDir,
                (io.weft.runtime.files.ShippedClassLoader) kryo.classLoader());
        this.journal = attempt.journaled() ? new FileMapOutputJournal(shuffleFs, shuffleDir, attempt.number()) : null;
        this.textOutputs = new TextOutputs(hadoopConf, scopes::kryo, journal, this::runWriteJob);
        SchedulerConfig limits = schedulerConfig(conf, backend.excludesFailingExecutors());
        this.scheduler = new DagScheduler(limits, backend,
                new KryoStageSerializer(kryo, conf.get(ConfigKeys.CLOSURE_WARN_SIZE), files::current, scopes),
                accumulators,
                listeners, journal != null ? journal : MapOutputJournal.NONE, System::currentTimeMillis,
                backend.topology(), r -> {
                    Thread t = new Thread(r, "weft-scheduler");
                    t.setDaemon(true);
                    return t;
                });
        scheduler.start();
        try {
            backend.start(scheduler, new DriverContext(applicationId, conf, hadoopConf, shuffleDir, kryo));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.info("Application {} started; shuffle directory {}", applicationId, shuffleDir);
    }

    /**
     * Starts an engine that owns its status UI: the UI closes with the engine, and a start that fails ends the
     * UI's application as failed (never summarised as SUCCEEDED), closes it and rethrows. Called on the thread
     * creating the session.
     *
     * @param ui the status UI
     * @param start makes the engine, given the UI
     * @return the engine
     */
    public static DriverEngine owningUi(DriverUi ui, java.util.function.Function<DriverUi, DriverEngine> start) {
        try {
            DriverEngine engine = start.apply(ui);
            engine.closeWith(ui);
            return engine;
        } catch (RuntimeException e) {
            ui.applicationEnded(false);
            ui.close();
            throw e;
        }
    }

    /**
     * @param conf validated settings
     * @param backendExcludes whether the cluster backend can use exclusion at all
     * @return the scheduler's limits and policies from {@code weft.task.*}, {@code weft.exclude.*},
     *     {@code weft.speculation*}, {@code weft.locality.wait*}, {@code weft.scheduler.tasksInFlightPerCore} and
     *     {@code weft.scheduler.mode}
     */
    static SchedulerConfig schedulerConfig(WeftConf conf, boolean backendExcludes) {
        SchedulerConfig.Exclusion exclusion = backendExcludes && conf.get(ConfigKeys.EXCLUDE_ENABLED)
                ? new SchedulerConfig.Exclusion(true, conf.get(ConfigKeys.EXCLUDE_MAX_FAILURES_PER_EXECUTOR),
                        conf.get(ConfigKeys.EXCLUDE_MAX_EXECUTORS_PER_NODE), conf.get(ConfigKeys.EXCLUDE_TIMEOUT),
                        conf.get(ConfigKeys.EXCLUDE_UNSCHEDULABLE_TIMEOUT))
                : SchedulerConfig.Exclusion.OFF;
        SchedulerConfig.Speculation speculation = new SchedulerConfig.Speculation(conf.get(ConfigKeys.SPECULATION),
                conf.get(ConfigKeys.SPECULATION_QUANTILE), conf.get(ConfigKeys.SPECULATION_MULTIPLIER),
                conf.get(ConfigKeys.SPECULATION_MIN_RUNTIME));
        long wait = conf.get(ConfigKeys.LOCALITY_WAIT);
        Long node = conf.get(ConfigKeys.LOCALITY_WAIT_NODE);
        Long rack = conf.get(ConfigKeys.LOCALITY_WAIT_RACK);
        SchedulerConfig.Locality locality = new SchedulerConfig.Locality(node != null ? node : wait,
                rack != null ? rack : wait);
        return new SchedulerConfig(conf.get(ConfigKeys.TASK_MAX_FAILURES), conf.get(ConfigKeys.STAGE_MAX_ATTEMPTS),
                exclusion, speculation, locality, conf.get(SchedulerConfigKeys.TASKS_IN_FLIGHT_PER_CORE),
                SchedulerConfig.Mode.valueOf(conf.get(SchedulerConfigKeys.SCHEDULER_MODE)));
    }

    private static ClassLoader applicationClassLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : DriverEngine.class.getClassLoader();
    }

    /** @return the scheduler, for tests and status */
    public DagScheduler scheduler() {
        return scheduler;
    }

    /**
     * Observes jobs, stages and tasks from now on. Listeners run on the scheduler thread and must be quick.
     *
     * @param listener the listener
     */
    public void addSchedulerListener(SchedulerListener listener) {
        listeners.add(listener);
    }

    /** @return the address of the status UI, when one is attached and serving */
    public java.util.Optional<String> statusUrl() {
        return java.util.Optional.ofNullable(statusUrl);
    }

    /**
     * Closes a resource when this engine closes (after the backend), for things that live exactly as long as the
     * session, such as its status server. Failures to close are logged.
     *
     * @param resource the resource
     */
    public void closeWith(AutoCloseable resource) {
        closeWith.add(resource);
    }

    /** @return the backend */
    public ClusterBackend backend() {
        return backend;
    }

    /** @return the application's shuffle directory */
    public Path shuffleDir() {
        return shuffleDir;
    }

    /** @return the driver's serializers */
    public KryoPool kryo() {
        return kryo;
    }

    // ---- shipping things with the job ----

    @Override
    public void addFile(String path) {
        files.add(path, null, false);
    }

    /**
     * {@link #addFile(String)} under another name, as {@code weft.files} entries {@code path#name} ask.
     *
     * @param path a local path or Hadoop URI
     * @param name the name tasks find it under
     */
    public void addFile(String path, String name) {
        files.add(path, name, false);
    }

    @Override
    public void addJar(String path) {
        files.add(path, null, true);
    }

    @Override
    public String applicationId() {
        return applicationId;
    }

    @Override
    public int defaultParallelism() {
        Integer configured = conf.get(ConfigKeys.DEFAULT_PARALLELISM);
        return configured != null ? configured : Math.max(1, backend.defaultParallelism());
    }

    @Override
    public int newNodeId() {
        int id = nodeIds.getAndIncrement();
        scopes.nodeMade(id);
        return id;
    }

    @Override
    public int newShuffleIds(int count) {
        int first = shuffleIds.getAndAdd(count);
        scopes.shufflesMade(first, count);
        return first;
    }

    @Override
    public void checkClosure(String operator, Object function) {
        scopes.closures().check(operator, function);
    }

    /**
     * Opens a class-loader scope: jobs submitted inside its {@link JobScope#call} load classes from the given jars
     * too, on the driver and on the executors. Any thread.
     *
     * @param id the scope's id, unique among open scopes (an attachment's id, say)
     * @param jars local jar files on the driver
     * @return the scope, which the caller closes
     * @throws IllegalArgumentException when a jar is not a readable file or a scope of the id is open
     */
    public JobScope openScope(String id, List<java.io.File> jars) {
        checkOpen();
        return scopes.open(id, jars);
    }

    @Override
    public <T, U> List<U> runJob(Node<T> node, SerializableFunction<Iterator<T>, U> partitionFunction,
            int[] partitions, String callSite) {
        checkOpen();
        checkpoints.beforeJob(node);
        List<U> results = runJobOnly(node, partitionFunction, partitions, callSite);
        checkpoints.afterJob(node);
        return results;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private List<?> runJobOnly(Node node, SerializableFunction function, String callSite) {
        return runJobOnly(node, function, null, callSite);
    }

    /** Runs one job, without the checkpoints it may lead to. */
    private <T, U> List<U> runJobOnly(Node<T> node, SerializableFunction<Iterator<T>, U> partitionFunction,
            int[] partitions, String callSite) {
        // Every job passes here, on the caller's thread: choosing a deferred partitioner may run a sampling job,
        // which the scheduler's thread must not.
        DeferredPartitioners.chooseAll(node);
        int[] selected = partitions;
        if (selected == null) {
            selected = new int[node.numPartitions()];
            for (int i = 0; i < selected.length; i++) {
                selected[i] = i;
            }
        }
        if (selected.length == 0) {
            return new ArrayList<>();
        }
        // Results are read with the serializers of the thread's scope, whose classes they may hold.
        return JobResults.await(scheduler.submitJob(node, scopes.tag(partitionFunction), selected, callSite,
                jobProperties.current()), callSite, scopes.kryo());
    }

    @Override
    public Node<String> textFile(String path, int minPartitions, String callSite) {
        checkOpen();
        return TextFileNode.create(newNodeId(), callSite, path, minPartitions, hadoopConf);
    }

    @Override
    public void saveAsTextFile(Node<?> node, String path, String callSite) {
        checkOpen();
        textOutputs.save(node, path, callSite);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private List<String> runWriteJob(Node<?> node, SerializableFunction<Iterator<Object>, String> task,
            String callSite) {
        return runJob((Node) node, (SerializableFunction) task, null, callSite);
    }

    // ---- Hadoop input and output ----

    @Override
    public <K, V> Node<io.weft.api.Pair<K, V>> hadoopInput(io.weft.api.spi.HadoopInput input, String callSite) {
        checkOpen();
        return new HadoopIo(this, hadoopConf).input(input, callSite);
    }

    @Override
    public void saveAsHadoop(Node<? extends io.weft.api.Pair<?, ?>> node, io.weft.api.spi.HadoopOutput output,
            String callSite) {
        checkOpen();
        new HadoopIo(this, hadoopConf).save(node, output, callSite);
    }

    @Override
    public <T> Broadcast<T> broadcast(T value) {
        checkOpen();
        return broadcasts.create(value, scopes.kryo());
    }

    // ---- accumulators and checkpoints ----

    @Override
    public <A extends Accumulator<?, ?>> A register(A accumulator, String name) {
        checkOpen();
        return accumulators.register(accumulator, name);
    }

    @Override
    public void setCheckpointDir(String dir) {
        checkOpen();
        checkpoints.setDirectory(dir);
    }

    @Override
    public java.util.Optional<String> checkpointDir() {
        return java.util.Optional.ofNullable(checkpoints.directory());
    }

    // ---- job groups and cancellation ----

    @Override
    public void setLocalProperty(String key, String value) {
        jobProperties.set(key, value);
    }

    @Override
    public String getLocalProperty(String key) {
        return jobProperties.get(key);
    }

    @Override
    public void cancelJobGroup(String groupId) {
        scheduler.cancelJobGroup(groupId);
    }

    @Override
    public void cancelAllJobs() {
        scheduler.cancelAllJobs();
    }

    @Override
    public void unpersist(Node<?> node) {
        backend.unpersist(node.id());
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        scopes.closeAll();
        scheduler.close();
        backend.close();
        if (journal != null) {
            journal.close();
        }
        deleteShuffleDir();
        checkpoints.close();
        files.close();
        for (AutoCloseable resource : closeWith) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("Could not close {}: {}", resource, e.toString());
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook runs anyway; deleting twice is harmless.
        }
        LOG.info("Application {} stopped", applicationId);
    }

    private void deleteShuffleDir() {
        try {
            if (shuffleFs != null) {
                shuffleFs.delete(shuffleDir, true);
            }
        } catch (IOException e) {
            LOG.warn("Could not delete the shuffle directory {}: {}", shuffleDir, e.toString());
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("The session is closed");
        }
    }
}
