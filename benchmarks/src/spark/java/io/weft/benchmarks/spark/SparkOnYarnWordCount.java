package io.weft.benchmarks.spark;

import java.io.File;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * Spark-on-YARN WordCount (count, then the top 10 words by a global sort, as Weft's embedded WordCount does) on
 * the embedded cluster of {@link EmbeddedSparkYarn}, in client mode with 2 executors of 768 MB heap and 1 core.
 * Prints each run's timeline from the moment the SparkContext is created.
 *
 * <pre>SparkOnYarnWordCount &lt;local directory of text files&gt; [runs]</pre>
 */
public final class SparkOnYarnWordCount {

    private SparkOnYarnWordCount() {
    }

    /**
     * @param args a local directory of text files, then optionally the number of runs
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
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        try (EmbeddedSparkYarn cluster = new EmbeddedSparkYarn(new File(args[0]))) {
            for (int run = 1; run <= runs; run++) {
                long submitted = System.nanoTime();
                try (JavaSparkContext sc = new JavaSparkContext(cluster.conf("wordcount"))) {
                    long ready = System.nanoTime();
                    sc.setLogLevel("WARN");
                    List<Tuple2<Long, String>> top = sc.textFile(cluster.input.toString())
                            .flatMap(line -> Arrays.asList(line.split(" ")).iterator())
                            .filter(word -> !word.isEmpty())
                            .mapToPair(word -> new Tuple2<>(word, 1L))
                            .reduceByKey(Long::sum)
                            .mapToPair(Tuple2::swap)
                            .sortByKey(false)
                            .take(10);
                    long done = System.nanoTime();
                    System.out.printf("Run %d (%s): context ready %.2f s, result %.2f s from submission; top %s%n",
                            run, sc.sc().applicationId(), (ready - submitted) / 1e9, (done - submitted) / 1e9,
                            top.get(0));
                }
            }
        }
    }
}
