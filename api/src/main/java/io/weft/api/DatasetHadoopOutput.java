package io.weft.api;

import io.weft.api.lineage.Iterators;
import org.apache.hadoop.io.BytesWritable;
import org.apache.hadoop.io.NullWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.mapred.TextOutputFormat;

/**
 * {@link Dataset}'s Hadoop output methods (Spark's {@code JavaRDD} ones); kept here so the dataset's own file stays
 * small. Implemented by {@code Dataset} alone.
 *
 * @param <T> record type
 */
public interface DatasetHadoopOutput<T> {

    /**
     * Writes each record's {@code toString} as a line, compressed by the codec, through Hadoop's TextOutputFormat
     * and its committer (as {@link PairDataset#saveAsHadoopFile(String, Class, Class, Class, Class)}).
     *
     * @param path the destination directory, which must not exist
     * @param codec e.g. {@code GzipCodec.class} or {@code BZip2Codec.class}; files get its extension
     */
    @SuppressWarnings("unchecked")
    default void saveAsTextFile(String path, Class<? extends CompressionCodec> codec) {
        Dataset<T> self = (Dataset<T>) this;
        new PairDataset<Object, String>(self.session, self.narrow("saveAsTextFile", (i, it) -> Iterators.map(it,
                r -> Pair.<Object, String>of(null, String.valueOf(r))), false))
                .saveAsHadoopFile(path, NullWritable.class, Text.class, TextOutputFormat.class, codec);
    }

    /**
     * Writes the records Java-serialized, in batches, into SequenceFiles (Spark's format); {@code objectFile}
     * reads them back. Records must be {@code java.io.Serializable}.
     *
     * @param path the destination directory, which must not exist
     */
    @SuppressWarnings("unchecked")
    default void saveAsObjectFile(String path) {
        Dataset<T> self = (Dataset<T>) this;
        new PairDataset<NullWritable, BytesWritable>(self.session, self.narrow("saveAsObjectFile", (i, it) -> Iterators.map(
                ObjectFiles.serialize(it), p -> Pair.of(NullWritable.get(), new BytesWritable(p.value()))), false))
                .saveAsNewAPIHadoopFile(path, NullWritable.class, BytesWritable.class,
                        org.apache.hadoop.mapreduce.lib.output.SequenceFileOutputFormat.class);
    }
}
