package io.weft.benchmarks.mapreduce;

import java.io.File;
import java.io.IOException;
import java.util.StringTokenizer;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.Mapper;
import org.apache.hadoop.mapreduce.Reducer;
import org.apache.hadoop.mapreduce.TaskCounter;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.apache.hadoop.util.JarFinder;

/**
 * The classic MapReduce WordCount (with a combiner) on an embedded MiniDFSCluster (1 DataNode) and
 * MiniMRYarnCluster (2 NodeManagers), configured as Weft's integration tests configure theirs, so the two can be
 * compared on the same machine. Prints each run's wall time from submission to completion.
 *
 * <pre>MapReduceWordCount &lt;local directory of text files&gt; [runs]</pre>
 */
public final class MapReduceWordCount {

    private MapReduceWordCount() {
    }

    /** Splits lines on spaces, as Weft's WordCount example does. */
    public static final class TokenMapper extends Mapper<LongWritable, Text, Text, LongWritable> {
        private static final LongWritable ONE = new LongWritable(1);
        private final Text word = new Text();

        @Override
        protected void map(LongWritable offset, Text line, Context context) throws IOException, InterruptedException {
            StringTokenizer words = new StringTokenizer(line.toString(), " ");
            while (words.hasMoreTokens()) {
                word.set(words.nextToken());
                context.write(word, ONE);
            }
        }
    }

    /** Sums counts; also the combiner. */
    public static final class SumReducer extends Reducer<Text, LongWritable, Text, LongWritable> {
        private final LongWritable sum = new LongWritable();

        @Override
        protected void reduce(Text word, Iterable<LongWritable> counts, Context context)
                throws IOException, InterruptedException {
            long total = 0;
            for (LongWritable count : counts) {
                total += count.get();
            }
            sum.set(total);
            context.write(word, sum);
        }
    }

    /**
     * @param args a local directory of text files, then optionally the number of runs
     * @throws Exception on failure
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
            System.out.println("MapReduceWordCount <local directory of text files> [runs]");
            return;
        }
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        try (EmbeddedMrYarn cluster = new EmbeddedMrYarn(new File(args[0]))) {
            String jobJar = JarFinder.getJar(TokenMapper.class);
            for (int run = 1; run <= runs; run++) {
                Job job = Job.getInstance(cluster.conf, "wordcount");
                job.setJar(jobJar);
                job.setMapperClass(TokenMapper.class);
                job.setCombinerClass(SumReducer.class);
                job.setReducerClass(SumReducer.class);
                job.setOutputKeyClass(Text.class);
                job.setOutputValueClass(LongWritable.class);
                EmbeddedMrYarn.shape(job);
                FileInputFormat.addInputPath(job, cluster.input);
                FileOutputFormat.setOutputPath(job, new Path("/out/wordcount-" + run));
                long submitted = System.nanoTime();
                boolean ok = job.waitForCompletion(false);
                double seconds = (System.nanoTime() - submitted) / 1e9;
                System.out.printf("Run %d: %s in %.2f s from submission (%d maps, %,d input records)%n", run,
                        ok ? "SUCCEEDED" : "FAILED", seconds,
                        job.getCounters().findCounter("org.apache.hadoop.mapreduce.JobCounter", "TOTAL_LAUNCHED_MAPS")
                                .getValue(),
                        job.getCounters().findCounter(TaskCounter.MAP_INPUT_RECORDS).getValue());
                if (!ok) {
                    System.exit(1);
                }
            }
        }
    }
}
