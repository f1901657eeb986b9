package io.weft.runtime.io.hadoop;

import io.weft.api.WeftException;
import io.weft.api.spi.HadoopInput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapred.InvalidInputException;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.task.JobContextImpl;
import org.apache.hadoop.util.ReflectionUtils;

/**
 * Makes a {@link HadoopInputNode} on the driver: asks the InputFormat for its splits and their hosts (so a
 * missing input fails when the dataset is defined, and locality reaches task placement and container requests
 * as it does for text files). Called on the user's thread.
 */
public final class HadoopSplits {

    private HadoopSplits() {
    }

    /**
     * @param id node id
     * @param name operator and call site
     * @param input what to read
     * @param sessionConf the driver's Hadoop configuration, used when the input has none
     * @param <K> key type
     * @param <V> value type
     * @return the node
     * @throws WeftException naming the input and the fix when it cannot be listed
     */
    public static <K, V> HadoopInputNode<K, V> node(int id, String name, HadoopInput input,
            Configuration sessionConf) {
        String what = name.split(" ")[0] + "(" + (input.path() == null ? "" : "\"" + input.path() + "\"") + ")";
        try {
            return switch (input.kind()) {
                case MAPRED -> oldApi(id, name, input, sessionConf);
                case MAPREDUCE -> newApi(id, name, input, input.conf(), input.formatClass(), Map.of());
                case WHOLE_TEXT_FILES, BINARY_FILES -> newApi(id, name, input, sessionConf,
                        WholeFileInputFormat.class, Map.of(WholeFileInputFormat.MIN_PARTITIONS,
                                String.valueOf(Math.max(1, input.minPartitions())), WholeFileInputFormat.DECOMPRESS,
                                String.valueOf(input.kind() == HadoopInput.Kind.WHOLE_TEXT_FILES)));
            };
        } catch (InvalidInputException | org.apache.hadoop.mapreduce.lib.input.InvalidInputException e) {
            throw new WeftException(what + ": " + e.getMessage().replace('\n', ' ')
                    + ". Fix: check the path and its file system (file:, hdfs:), or create the input first.", e);
        } catch (IOException e) {
            throw new WeftException(what + ": cannot list the input: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WeftException(what + ": interrupted while listing the input", e);
        }
    }

    @SuppressWarnings("rawtypes")
    private static <K, V> HadoopInputNode<K, V> oldApi(int id, String name, HadoopInput input,
            Configuration sessionConf) throws IOException {
        requireFormat(input, org.apache.hadoop.mapred.InputFormat.class);
        JobConf job = new JobConf(input.conf() != null ? input.conf() : sessionConf);
        UserTokens.addTo(job.getCredentials());
        if (input.path() != null) {
            org.apache.hadoop.mapred.FileInputFormat.setInputPaths(job, input.path());
        }
        org.apache.hadoop.mapred.InputFormat format = (org.apache.hadoop.mapred.InputFormat)
                ReflectionUtils.newInstance(input.formatClass(), job);
        List<HadoopSplit> splits = new ArrayList<>();
        for (org.apache.hadoop.mapred.InputSplit split : format.getSplits(job, Math.max(1, input.minPartitions()))) {
            splits.add(HadoopSplit.of(split, split.getLength(), hosts(split), job));
        }
        return new HadoopInputNode<>(id, name, true, input.formatClass().getName(), splits,
                input.conf() != null ? new SerializableConfiguration(job) : null, Map.of());
    }

    @SuppressWarnings("rawtypes")
    private static <K, V> HadoopInputNode<K, V> newApi(int id, String name, HadoopInput input, Configuration conf,
            Class<?> formatClass, Map<String, String> overrides) throws IOException, InterruptedException {
        if (input.kind() == HadoopInput.Kind.MAPREDUCE) {
            requireFormat(input, org.apache.hadoop.mapreduce.InputFormat.class);
        }
        Job job = Job.getInstance(conf);
        overrides.forEach(job.getConfiguration()::set);
        if (input.path() != null) {
            org.apache.hadoop.mapreduce.lib.input.FileInputFormat.setInputPaths(job, input.path());
        }
        Configuration jobConf = job.getConfiguration();
        org.apache.hadoop.mapreduce.InputFormat format = (org.apache.hadoop.mapreduce.InputFormat)
                ReflectionUtils.newInstance(formatClass, jobConf);
        List<HadoopSplit> splits = new ArrayList<>();
        JobContextImpl context = new JobContextImpl(jobConf, new JobID("weft", 0));
        UserTokens.addTo(context.getCredentials());
        for (Object o : format.getSplits(context)) {
            org.apache.hadoop.mapreduce.InputSplit split = (org.apache.hadoop.mapreduce.InputSplit) o;
            splits.add(HadoopSplit.of(split, split.getLength(), split.getLocations(), jobConf));
        }
        // The user's configuration travels with the node; the session's is the executors' own.
        SerializableConfiguration shipped = input.kind() == HadoopInput.Kind.MAPREDUCE
                ? new SerializableConfiguration(jobConf) : null;
        return new HadoopInputNode<>(id, name, false, formatClass.getName(), splits, shipped, overrides);
    }

    private static String[] hosts(org.apache.hadoop.mapred.InputSplit split) {
        try {
            return split.getLocations();
        } catch (IOException e) {
            return new String[0];
        }
    }

    private static void requireFormat(HadoopInput input, Class<?> api) {
        if (input.formatClass() == null || !api.isAssignableFrom(input.formatClass())) {
            throw new WeftException("The InputFormat " + (input.formatClass() == null ? "null"
                    : input.formatClass().getName()) + " is not a " + api.getName() + ". Fix: use hadoopFile for "
                    + "org.apache.hadoop.mapred formats, newAPIHadoopFile for org.apache.hadoop.mapreduce ones.");
        }
    }
}
