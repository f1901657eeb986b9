package io.weft.benchmarks.spark;

import java.io.File;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * Spark-on-YARN counterpart of Weft's {@code SumByKey}: the sum of the values per key of {@code key,value} rows,
 * folded into the same checksum (the sum over keys of {@code key.hashCode() * 31 + sum}) and the number of keys, on
 * the embedded cluster of {@link EmbeddedSparkYarn} (client mode, 2 executors of 768 MB heap and 1 core). The
 * reduce side has as many partitions as the optional third argument says, else Spark's default (as many as the
 * input has splits, which is also what Weft's {@code reduceByKey} picks).
 *
 * <pre>SparkOnYarnSumByKey &lt;local directory of key,value files&gt; [runs] [reduce partitions]</pre>
 */
public final class SparkOnYarnSumByKey {

    private SparkOnYarnSumByKey() {
    }

    /**
     * @param args a local directory of {@code key,value} files, then optionally the number of runs and the number
     *     of reduce partitions
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
        int partitions = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        try (EmbeddedSparkYarn cluster = new EmbeddedSparkYarn(new File(args[0]))) {
            for (int run = 1; run <= runs; run++) {
                long submitted = System.nanoTime();
                try (JavaSparkContext sc = new JavaSparkContext(cluster.conf("sumbykey"))) {
                    long ready = System.nanoTime();
                    sc.setLogLevel("WARN");
                    JavaPairRDD<String, Long> rows = sc.textFile(cluster.input.toString()).mapToPair(line -> {
                        int comma = line.indexOf(',');
                        return new Tuple2<>(line.substring(0, comma),
                                Long.parseLong(line, comma + 1, line.length(), 10));
                    });
                    JavaPairRDD<String, Long> sums = partitions > 0 ? rows.reduceByKey(Long::sum, partitions)
                            : rows.reduceByKey(Long::sum);
                    Tuple2<Long, Long> result = sums
                            .map(p -> new Tuple2<>((long) p._1().hashCode() * 31 + p._2(), 1L))
                            .fold(new Tuple2<>(0L, 0L), (a, b) -> new Tuple2<>(a._1() + b._1(), a._2() + b._2()));
                    long done = System.nanoTime();
                    System.out.printf("Run %d (%s): context ready %.2f s, result %.2f s from submission (job %.2f s);"
                            + " checksum %d over %d keys%n", run, sc.sc().applicationId(), (ready - submitted) / 1e9,
                            (done - submitted) / 1e9, (done - ready) / 1e9, result._1(), result._2());
                }
            }
        }
    }
}
