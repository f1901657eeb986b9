package io.weft.api.spi;

import org.apache.hadoop.conf.Configuration;

/**
 * What a Hadoop output method of a dataset asks the engine to write. Engine-facing.
 *
 * @param kind which writer
 * @param path the output directory, or {@code null} when {@code conf} names the output
 *     ({@code saveAsNewAPIHadoopDataset})
 * @param formatClass the OutputFormat ({@code org.apache.hadoop.mapred} for {@link Kind#MAPRED}, else
 *     {@code org.apache.hadoop.mapreduce}); {@code null} for {@link Kind#SEQUENCE_FILE}
 * @param keyClass the output key class, or {@code null} to leave the configuration's
 * @param valueClass the output value class, or {@code null} to leave the configuration's
 * @param codecClass a {@code CompressionCodec} class to compress the output with, or {@code null}
 * @param conf the user's configuration, or {@code null} for the session's
 */
public record HadoopOutput(Kind kind, String path, Class<?> formatClass, Class<?> keyClass, Class<?> valueClass,
        Class<?> codecClass, Configuration conf) {

    /** The writers. */
    public enum Kind {
        /** An {@code org.apache.hadoop.mapred.OutputFormat} and its committer. */
        MAPRED,
        /** An {@code org.apache.hadoop.mapreduce.OutputFormat} and its committer. */
        MAPREDUCE,
        /**
         * A SequenceFile whose key and value classes come from each partition's first record; Java values
         * convert to Writables ({@code String} to {@code Text}, {@code Integer} to {@code IntWritable},
         * {@code null} to {@code NullWritable}, ...).
         */
        SEQUENCE_FILE
    }
}
