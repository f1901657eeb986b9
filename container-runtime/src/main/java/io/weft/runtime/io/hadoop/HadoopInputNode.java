package io.weft.runtime.io.hadoop;

import io.weft.api.Pair;
import io.weft.api.lineage.Dependency;
import io.weft.api.lineage.Node;
import io.weft.api.lineage.TaskContext;
import io.weft.runtime.executor.ExecutorTaskContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.Reporter;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.hadoop.util.ReflectionUtils;

/**
 * Pairs read through a Hadoop InputFormat (Spark's HadoopRDD and NewHadoopRDD): one partition per split, the
 * splits and their hosts computed on the driver ({@link HadoopSplits}). On an executor a partition opens the
 * format's RecordReader for its split and yields the reader's key and value objects, which Hadoop readers
 * reuse from one record to the next: a record is valid until the iterator advances (copy before keeping it).
 *
 * <p>The configuration is the user's, when one was given (it travels with the node), otherwise the executor's
 * Hadoop configuration; {@code overrides} are set on top of either.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class HadoopInputNode<K, V> extends Node<Pair<K, V>> {

    private static final long serialVersionUID = 1L;

    private final boolean oldApi;
    private final String formatClass;
    private final ArrayList<HadoopSplit> splits;
    private final SerializableConfiguration conf;
    private final TreeMap<String, String> overrides;

    /**
     * @param id node id
     * @param name operator and call site
     * @param oldApi whether the format is an {@code org.apache.hadoop.mapred} one
     * @param formatClass the InputFormat's class name
     * @param splits its splits
     * @param conf the user's configuration, or {@code null} for the executor's
     * @param overrides settings applied on top
     */
    public HadoopInputNode(int id, String name, boolean oldApi, String formatClass, List<HadoopSplit> splits,
            SerializableConfiguration conf, Map<String, String> overrides) {
        super(id, name);
        this.oldApi = oldApi;
        this.formatClass = formatClass;
        this.splits = new ArrayList<>(splits);
        this.conf = conf;
        this.overrides = new TreeMap<>(overrides);
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
    protected Iterator<Pair<K, V>> compute(int partition, TaskContext context) {
        HadoopSplit split = splits.get(partition);
        Configuration taskConf = taskConf();
        Iterator<Pair<K, V>> records;
        try {
            Object hadoopSplit = split.read(taskConf);
            records = oldApi ? oldApiRecords(taskConf, hadoopSplit) : newApiRecords(taskConf, hadoopSplit, context);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open " + split + " of " + name() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while opening " + split, e);
        }
        if (context instanceof ExecutorTaskContext task) {
            task.addInputBytes(split.length());
            return task.counted(records);
        }
        return records;
    }

    private Configuration taskConf() {
        Configuration base = conf != null ? conf.get()
                : new Configuration(ExecutorTaskContext.currentEnvironment().hadoopConf());
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader != null) {
            base.setClassLoader(loader);
        }
        overrides.forEach(base::set);
        return base;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Iterator<Pair<K, V>> oldApiRecords(Configuration taskConf, Object split) throws IOException {
        JobConf job = new JobConf(taskConf);
        org.apache.hadoop.mapred.InputFormat format = (org.apache.hadoop.mapred.InputFormat)
                ReflectionUtils.newInstance(formatClass(job), job);
        org.apache.hadoop.mapred.RecordReader reader = format.getRecordReader(
                (org.apache.hadoop.mapred.InputSplit) split, job, Reporter.NULL);
        Object key = reader.createKey();
        Object value = reader.createValue();
        return new Records<>() {
            @Override
            boolean advance() throws IOException {
                return reader.next(key, value);
            }

            @Override
            Pair<K, V> current() {
                return Pair.of((K) key, (V) value);
            }

            @Override
            void close() throws IOException {
                reader.close();
            }
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Iterator<Pair<K, V>> newApiRecords(Configuration taskConf, Object split, TaskContext context)
            throws IOException, InterruptedException {
        org.apache.hadoop.mapreduce.InputFormat format = (org.apache.hadoop.mapreduce.InputFormat)
                ReflectionUtils.newInstance(formatClass(taskConf), taskConf);
        TaskAttemptID attempt = new TaskAttemptID("weft", context.stageId(), TaskType.MAP, context.partitionId(),
                context.attemptNumber());
        TaskAttemptContextImpl attemptContext = new TaskAttemptContextImpl(taskConf, attempt);
        org.apache.hadoop.mapreduce.InputSplit inputSplit = (org.apache.hadoop.mapreduce.InputSplit) split;
        org.apache.hadoop.mapreduce.RecordReader reader = format.createRecordReader(inputSplit, attemptContext);
        reader.initialize(inputSplit, attemptContext);
        return new Records<>() {
            @Override
            boolean advance() throws IOException {
                try {
                    return reader.nextKeyValue();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("Interrupted while reading", e);
                }
            }

            @Override
            Pair<K, V> current() throws IOException {
                try {
                    return Pair.of((K) reader.getCurrentKey(), (V) reader.getCurrentValue());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("Interrupted while reading", e);
                }
            }

            @Override
            void close() throws IOException {
                reader.close();
            }
        };
    }

    private Class<?> formatClass(Configuration taskConf) throws IOException {
        try {
            return taskConf.getClassByName(formatClass);
        } catch (ClassNotFoundException e) {
            throw new IOException("The InputFormat " + formatClass + " is not on the executor's class path; ship"
                    + " its jar with the application", e);
        }
    }

    /** Reads one record ahead; closes the reader when the split ends. */
    private abstract static class Records<R> implements Iterator<R> {
        private Boolean ready;

        abstract boolean advance() throws IOException;

        abstract R current() throws IOException;

        abstract void close() throws IOException;

        @Override
        public boolean hasNext() {
            if (ready == null) {
                try {
                    ready = advance();
                    if (!ready) {
                        close();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return ready;
        }

        @Override
        public R next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            ready = null;
            try {
                return current();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public String toString() {
        return super.toString() + " " + formatClass + " " + splits;
    }
}
