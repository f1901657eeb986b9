package io.weft.benchmarks.spark;

import io.weft.benchmarks.DataGenerator;
import io.weft.benchmarks.SortOutput;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import scala.Tuple2;

/**
 * The same RDD programs as {@link io.weft.benchmarks.Bench}, on Apache Spark 4 in local mode with Kryo, on the
 * same generated files, printing the same lines and checksums so the two can be compared job by job.
 */
@Command(name = "spark-bench", mixinStandardHelpOptions = true,
        description = "Times the Bench jobs on Apache Spark for comparison.")
public final class SparkBench implements Callable<Integer> {

    @Option(names = "--master", defaultValue = "local[2]")
    String master;

    @Option(names = "--data", defaultValue = "target/bench-data")
    Path data;

    @Option(names = "--text-mb", defaultValue = "100")
    long textMb;

    @Option(names = "--rows", defaultValue = "2000000")
    long rows;

    @Option(names = "--keys", defaultValue = "1000000")
    int keys;

    @Option(names = "--jobs", split = ",", defaultValue = "startup,wordcount,reduce,join,sort")
    List<String> jobs;

    /**
     * @param args see --help
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new SparkBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path text = jobs.contains("wordcount") ? DataGenerator.text(data, textMb) : null;
        Path csv = jobs.stream().anyMatch(j -> j.equals("reduce") || j.equals("join") || j.equals("sort")
                || j.equals("topk"))
                ? DataGenerator.csv(data, rows, keys) : null;
        long sessionStart = System.nanoTime();
        SparkConf conf = new SparkConf().setAppName("spark-bench").setMaster(master)
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.ui.enabled", "false");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("WARN");
            System.out.printf("spark master=%s heap=%dm cores=%d%n", master, Runtime.getRuntime().maxMemory() >> 20,
                    sc.defaultParallelism());
            for (String job : jobs) {
                long start = System.nanoTime();
                long result = switch (job) {
                    case "startup" -> sc.parallelize(List.of(1, 2, 3, 4), 2).map(x -> x * 2).reduce(Integer::sum);
                    case "wordcount" -> wordCount(sc, text);
                    case "reduce" -> reduce(sc, csv);
                    case "join" -> join(sc, csv);
                    case "sort" -> sort(sc, csv);
                    case "topk" -> topK(sc, csv);
                    default -> throw new IllegalArgumentException("unknown job " + job);
                };
                long end = System.nanoTime();
                double seconds = (end - (job.equals("startup") ? sessionStart : start)) / 1e9;
                System.out.printf("job=%s seconds=%.2f result=%d%n", job, seconds, result);
            }
        }
        return 0;
    }

    static long wordCount(JavaSparkContext sc, Path text) {
        return sc.textFile(text.toUri().toString())
                .flatMap(line -> Arrays.asList(line.split(" ")).iterator())
                .filter(word -> !word.isEmpty())
                .mapToPair(word -> new Tuple2<>(word, 1L))
                .reduceByKey(Long::sum)
                .map(p -> (long) p._1().hashCode() * p._2()).fold(0L, Long::sum);
    }

    static JavaPairRDD<String, Long> rows(JavaSparkContext sc, Path csv) {
        return sc.textFile(csv.toUri().toString()).mapToPair(line -> {
            int comma = line.indexOf(',');
            return new Tuple2<>(line.substring(0, comma), Long.parseLong(line, comma + 1, line.length(), 10));
        });
    }

    static long reduce(JavaSparkContext sc, Path csv) {
        return rows(sc, csv).reduceByKey(Long::sum).map(p -> (long) p._1().hashCode() * 31 + p._2())
                .fold(0L, Long::sum);
    }

    static long join(JavaSparkContext sc, Path csv) {
        JavaPairRDD<String, Long> facts = rows(sc, csv);
        JavaPairRDD<String, Long> dimension = facts.filter(p -> p._1().hashCode() % 10 == 0)
                .mapToPair(p -> new Tuple2<>(p._1(), 1L)).reduceByKey(Long::sum);
        return facts.join(dimension).map(p -> p._2()._1() * p._2()._2()).fold(0L, Long::sum);
    }

    /** The rows sorted by key and saved as text, as Weft's "sort" job; the result is the text's size. */
    static long sort(JavaSparkContext sc, Path csv) throws java.io.IOException {
        Path out = SortOutput.fresh();
        rows(sc, csv).sortByKey(true).saveAsTextFile(out.toUri().toString());
        return SortOutput.bytesThenDelete(out);
    }

    /** The first 1,000 rows by key, as Weft's "topk" job. */
    static long topK(JavaSparkContext sc, Path csv) {
        List<Tuple2<String, Long>> first = rows(sc, csv).sortByKey(true).take(1000);
        long checksum = 0;
        for (Tuple2<String, Long> p : first) {
            checksum = checksum * 31 + p._1().hashCode();
        }
        return checksum;
    }
}
