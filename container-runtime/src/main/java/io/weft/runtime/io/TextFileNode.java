package io.weft.runtime.io;

import io.weft.api.WeftException;
import io.weft.api.lineage.Dependency;
import io.weft.api.lineage.Node;
import io.weft.api.lineage.TaskContext;
import io.weft.runtime.executor.ExecutorTaskContext;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.FileInputFormat;
import org.apache.hadoop.mapred.FileSplit;
import org.apache.hadoop.mapred.InputSplit;
import org.apache.hadoop.mapred.InvalidInputException;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.LineRecordReader;
import org.apache.hadoop.mapred.TextInputFormat;

/**
 * Lines of text files through Hadoop's own input format, so splitting and line handling are what Hadoop users
 * know: files are split by block size and the requested minimum number of splits, a line that crosses a split
 * boundary is read once (by the split where it starts), compressed files such as {@code .gz} are read whole,
 * empty files give empty partitions, and paths may be directories or globs on any Hadoop file system.
 *
 * <p>Splits are computed on the driver when the node is made, so a missing path fails at once.
 */
public final class TextFileNode extends Node<String> {

    private static final long serialVersionUID = 1L;

    private final ArrayList<Split> splits;

    private TextFileNode(int id, String name, List<Split> splits) {
        super(id, name);
        this.splits = new ArrayList<>(splits);
    }

    /**
     * @param id node id
     * @param name operator and call site
     * @param path a path, directory or glob
     * @param minPartitions the minimum number of splits
     * @param hadoopConf the driver's Hadoop configuration
     * @return the node
     * @throws WeftException when the path matches nothing or cannot be listed
     */
    public static TextFileNode create(int id, String name, String path, int minPartitions, Configuration hadoopConf) {
        JobConf job = new JobConf(hadoopConf);
        FileInputFormat.setInputPaths(job, path);
        // Hidden and underscore-prefixed files (_SUCCESS, .crc) are skipped by FileInputFormat's default filter.
        TextInputFormat format = new TextInputFormat();
        format.configure(job);
        InputSplit[] hadoopSplits;
        try {
            io.weft.runtime.io.hadoop.UserTokens.addTo(job.getCredentials());
            hadoopSplits = format.getSplits(job, Math.max(1, minPartitions));
        } catch (InvalidInputException e) {
            throw new WeftException("textFile(\"" + path + "\"): " + e.getMessage().replace('\n', ' ')
                    + ". Fix: check the path and its file system (file:, hdfs:), or create the input first.", e);
        } catch (IOException e) {
            throw new WeftException("textFile(\"" + path + "\"): cannot list the input: " + e.getMessage(), e);
        }
        List<Split> splits = new ArrayList<>(hadoopSplits.length);
        for (InputSplit s : hadoopSplits) {
            FileSplit f = (FileSplit) s;
            String[] hosts;
            try {
                hosts = f.getLocations();
            } catch (IOException e) {
                hosts = new String[0];
            }
            // Sorted: the lineage must serialize the same way in every driver attempt (see MapOutputJournal).
            splits.add(new Split(f.getPath().toString(), f.getStart(), f.getLength(),
                    java.util.Arrays.stream(hosts).sorted().toList()));
        }
        return new TextFileNode(id, name, splits);
    }

    @Override
    public int numPartitions() {
        return splits.size();
    }

    @Override
    public List<Dependency<?>> dependencies() {
        return List.of();
    }

    @Override
    public List<String> preferredLocations(int partition) {
        List<String> hosts = splits.get(partition).hosts();
        return hosts.contains("localhost") ? List.of() : hosts;
    }

    @Override
    protected Iterator<String> compute(int partition, TaskContext context) {
        Split split = splits.get(partition);
        Configuration conf = ExecutorTaskContext.currentEnvironment().hadoopConf();
        FileSplit fileSplit = new FileSplit(new Path(split.path()), split.start(), split.length(), (String[]) null);
        try {
            Iterator<String> lines = new LineIterator(new LineRecordReader(conf, fileSplit));
            if (context instanceof ExecutorTaskContext task) {
                task.addInputBytes(split.length());
                return task.counted(lines);
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + split, e);
        }
    }

    /**
     * A file range.
     *
     * @param path the file
     * @param start first byte
     * @param length bytes
     * @param hosts where its blocks are
     */
    public record Split(String path, long start, long length, List<String> hosts) implements Serializable {
        @Override
        public String toString() {
            return path + ":" + start + "+" + length;
        }
    }

    /** Reads lines until the split's end; closes the reader at the end. */
    private static final class LineIterator implements Iterator<String> {
        private final LineRecordReader reader;
        private final LongWritable key;
        private final Text value;
        private Boolean ready;

        LineIterator(LineRecordReader reader) {
            this.reader = reader;
            this.key = reader.createKey();
            this.value = reader.createValue();
        }

        @Override
        public boolean hasNext() {
            if (ready == null) {
                try {
                    ready = reader.next(key, value);
                    if (!ready) {
                        reader.close();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return ready;
        }

        @Override
        public String next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            ready = null;
            // The JDK's String decoder has an ASCII fast path; Text.toString goes through a CharsetDecoder and
            // costs several times more per line. Both replace malformed bytes.
            return new String(value.getBytes(), 0, value.getLength(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public String toString() {
        return super.toString() + " " + Arrays.toString(splits.toArray());
    }
}
