package io.weft.runtime.io.hadoop;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.BytesWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.JobContext;
import org.apache.hadoop.mapreduce.RecordReader;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.lib.input.CombineFileInputFormat;
import org.apache.hadoop.mapreduce.lib.input.CombineFileRecordReader;
import org.apache.hadoop.mapreduce.lib.input.CombineFileSplit;

/**
 * Whole files as (qualified path, content) pairs, for {@code wholeTextFiles} and {@code binaryFiles}, as Spark
 * reads them: files are never split, and small files are combined so that there are about
 * {@value #MIN_PARTITIONS} partitions (the largest split is the total size over that number). With
 * {@value #DECOMPRESS} set, a file whose name has a codec's extension is decompressed.
 */
public final class WholeFileInputFormat extends CombineFileInputFormat<Text, BytesWritable> {

    /** The number of partitions to aim for. */
    public static final String MIN_PARTITIONS = "weft.wholefiles.min.partitions";
    /** Whether to decompress by the file name's codec. */
    public static final String DECOMPRESS = "weft.wholefiles.decompress";

    @Override
    protected boolean isSplitable(JobContext context, Path file) {
        return false;
    }

    @Override
    public List<InputSplit> getSplits(JobContext job) throws IOException {
        long total = 0;
        for (FileStatus file : listStatus(job)) {
            total += file.getLen();
        }
        int partitions = Math.max(1, job.getConfiguration().getInt(MIN_PARTITIONS, 1));
        setMaxSplitSize(Math.max(1, (total + partitions - 1) / partitions));
        return super.getSplits(job);
    }

    @Override
    public RecordReader<Text, BytesWritable> createRecordReader(InputSplit split, TaskAttemptContext context)
            throws IOException {
        return new CombineFileRecordReader<>((CombineFileSplit) split, context, WholeFileReader.class);
    }

    /** Reads one file of a combined split as one record. Made by CombineFileRecordReader by reflection. */
    public static final class WholeFileReader extends RecordReader<Text, BytesWritable> {
        private final Path path;
        private final Configuration conf;
        private Text key;
        private BytesWritable value;
        private boolean done;

        /**
         * @param split the combined split
         * @param context the task
         * @param index which of its files
         */
        public WholeFileReader(CombineFileSplit split, TaskAttemptContext context, Integer index) {
            this.path = split.getPath(index);
            this.conf = context.getConfiguration();
        }

        @Override
        public void initialize(InputSplit split, TaskAttemptContext context) {
            // Everything is known from the constructor.
        }

        @Override
        public boolean nextKeyValue() throws IOException {
            if (done) {
                return false;
            }
            done = true;
            InputStream in = path.getFileSystem(conf).open(path);
            CompressionCodec codec = conf.getBoolean(DECOMPRESS, false)
                    ? new CompressionCodecFactory(conf).getCodec(path) : null;
            try (InputStream content = codec == null ? in : codec.createInputStream(in)) {
                value = new BytesWritable(content.readAllBytes());
            }
            key = new Text(path.toString());
            return true;
        }

        @Override
        public Text getCurrentKey() {
            return key;
        }

        @Override
        public BytesWritable getCurrentValue() {
            return value;
        }

        @Override
        public float getProgress() {
            return done ? 1 : 0;
        }

        @Override
        public void close() {
            // The stream is closed after each read.
        }
    }
}
