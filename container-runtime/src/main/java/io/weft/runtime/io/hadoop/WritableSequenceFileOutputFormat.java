package io.weft.runtime.io.hadoop;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.NullWritable;
import org.apache.hadoop.io.SequenceFile;
import org.apache.hadoop.io.SequenceFile.CompressionType;
import org.apache.hadoop.io.Writable;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.DefaultCodec;
import org.apache.hadoop.mapreduce.RecordWriter;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.apache.hadoop.mapreduce.lib.output.SequenceFileOutputFormat;
import org.apache.hadoop.util.ReflectionUtils;

/**
 * {@code saveAsSequenceFile}'s format: a SequenceFile per task whose key and value classes are those of the
 * task's first record after {@link Writables#of} (an empty partition gets a file of NullWritable pairs, which
 * reads as empty whatever classes the reader expects). Compression follows the FileOutputFormat settings, the
 * type from {@link SequenceFileOutputFormat#getOutputCompressionType}.
 */
public final class WritableSequenceFileOutputFormat extends FileOutputFormat<Object, Object> {

    @Override
    public RecordWriter<Object, Object> getRecordWriter(TaskAttemptContext context) throws IOException {
        Configuration conf = context.getConfiguration();
        CompressionType type = CompressionType.NONE;
        CompressionCodec codec = null;
        if (getCompressOutput(context)) {
            type = SequenceFileOutputFormat.getOutputCompressionType(context);
            codec = ReflectionUtils.newInstance(getOutputCompressorClass(context, DefaultCodec.class), conf);
        }
        return new LazyWriter(conf, getDefaultWorkFile(context, ""), type, codec);
    }

    /** Opens the file at the first record, with that record's classes. */
    private static final class LazyWriter extends RecordWriter<Object, Object> {
        private final Configuration conf;
        private final Path file;
        private final CompressionType type;
        private final CompressionCodec codec;
        private SequenceFile.Writer out;

        LazyWriter(Configuration conf, Path file, CompressionType type, CompressionCodec codec) {
            this.conf = conf;
            this.file = file;
            this.type = type;
            this.codec = codec;
        }

        @Override
        public void write(Object key, Object value) throws IOException {
            Writable k = Writables.of(key, "key");
            Writable v = Writables.of(value, "value");
            if (out == null) {
                out = open(k.getClass(), v.getClass());
            }
            try {
                out.append(k, v);
            } catch (IOException e) {
                if (String.valueOf(e.getMessage()).startsWith("wrong ")) {
                    throw new IOException("saveAsSequenceFile: " + e.getMessage() + " (" + file + " holds "
                            + out.getKeyClass().getName() + " keys and " + out.getValueClass().getName()
                            + " values, from its first record). Fix: convert every record to the same classes.", e);
                }
                throw e;
            }
        }

        private SequenceFile.Writer open(Class<?> keyClass, Class<?> valueClass) throws IOException {
            return SequenceFile.createWriter(conf, SequenceFile.Writer.file(file),
                    SequenceFile.Writer.keyClass(keyClass), SequenceFile.Writer.valueClass(valueClass),
                    codec == null ? SequenceFile.Writer.compression(CompressionType.NONE)
                            : SequenceFile.Writer.compression(type, codec));
        }

        @Override
        public void close(TaskAttemptContext context) throws IOException {
            if (out == null) {
                out = open(NullWritable.class, NullWritable.class);
            }
            out.close();
        }
    }
}
