package io.weft.api.spi;

import org.apache.hadoop.conf.Configuration;

/**
 * What a Hadoop input method of the session asks the engine to read. Engine-facing.
 *
 * @param kind which reader
 * @param path the input path (file, directory, glob, comma-separated list), or {@code null} when {@code conf}
 *     names the input ({@code newAPIHadoopDataset})
 * @param formatClass the InputFormat ({@code org.apache.hadoop.mapred} for {@link Kind#MAPRED}, else
 *     {@code org.apache.hadoop.mapreduce}); {@code null} for the whole-file kinds
 * @param keyClass the key class the program expects (a hint, as in Spark)
 * @param valueClass the value class the program expects (a hint, as in Spark)
 * @param minPartitions the minimum number of splits, where the InputFormat takes one
 * @param conf the user's configuration, or {@code null} for the session's
 */
public record HadoopInput(Kind kind, String path, Class<?> formatClass, Class<?> keyClass, Class<?> valueClass,
        int minPartitions, Configuration conf) {

    /** The readers. */
    public enum Kind {
        /** An {@code org.apache.hadoop.mapred.InputFormat}. */
        MAPRED,
        /** An {@code org.apache.hadoop.mapreduce.InputFormat}. */
        MAPREDUCE,
        /** Whole files as (path Text, content BytesWritable), decompressed by their name's codec. */
        WHOLE_TEXT_FILES,
        /** Whole files as (path Text, content BytesWritable), bytes as stored. */
        BINARY_FILES
    }
}
