package io.weft.api;

import io.weft.api.lineage.ParallelizeNode;
import io.weft.api.spi.Engine;
import io.weft.api.spi.EngineFactory;
import io.weft.api.spi.HadoopInput;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.BytesWritable;
import org.apache.hadoop.io.NullWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.SequenceFileInputFormat;

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
public final class WeftSession implements AutoCloseable {

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

    // ---- Hadoop input ----
    // As in Spark, Hadoop's readers reuse one key and one value object for every record of a split: map the
    // records to copies (e.g. Text::toString, IntWritable::get) before caching, collecting or shuffling them.

    /**
     * Pairs read through an old-API ({@code org.apache.hadoop.mapred}) InputFormat; Spark's {@code hadoopFile}.
     * Splits and their preferred hosts come from the format, computed now (a missing path fails at once).
     * Compressed files are read by their name's codec where the format does so (TextInputFormat does).
     * Records reuse the reader's Writables; see the note above.
     *
     * @param path a Hadoop path: file, directory, glob or comma-separated list
     * @param inputFormatClass the format
     * @param keyClass the key class
     * @param valueClass the value class
     * @param minPartitions the minimum number of splits (a hint the format may ignore)
     * @param <K> key type
     * @param <V> value type
     * @param <F> format type
     * @return the pairs, one partition per split
     */
    public <K, V, F extends org.apache.hadoop.mapred.InputFormat<K, V>> PairDataset<K, V> hadoopFile(String path,
            Class<F> inputFormatClass, Class<K> keyClass, Class<V> valueClass, int minPartitions) {
        return hadoopInput(new HadoopInput(HadoopInput.Kind.MAPRED, path, inputFormatClass, keyClass, valueClass,
                minPartitions, null), "hadoopFile");
    }

    /** As {@link #hadoopFile(String, Class, Class, Class, int)} with the default minimum of splits. */
    public <K, V, F extends org.apache.hadoop.mapred.InputFormat<K, V>> PairDataset<K, V> hadoopFile(String path,
            Class<F> inputFormatClass, Class<K> keyClass, Class<V> valueClass) {
        return hadoopFile(path, inputFormatClass, keyClass, valueClass, defaultMinPartitions());
    }

    /**
     * Pairs read through a new-API ({@code org.apache.hadoop.mapreduce}) InputFormat with a configuration that
     * travels with the tasks (the session's Hadoop configuration is not merged in); Spark's
     * {@code newAPIHadoopFile}. Records reuse the reader's objects, as in {@link #hadoopFile}.
     *
     * @param path a Hadoop path: file, directory, glob or comma-separated list
     * @param fClass the format
     * @param kClass the key class
     * @param vClass the value class
     * @param conf the Hadoop configuration for the format and its readers
     * @param <K> key type
     * @param <V> value type
     * @param <F> format type
     * @return the pairs, one partition per split
     */
    public <K, V, F extends org.apache.hadoop.mapreduce.InputFormat<K, V>> PairDataset<K, V> newAPIHadoopFile(
            String path, Class<F> fClass, Class<K> kClass, Class<V> vClass, Configuration conf) {
        return hadoopInput(new HadoopInput(HadoopInput.Kind.MAPREDUCE, path, fClass, kClass, vClass, 1,
                requireConf(conf, "newAPIHadoopFile")), "newAPIHadoopFile");
    }

    /**
     * Pairs read through a new-API InputFormat whose input the configuration names (e.g. a table, or
     * {@code mapreduce.input.fileinputformat.inputdir}); Spark's {@code newAPIHadoopRDD}.
     *
     * @param conf the Hadoop configuration naming the input
     * @param fClass the format
     * @param kClass the key class
     * @param vClass the value class
     * @param <K> key type
     * @param <V> value type
     * @param <F> format type
     * @return the pairs, one partition per split
     */
    public <K, V, F extends org.apache.hadoop.mapreduce.InputFormat<K, V>> PairDataset<K, V> newAPIHadoopDataset(
            Configuration conf, Class<F> fClass, Class<K> kClass, Class<V> vClass) {
        return hadoopInput(new HadoopInput(HadoopInput.Kind.MAPREDUCE, null, fClass, kClass, vClass, 1,
                requireConf(conf, "newAPIHadoopDataset")), "newAPIHadoopDataset");
    }

    /**
     * A SequenceFile's pairs (old-API SequenceFileInputFormat, as Spark does); records reuse Writables.
     *
     * @param path a Hadoop path: file, directory, glob or comma-separated list
     * @param keyClass the key class (a Writable)
     * @param valueClass the value class (a Writable)
     * @param minPartitions the minimum number of splits
     * @param <K> key type
     * @param <V> value type
     * @return the pairs
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public <K, V> PairDataset<K, V> sequenceFile(String path, Class<K> keyClass, Class<V> valueClass,
            int minPartitions) {
        return hadoopInput(new HadoopInput(HadoopInput.Kind.MAPRED, path, SequenceFileInputFormat.class, keyClass,
                valueClass, minPartitions, null), "sequenceFile");
    }

    /** As {@link #sequenceFile(String, Class, Class, int)} with the default minimum of splits. */
    public <K, V> PairDataset<K, V> sequenceFile(String path, Class<K> keyClass, Class<V> valueClass) {
        return sequenceFile(path, keyClass, valueClass, defaultMinPartitions());
    }

