package io.weft.benchmarks.mapreduce;

import java.io.File;
import java.io.IOException;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.Mapper;
import org.apache.hadoop.mapreduce.Reducer;
import org.apache.hadoop.mapreduce.TaskCounter;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.output.NullOutputFormat;
import org.apache.hadoop.util.JarFinder;

/**
 * MapReduce counterpart of Weft's {@code SumByKey} on the embedded cluster of {@link EmbeddedMrYarn}: the sum of the
 * values per key of {@code key,value} rows, with a combiner and 2 reducers. Like Weft and Spark it writes no output
 * files: each reducer adds its keys' terms of the checksum (the sum over keys of {@code key.hashCode() * 31 + sum},
 * the Java {@code String} hash) and their number to two job counters, which the client prints. Prints each run's
 * wall time from submission, and when the job (its AM) started and finished.
 *
 * <pre>MapReduceSumByKey &lt;local directory of key,value files&gt; [runs]</pre>
 */
public final class MapReduceSumByKey {

    /** The counter group of the checksum and the key count. */
    static final String GROUP = "SumByKey";

    private MapReduceSumByKey() {
    }

    /** Parses {@code key,value} lines. */
    public static final class RowMapper extends Mapper<LongWritable, Text, Text, LongWritable> {
        private final Text key = new Text();
        private final LongWritable value = new LongWritable();

        @Override
        protected void map(LongWritable offset, Text line, Context context) throws IOException, InterruptedException {
            String row = line.toString();
            int comma = row.indexOf(',');
            key.set(row.substring(0, comma));
            value.set(Long.parseLong(row, comma + 1, row.length(), 10));
            context.write(key, value);
        }
    }

    /** Sums each key's values and adds its checksum term to the job's counters; writes nothing. */
    public static final class ChecksumReducer extends Reducer<Text, LongWritable, Text, LongWritable> {
        private long checksum;
        private long keys;

        @Override
        protected void reduce(Text key, Iterable<LongWritable> values, Context context) {
            long total = 0;
            for (LongWritable value : values) {
                total += value.get();
            }
            checksum += (long) key.toString().hashCode() * 31 + total;
            keys++;
        }

        @Override
        protected void cleanup(Context context) {
            context.getCounter(GROUP, "CHECKSUM").increment(checksum);
            context.getCounter(GROUP, "KEYS").increment(keys);
        }
    }

    /**
     * @param args a local directory of {@code key,value} files, then optionally the number of runs
     */
    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void run(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help")) {
            System.out.println("MapReduceSumByKey <local directory of key,value files> [runs]");
            return;
        }
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        try (EmbeddedMrYarn cluster = new EmbeddedMrYarn(new File(args[0]))) {
            String jobJar = JarFinder.getJar(RowMapper.class);
            for (int run = 1; run <= runs; run++) {
                Job job = Job.getInstance(cluster.conf, "sumbykey");
                job.setJar(jobJar);
                job.setMapperClass(RowMapper.class);
                job.setCombinerClass(MapReduceWordCount.SumReducer.class);
                job.setReducerClass(ChecksumReducer.class);
                job.setOutputKeyClass(Text.class);
                job.setOutputValueClass(LongWritable.class);
                job.setOutputFormatClass(NullOutputFormat.class);
                EmbeddedMrYarn.shape(job);
                FileInputFormat.addInputPath(job, cluster.input);
                long submittedMillis = System.currentTimeMillis();
                long submitted = System.nanoTime();
                boolean ok = job.waitForCompletion(false);
                double seconds = (System.nanoTime() - submitted) / 1e9;
                System.out.printf("Run %d (%s): %s in %.2f s from submission (job started %.2f s, finished %.2f s"
                        + " after submission; %d maps, %,d input records); checksum %d over %d keys%n", run,
                        job.getJobID(), ok ? "SUCCEEDED" : "FAILED", seconds,
                        (job.getStartTime() - submittedMillis) / 1e3, (job.getFinishTime() - submittedMillis) / 1e3,
                        job.getCounters().findCounter("org.apache.hadoop.mapreduce.JobCounter", "TOTAL_LAUNCHED_MAPS")
                                .getValue(),
                        job.getCounters().findCounter(TaskCounter.MAP_INPUT_RECORDS).getValue(),
                        job.getCounters().findCounter(GROUP, "CHECKSUM").getValue(),
                        job.getCounters().findCounter(GROUP, "KEYS").getValue());
                if (!ok) {
                    System.exit(1);
                }
            }
        }
    }
}
