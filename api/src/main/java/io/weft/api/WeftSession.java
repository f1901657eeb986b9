package io.weft.api;

import io.weft.api.lineage.EmptyNode;
import io.weft.api.lineage.ParallelizeNode;
import io.weft.api.lineage.RangeNode;
import io.weft.api.spi.Engine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The entry point of a Weft program: creates datasets, broadcasts and accumulators, and owns the engine that
 * runs jobs.
 *
 * <pre>{@code
 * try (WeftSession weft = WeftSession.builder().appName("wordcount").getOrCreate()) {
 *     weft.textFile("hdfs:///books").flatMap(l -> Arrays.asList(l.split(" ")).iterator())
 *         .mapToPair(w -> Pair.of(w, 1L)).reduceByKey(Long::sum).saveAsTextFile("hdfs:///counts");
 * }
 * }</pre>
 *
 * <p>Masters: {@code local} (one executor thread), {@code local[N]}, {@code local[*]} (one thread per core),
 * {@code local-cluster[E,C,M]} (E executor JVMs with C cores and M MB heap each, on this machine). A program that
 * sets no master uses the {@code weft.master} setting or system property, else {@code local[*]}. Every
 * {@code weft.*} system property is a default setting (this is how {@code WeftSubmit} passes its options).
 *
 * <p>Thread-safe: jobs may be submitted from several threads. One session is active per JVM;
 * {@link Builder#getOrCreate()} returns it while it is open.
 */
public final class WeftSession implements AutoCloseable, SessionHadoopInput, SessionSources {

    private static final Object LOCK = new Object();
    private static WeftSession active;

    private final Engine engine;
    private final String appName;
    private final String master;
    private final Map<String, String> config;
    private volatile boolean closed;

    private WeftSession(Engine engine, String appName, String master, Map<String, String> config) {
        this.engine = engine;
        this.appName = appName;
        this.master = master;
        this.config = Map.copyOf(config);
    }

    /**
     * The session open in this JVM, if any (it is what {@link Builder#getOrCreate()} would return).
     *
     * @return the active session
     */
    public static java.util.Optional<WeftSession> active() {
        synchronized (LOCK) {
            return java.util.Optional.ofNullable(active);
        }
    }

    /** @return a builder for the session */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A dataset of a driver-side list, cut into {@code numPartitions} contiguous slices.
     *
     * @param data the records (copied)
     * @param numPartitions at least 1
     * @param <T> record type
     * @return the dataset
     */
    public <T> Dataset<T> parallelize(List<T> data, int numPartitions) {
        checkOpen();
        return new Dataset<>(this, new ParallelizeNode<>(engine.newNodeId(), CallSites.of("parallelize"), data,
                numPartitions));
    }

    /**
     * Lines of text files, split by block size into at least {@link #defaultParallelism()} (at most 2)
     * partitions.
     *
     * @param path a Hadoop path ({@code file:}, {@code hdfs:}, ...): a file, a directory or a glob; {@code .gz}
     *     files are read whole
     * @return the lines, without line terminators
     */
    public Dataset<String> textFile(String path) {
        return textFile(path, Math.min(2, defaultParallelism()));
    }

    /**
     * Lines of text files, in at least {@code minPartitions} splits. A line crossing a split boundary is read
     * once, by the split where it starts.
     *
     * @param path a Hadoop path: a file, a directory or a glob
     * @param minPartitions the minimum number of splits
     * @return the lines
     */
    public Dataset<String> textFile(String path, int minPartitions) {
        checkOpen();
        return new Dataset<>(this, engine.textFile(path, minPartitions, CallSites.of("textFile")));
    }

    // ---- union of many datasets ----

    /**
     * @param datasets at least one dataset of this session
     * @param <T> record type
     * @return all their records; partition {@code i} of each input side by side, or, when every input has the
     *     same partitioner, partition {@code i} holds every input's partition {@code i} and keeps it
     */
    public <T> Dataset<T> union(List<? extends Dataset<T>> datasets) {
        checkOpen();
        return new Dataset<>(this, Unions.of(datasets));
    }

    /**
     * @param datasets at least one dataset of this session
     * @param <T> record type
     * @return all their records, as {@link #union(List)}
     */
    @SafeVarargs
    public final <T> Dataset<T> union(Dataset<T>... datasets) {
        return union(List.of(datasets));
    }

    /**
     * @param datasets at least one pair dataset of this session
     * @param <K> key type
     * @param <V> value type
     * @return all their pairs, as {@link #union(List)}, still a pair dataset
     */
    @SafeVarargs
    public final <K, V> PairDataset<K, V> union(PairDataset<K, V>... datasets) {
        checkOpen();
        return new PairDataset<>(this, Unions.of(List.of(datasets)));
    }

    /**
     * Ships a read-only value to each executor once.
     *
     * @param value the value; it must be serializable by Kryo
     * @param <T> its type
     * @return the handle to capture in functions
     */
    public <T> Broadcast<T> broadcast(T value) {
        checkOpen();
        return engine.broadcast(value);
    }

    /**
     * @param name a name for logs and the UI
     * @return a new accumulator, zero
     */
    public LongAccumulator longAccumulator(String name) {
        checkOpen();
        return engine.register(new LongAccumulator(), name);
    }

    // ---- accumulators, checkpoints and session factories (issue 13) ----

    /** A new registered accumulator summing doubles; {@code name} is for logs. */
    public DoubleAccumulator doubleAccumulator(String name) {
        checkOpen();
        return engine.register(new DoubleAccumulator(), name);
    }

    /** A new registered accumulator collecting elements into a list; {@code name} is for logs. */
    public <T> CollectionAccumulator<T> collectionAccumulator(String name) {
        checkOpen();
        return engine.register(new CollectionAccumulator<>(), name);
    }

    /**
     * Registers a user-defined accumulator, before a function captures it (Spark's {@code register}).
     *
     * @param accumulator a new accumulator
     * @param name for logs
     * @throws IllegalStateException if it is already registered
     */
    public void register(Accumulator<?, ?> accumulator, String name) {
        checkOpen();
        engine.register(accumulator, name);
    }

    /**
     * Sets where {@link Dataset#checkpoint()} writes: in a subdirectory named after the application, deleted when
     * the session closes unless {@code weft.checkpoint.cleanOnClose=false}.
     *
     * @param dir a Hadoop path every executor can read (HDFS on YARN)
     */
    public void setCheckpointDir(String dir) {
        checkOpen();
        engine.setCheckpointDir(dir);
    }

    /** @return the application's checkpoint directory, once set */
    public java.util.Optional<String> getCheckpointDir() {
        return engine.checkpointDir();
    }

    /** A dataset of a driver-side list (copied) in {@link #defaultParallelism()} slices. */
    public <T> Dataset<T> parallelize(List<T> data) {
        return parallelize(data, defaultParallelism());
    }

    /** A pair dataset of a driver-side list (copied) in {@link #defaultParallelism()} slices, no partitioner. */
    public <K, V> PairDataset<K, V> parallelizePairs(List<Pair<K, V>> data) {
        return parallelizePairs(data, defaultParallelism());
    }

    /** A pair dataset of a driver-side list (copied) in {@code numPartitions} (at least 1) slices, no partitioner. */
    public <K, V> PairDataset<K, V> parallelizePairs(List<Pair<K, V>> data, int numPartitions) {
        checkOpen();
        return new PairDataset<>(this, new ParallelizeNode<>(engine.newNodeId(), CallSites.of("parallelizePairs"),
                data, numPartitions));
    }

    /** A dataset with no partitions and no records (Spark's {@code emptyRDD}). */
    public <T> Dataset<T> emptyDataset() {
        checkOpen();
        return new Dataset<>(this, new EmptyNode<>(engine.newNodeId(), CallSites.of("emptyDataset")));
    }

    /** {@code range(start, end, 1, defaultParallelism())}. */
    public Dataset<Long> range(long start, long end) {
        return range(start, end, 1, defaultParallelism());
    }

    /** {@code range(start, end, step, defaultParallelism())}. */
    public Dataset<Long> range(long start, long end, long step) {
        return range(start, end, step, defaultParallelism());
    }

    /**
     * The longs from {@code start} towards {@code end} (exclusive) by {@code step} (not 0; negative descends), as
     * Spark's {@code SparkContext.range}: each partition computes its slice (nothing is listed on the driver) and
     * values never overflow.
     *
     * @return the values, in order across {@code numPartitions} partitions
     */
    public Dataset<Long> range(long start, long end, long step, int numPartitions) {
        checkOpen();
        return new Dataset<>(this, new RangeNode(engine.newNodeId(), CallSites.of("range"), start, end, step,
                numPartitions));
    }

    // ---- shipping things with the job ----

    /**
     * Ships a file with the tasks of every job submitted afterwards, as Spark's {@code addFile}: tasks (and the
     * driver) find it with {@link WeftFiles#get(String)} under its name. Adding the same path again does nothing.
     *
     * @param path a local path or Hadoop URI ({@code hdfs:///...}) of an existing file
     * @throws WeftException when it does not exist, is a directory, or another path with the same name was added
     */
    public void addFile(String path) {
        checkOpen();
        engine.addFile(path);
    }

    /**
     * Puts a jar on the class path of the tasks of every job submitted afterwards, as Spark's {@code addJar}.
     *
     * @param path a local path or Hadoop URI of an existing jar
     * @throws WeftException when it does not exist, or another jar with the same name was added
     */
    public void addJar(String path) {
        checkOpen();
        engine.addJar(path);
    }

    /** @return the default number of partitions: the total number of executor cores */
    public int defaultParallelism() {
        return engine.defaultParallelism();
    }

    /** @return the application id */
    public String applicationId() {
        return engine.applicationId();
    }

    /** @return the application's name */
    public String appName() {
        return appName;
    }

    /** @return the master this session runs on */
    public String master() {
        return master;
    }

    /** @return the session's settings as given to the builder */
    public Map<String, String> config() {
        return config;
    }

    /** @return the engine; engine-facing */
    public Engine engine() {
        return engine;
    }

    // ---- job descriptions, job groups and cancellation ----

    /** The local property holding a job's description, shown in the status UI and event log. */
    public static final String JOB_DESCRIPTION = "weft.job.description";
    /** The local property holding a job's group, which {@link #cancelJobGroup} cancels. */
    public static final String JOB_GROUP_ID = "weft.jobGroup.id";
    /** The local property recording {@code interruptOnCancel} of {@link #setJobGroup(String, String, boolean)}. */
    public static final String JOB_INTERRUPT_ON_CANCEL = "weft.job.interruptOnCancel";
    /**
     * The local property naming the scheduler pool of a job ({@code default} when unset). Under
     * {@code weft.scheduler.mode = FAIR} pools share free cores by their running tasks; under FIFO it has no effect.
     */
    public static final String SCHEDULER_POOL = "weft.scheduler.pool";

    /**
     * Sets a property of the jobs this thread submits from now on, as Spark's {@code setLocalProperty}. Threads
     * this thread starts afterwards begin with a copy of its properties (an {@link InheritableThreadLocal}, as in
     * Spark; a pool thread keeps what it copied when it was created).
     *
     * @param key the property
     * @param value its value, or {@code null} to remove it
     */
    public void setLocalProperty(String key, String value) {
        checkOpen();
        engine.setLocalProperty(key, value);
    }

    /**
     * @param key a property
     * @return its value for this thread, or {@code null}
     */
    public String getLocalProperty(String key) {
        return engine.getLocalProperty(key);
    }

    /** @param description shown with the jobs this thread submits from now on, or {@code null} for none */
    public void setJobDescription(String description) {
        setLocalProperty(JOB_DESCRIPTION, description);
    }

    /**
     * Puts the jobs this thread (and threads it starts afterwards) submits from now on in a group, which
     * {@link #cancelJobGroup} cancels. Cancelling interrupts the jobs' task threads (see the three-argument form).
     *
     * @param groupId the group, not null
     * @param description the jobs' description, or {@code null}
     */
    public void setJobGroup(String groupId, String description) {
        setJobGroup(groupId, description, false);
    }

    /**
     * As {@link #setJobGroup(String, String)}. Unlike Spark, Weft always kills a cancelled task by interrupting its
     * thread (as it kills speculative losers), so {@code interruptOnCancel} is recorded but changes nothing.
     *
     * @param groupId the group, not null
     * @param description the jobs' description, or {@code null}
     * @param interruptOnCancel Spark's flag; Weft interrupts either way
     */
    public void setJobGroup(String groupId, String description, boolean interruptOnCancel) {
        if (groupId == null) {
            throw new IllegalArgumentException("setJobGroup: the group id is null; use clearJobGroup() to leave"
                    + " a group");
        }
        setJobDescription(description);
        setLocalProperty(JOB_GROUP_ID, groupId);
        setLocalProperty(JOB_INTERRUPT_ON_CANCEL, String.valueOf(interruptOnCancel));
    }

    /** Removes this thread's job group and description. */
    public void clearJobGroup() {
        setLocalProperty(JOB_DESCRIPTION, null);
        setLocalProperty(JOB_GROUP_ID, null);
        setLocalProperty(JOB_INTERRUPT_ON_CANCEL, null);
    }

    /**
     * Cancels every running and waiting job of the group, from any thread, without waiting: their running tasks
     * are killed on the executors and their actions throw {@link JobCancelledException}. Jobs the group submits
     * later run normally; jobs of other groups are not touched; a group without jobs is a no-op.
     *
     * @param groupId the group
     */
    public void cancelJobGroup(String groupId) {
        if (groupId == null) {
            throw new IllegalArgumentException("cancelJobGroup: the group id is null; use cancelAllJobs() to"
                    + " cancel every job");
        }
        checkOpen();
        engine.cancelJobGroup(groupId);
    }

    /** Cancels every running and waiting job, as {@link #cancelJobGroup} does for one group. */
    public void cancelAllJobs() {
        checkOpen();
        engine.cancelAllJobs();
    }

    /** Stops the executors and deletes the application's shuffle directory. Idempotent. */
    @Override
    public void close() {
        synchronized (LOCK) {
            if (closed) {
                return;
            }
            closed = true;
            if (active == this) {
                active = null;
            }
        }
        engine.close();
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("This WeftSession is closed; create a new one with WeftSession.builder()");
        }
    }

    /** Builds or finds the session. Not thread-safe; use from one thread. */
    public static final class Builder {
        private String appName = "weft-app";
        private String master;
        private final Map<String, String> config = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * @param name the application's name
         * @return this builder
         */
        public Builder appName(String name) {
            this.appName = name;
            return this;
        }

        /**
         * @param master {@code local}, {@code local[N]}, {@code local[*]}, {@code local-cluster[E,C,M]} or
         *     {@code yarn}
         * @return this builder
         */
        public Builder master(String master) {
            this.master = master;
            return this;
        }

        /**
         * @param key a {@code weft.*} key (see docs/configuration.md)
         * @param value its value
         * @return this builder
         */
        public Builder config(String key, String value) {
            config.put(key, value);
            return this;
        }

        /**
         * The active session if one is open, otherwise a new one.
         *
         * @return the session
         * @throws WeftException when no engine accepts the master or the configuration is invalid
         */
        public WeftSession getOrCreate() {
            synchronized (LOCK) {
                if (active != null) {
                    return active;
                }
                active = open();
                return active;
            }
        }

        /**
         * A new session even when one is open in this JVM; it does not become the {@linkplain #active() active}
         * one. For several independent programs in one JVM, e.g. each attached to a long-running session
         * ({@code weft-session://<application id>}) as an attachment of its own. Closing it is the caller's job.
         *
         * @return the new session
         * @throws WeftException when no engine accepts the master or the configuration is invalid
         */
        public WeftSession create() {
            return open();
        }

        private WeftSession open() {
            Map<String, String> settings = EngineLookup.settings(config);
            String resolvedMaster = master != null ? master : settings.getOrDefault("weft.master", "local[*]");
            return new WeftSession(EngineLookup.create(appName, resolvedMaster, settings), appName, resolvedMaster,
                    settings);
        }
    }
}
