package io.weft.api;

import io.weft.api.spi.HadoopOutput;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.compress.CompressionCodec;

/**
 * {@link PairDataset}'s Hadoop output methods (Spark's {@code JavaPairRDD} ones); kept here so the pair dataset's
 * own file stays small. Implemented by {@code PairDataset} alone.
 *
 * <p>Each method writes through the OutputFormat's own committer: job setup on the driver, task setup and the
 * format's RecordWriter on an executor, then, once every partition is written, the winning attempt's task commit
 * for each partition and the job commit on the driver. A failed job is aborted (abortTask for each failed attempt,
 * abortJob) and its output directory removed, so it leaves no partial output. Exactly one attempt per partition is
 * committed, so speculative copies are safe.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface PairHadoopOutput<K, V> {


    /**
     * Writes through a new-API ({@code org.apache.hadoop.mapreduce}) OutputFormat, with the session's Hadoop
     * configuration.
     *
     * @param path the output directory; a FileOutputFormat fails when it exists
     * @param keyClass the output key class
     * @param valueClass the output value class
     * @param outputFormatClass the format, e.g. {@code SequenceFileOutputFormat.class}
     * @param <F> format type
     */
    default <F extends org.apache.hadoop.mapreduce.OutputFormat<?, ?>> void saveAsNewAPIHadoopFile(String path,
            Class<?> keyClass, Class<?> valueClass, Class<F> outputFormatClass) {
        saveAsHadoop(new HadoopOutput(HadoopOutput.Kind.MAPREDUCE, path, outputFormatClass, keyClass, valueClass,
                null, null), "saveAsNewAPIHadoopFile");
    }

    /**
     * As {@link #saveAsNewAPIHadoopFile(String, Class, Class, Class)} with a configuration that travels with the
     * tasks instead of the session's (compression, for instance, through its
     * {@code mapreduce.output.fileoutputformat.compress*} settings).
     */
    default <F extends org.apache.hadoop.mapreduce.OutputFormat<?, ?>> void saveAsNewAPIHadoopFile(String path,
            Class<?> keyClass, Class<?> valueClass, Class<F> outputFormatClass, Configuration conf) {
        saveAsHadoop(new HadoopOutput(HadoopOutput.Kind.MAPREDUCE, path, outputFormatClass, keyClass, valueClass,
                null, conf), "saveAsNewAPIHadoopFile");
    }

    /**
     * Writes through the new-API OutputFormat, key and value classes and output location that the configuration
     * names ({@code mapreduce.job.outputformat.class}, {@code mapreduce.job.output.key.class}, ...; a
     * {@code Job}'s configuration after {@code setOutputFormatClass} and {@code FileOutputFormat.setOutputPath}).
     *
     * @param conf the job's configuration
     */
    default void saveAsNewAPIHadoopDataset(Configuration conf) {
        saveAsHadoop(new HadoopOutput(HadoopOutput.Kind.MAPREDUCE, null, null, null, null, null,
                java.util.Objects.requireNonNull(conf, "saveAsNewAPIHadoopDataset: conf")),
                "saveAsNewAPIHadoopDataset");
    }

    /**
     * Writes through an old-API ({@code org.apache.hadoop.mapred}) OutputFormat and its committer.
     *
     * @param path the output directory; a FileOutputFormat fails when it exists
     * @param keyClass the output key class
     * @param valueClass the output value class
     * @param outputFormatClass the format, e.g. {@code TextOutputFormat.class}
     * @param <F> format type
     */
    default <F extends org.apache.hadoop.mapred.OutputFormat<?, ?>> void saveAsHadoopFile(String path,
            Class<?> keyClass, Class<?> valueClass, Class<F> outputFormatClass) {
        saveAsHadoopFile(path, keyClass, valueClass, outputFormatClass, null);
    }

    /**
     * As {@link #saveAsHadoopFile(String, Class, Class, Class)}, compressed by the codec (SequenceFiles by block).
     *
     * @param codec e.g. {@code GzipCodec.class}, or {@code null} for none
     */
    default <F extends org.apache.hadoop.mapred.OutputFormat<?, ?>> void saveAsHadoopFile(String path,
            Class<?> keyClass, Class<?> valueClass, Class<F> outputFormatClass,
            Class<? extends CompressionCodec> codec) {
        saveAsHadoop(new HadoopOutput(HadoopOutput.Kind.MAPRED, path, outputFormatClass, keyClass, valueClass, codec,
                null), "saveAsHadoopFile");
    }

    /**
     * Writes through the old-API OutputFormat, key and value classes, output path and compression the JobConf
     * names (its output format defaults to TextOutputFormat, as in MapReduce). Spark's {@code saveAsHadoopDataset}.
     *
     * @param conf the job's configuration
     */
    default void saveAsHadoopDataset(org.apache.hadoop.mapred.JobConf conf) {
        saveAsHadoop(new HadoopOutput(HadoopOutput.Kind.MAPRED, null, null, null, null, null,
                java.util.Objects.requireNonNull(conf, "saveAsHadoopDataset: conf")), "saveAsHadoopDataset");
    }

    /**
     * Writes a SequenceFile per partition. Writable keys and values are written as they are; {@code String},
     * {@code Integer}, {@code Long}, {@code Double}, {@code Float}, {@code Boolean} and {@code byte[]} convert to
     * Text, IntWritable, LongWritable, DoubleWritable, FloatWritable, BooleanWritable and BytesWritable, and
     * {@code null} to NullWritable (Spark's implicit conversions). The file's classes are those of its first
     * record; every record of a partition must convert to the same classes.
     *
     * @param path the output directory, which must not exist
     */
    default void saveAsSequenceFile(String path) {
        saveAsSequenceFile(path, null);
    }

    /**
     * As {@link #saveAsSequenceFile(String)}, block-compressed by the codec.
     *
     * @param codec e.g. {@code GzipCodec.class}, or {@code null} for none
     */
    default void saveAsSequenceFile(String path, Class<? extends CompressionCodec> codec) {
        saveAsHadoop(new HadoopOutput(HadoopOutput.Kind.SEQUENCE_FILE, path, null, null, null, codec, null),
                "saveAsSequenceFile");
    }

    @SuppressWarnings("unchecked")
    private void saveAsHadoop(HadoopOutput output, String operator) {
        PairDataset<K, V> self = (PairDataset<K, V>) this;
        self.session.checkOpen();
        self.session.engine().saveAsHadoop(self.node, output, CallSites.of(operator));
    }
}