    /**
     * Whole text files as (path, content) pairs, content decoded as UTF-8 after decompressing by the file name's
     * codec. Small files are combined into about {@code minPartitions} partitions; each file is read whole.
     *
     * @param path a Hadoop path: file, directory, glob or comma-separated list
     * @param minPartitions the number of partitions to aim for
     * @return (fully qualified path, content) pairs
     */
    public PairDataset<String, String> wholeTextFiles(String path, int minPartitions) {
        return this.<Text, BytesWritable>hadoopInput(new HadoopInput(HadoopInput.Kind.WHOLE_TEXT_FILES, path,
                null, Text.class, BytesWritable.class, minPartitions, null), "wholeTextFiles")
                .mapToPair(p -> Pair.of(p.key().toString(), new String(p.value().getBytes(), 0,
                        p.value().getLength(), StandardCharsets.UTF_8)));
    }

    /** As {@link #wholeTextFiles(String, int)} with the default number of partitions. */
    public PairDataset<String, String> wholeTextFiles(String path) {
        return wholeTextFiles(path, defaultMinPartitions());
    }

    /**
     * Whole files as (path, bytes) pairs, as stored (not decompressed). Weft gives each file's bytes, where Spark
     * gives a {@code PortableDataStream} to open: a file must fit in a task's memory.
     *
     * @param path a Hadoop path: file, directory, glob or comma-separated list
     * @param minPartitions the number of partitions to aim for
     * @return (fully qualified path, content) pairs
     */
    public PairDataset<String, byte[]> binaryFiles(String path, int minPartitions) {
        return this.<Text, BytesWritable>hadoopInput(new HadoopInput(HadoopInput.Kind.BINARY_FILES, path, null,
                Text.class, BytesWritable.class, minPartitions, null), "binaryFiles")
                .mapToPair(p -> Pair.of(p.key().toString(), p.value().copyBytes()));
    }

    /** As {@link #binaryFiles(String, int)} with the default number of partitions. */
    public PairDataset<String, byte[]> binaryFiles(String path) {
        return binaryFiles(path, defaultMinPartitions());
    }

    /**
     * Records written by {@link Dataset#saveAsObjectFile(String)}: SequenceFiles of Java-serialized batches, read
     * with the application's class loader.
     *
     * @param path the directory saveAsObjectFile wrote (or a glob)
     * @param minPartitions the minimum number of splits
     * @param <T> record type
     * @return the records
     */
    public <T> Dataset<T> objectFile(String path, int minPartitions) {
        return sequenceFile(path, NullWritable.class, BytesWritable.class, minPartitions)
                .flatMap(p -> ObjectFiles.<T>deserialize(p.value()));
    }

    /** As {@link #objectFile(String, int)} with the default minimum of splits. */
    public <T> Dataset<T> objectFile(String path) {
        return objectFile(path, defaultMinPartitions());
    }

    private <K, V> PairDataset<K, V> hadoopInput(HadoopInput input, String operator) {
        checkOpen();
        return new PairDataset<>(this, engine.<K, V>hadoopInput(input, CallSites.of(operator)));
    }

    private int defaultMinPartitions() {
        return Math.min(2, defaultParallelism());
    }

    private static Configuration requireConf(Configuration conf, String operator) {
        if (conf == null) {
            throw new NullPointerException(operator + ": the Hadoop Configuration is null; pass new Configuration()"
                    + " or a copy of the one your InputFormat needs");
        }
        return conf;
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
        return engine.longAccumulator(name);
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
                // weft.* system properties are defaults (WeftSubmit and the ApplicationMaster pass settings so);
                // what the program sets wins.
                Map<String, String> settings = new LinkedHashMap<>();
                System.getProperties().forEach((k, v) -> {
                    if (k instanceof String key && key.startsWith("weft.")) {
                        settings.put(key, String.valueOf(v));
                    }
                });
                settings.putAll(config);
                String resolvedMaster = master != null ? master
                        : settings.getOrDefault("weft.master", "local[*]");
                for (EngineFactory factory : ServiceLoader.load(EngineFactory.class, classLoader())) {
                    if (factory.accepts(resolvedMaster)) {
                        Engine engine = factory.create(appName, resolvedMaster, settings);
                        active = new WeftSession(engine, appName, resolvedMaster, settings);
                        return active;
                    }
                }
                throw new WeftException("No Weft engine accepts master '" + resolvedMaster
                        + "'. Use local, local[N], local[*] or local-cluster[E,C,M] (weft-container-runtime on the"
                        + " classpath), or yarn (weft-am on the classpath).");
            }
        }

        private static ClassLoader classLoader() {
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            return context != null ? context : WeftSession.class.getClassLoader();
        }
    }
}
