package io.weft.api;

import io.weft.api.spi.HadoopInput;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.BytesWritable;
import org.apache.hadoop.io.NullWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.SequenceFileInputFormat;

/**
 * {@link WeftSession}'s Hadoop input methods, Spark's {@code JavaSparkContext} ones; kept here so the session's own
 * file stays small. Implemented by {@code WeftSession} alone.
 *
 * <p>As in Spark, Hadoop's readers reuse one key and one value object for every record of a split: map the
 * records to copies (e.g. {@code Text::toString}, {@code IntWritable::get}) before caching, collecting or
 * shuffling them. Otherwise a cached or collected partition holds many references to one object, all showing the
 * last record's contents.
 */
public interface SessionHadoopInput {

    /**
     * Pairs read through an old-API ({@code org.apache.hadoop.mapred}) InputFormat; Spark's {@code hadoopFile}.
     * Splits and their preferred hosts come from the format, computed now (a missing path fails at once).
     * Compressed files are read by their name's codec where the format does so (TextInputFormat does).
     * Records reuse the reader's Writables (see this interface's note): copy before keeping them.
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
    default <K, V, F extends org.apache.hadoop.mapred.InputFormat<K, V>> PairDataset<K, V> hadoopFile(String path,
            Class<F> inputFormatClass, Class<K> keyClass, Class<V> valueClass, int minPartitions) {
        return hadoopInput(new HadoopInput(HadoopInput.Kind.MAPRED, path, inputFormatClass, keyClass, valueClass,
                minPartitions, null), "hadoopFile");
    }

    /** As {@link #hadoopFile(String, Class, Class, Class, int)} with the default minimum of splits. */
    default <K, V, F extends org.apache.hadoop.mapred.InputFormat<K, V>> PairDataset<K, V> hadoopFile(String path,
            Class<F> inputFormatClass, Class<K> keyClass, Class<V> valueClass) {
        return hadoopFile(path, inputFormatClass, keyClass, valueClass, defaultMinPartitions());
    }

    /**
     * Pairs read through an old-API InputFormat whose input the JobConf names (e.g. after
     * {@code FileInputFormat.setInputPaths}); the JobConf travels with the tasks. Spark's {@code hadoopRDD}.
     *
     * @param conf the job's configuration
     * @param inputFormatClass the format
     * @param keyClass the key class
     * @param valueClass the value class
     * @param minPartitions the minimum number of splits (a hint the format may ignore)
     * @param <K> key type
     * @param <V> value type
     * @param <F> format type
     * @return the pairs, one partition per split
     */
    default <K, V, F extends org.apache.hadoop.mapred.InputFormat<K, V>> PairDataset<K, V> hadoopRDD(
            org.apache.hadoop.mapred.JobConf conf, Class<F> inputFormatClass, Class<K> keyClass,
            Class<V> valueClass, int minPartitions) {
        return hadoopInput(new HadoopInput(HadoopInput.Kind.MAPRED, null, inputFormatClass, keyClass, valueClass,
                minPartitions, requireConf(conf, "hadoopRDD")), "hadoopRDD");
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
    default <K, V, F extends org.apache.hadoop.mapreduce.InputFormat<K, V>> PairDataset<K, V> newAPIHadoopFile(
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
    default <K, V, F extends org.apache.hadoop.mapreduce.InputFormat<K, V>> PairDataset<K, V> newAPIHadoopDataset(
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
    default <K, V> PairDataset<K, V> sequenceFile(String path, Class<K> keyClass, Class<V> valueClass,
            int minPartitions) {
        return hadoopInput(new HadoopInput(HadoopInput.Kind.MAPRED, path, SequenceFileInputFormat.class, keyClass,
                valueClass, minPartitions, null), "sequenceFile");
    }

    /** As {@link #sequenceFile(String, Class, Class, int)} with the default minimum of splits. */
    default <K, V> PairDataset<K, V> sequenceFile(String path, Class<K> keyClass, Class<V> valueClass) {
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
    default PairDataset<String, String> wholeTextFiles(String path, int minPartitions) {
        return this.<Text, BytesWritable>hadoopInput(new HadoopInput(HadoopInput.Kind.WHOLE_TEXT_FILES, path,
                null, Text.class, BytesWritable.class, minPartitions, null), "wholeTextFiles")
                .mapToPair(p -> Pair.of(p.key().toString(), new String(p.value().getBytes(), 0,
                        p.value().getLength(), StandardCharsets.UTF_8)));
    }

    /** As {@link #wholeTextFiles(String, int)} with the default number of partitions. */
    default PairDataset<String, String> wholeTextFiles(String path) {
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
    default PairDataset<String, byte[]> binaryFiles(String path, int minPartitions) {
        return this.<Text, BytesWritable>hadoopInput(new HadoopInput(HadoopInput.Kind.BINARY_FILES, path, null,
                Text.class, BytesWritable.class, minPartitions, null), "binaryFiles")
                .mapToPair(p -> Pair.of(p.key().toString(), p.value().copyBytes()));
    }

    /** As {@link #binaryFiles(String, int)} with the default number of partitions. */
    default PairDataset<String, byte[]> binaryFiles(String path) {
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
    default <T> Dataset<T> objectFile(String path, int minPartitions) {
        return sequenceFile(path, NullWritable.class, BytesWritable.class, minPartitions)
                .flatMap(p -> ObjectFiles.<T>deserialize(p.value()));
    }

    /** As {@link #objectFile(String, int)} with the default minimum of splits. */
    default <T> Dataset<T> objectFile(String path) {
        return objectFile(path, defaultMinPartitions());
    }

    private <K, V> PairDataset<K, V> hadoopInput(HadoopInput input, String operator) {
        WeftSession session = (WeftSession) this;
        session.checkOpen();
        return new PairDataset<>(session, session.engine().<K, V>hadoopInput(input, CallSites.of(operator)));
    }

    private int defaultMinPartitions() {
        return Math.min(2, ((WeftSession) this).defaultParallelism());
    }

    private static Configuration requireConf(Configuration conf, String operator) {
        if (conf == null) {
            throw new NullPointerException(operator + ": the Hadoop Configuration is null; pass new Configuration()"
                    + " or a copy of the one your InputFormat needs");
        }
        return conf;
    }
}
