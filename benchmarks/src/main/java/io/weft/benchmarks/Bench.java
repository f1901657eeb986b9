package io.weft.benchmarks;

import io.weft.api.Pair;
import io.weft.api.PairDataset;
import io.weft.api.WeftSession;
import io.weft.examples.WordCount;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark harness: generates deterministic data (once; it is reused), then times each job in one session
 * and prints {@code job=<name> seconds=<s> result=<checksum>} lines. Checksums let two engines' results be compared.
 */
@Command(name = "weft-bench", mixinStandardHelpOptions = true,
        description = "Times WordCount, reduceByKey, a join and a sort on generated data.")
public final class Bench implements Callable<Integer> {

    @Option(names = "--master", defaultValue = "local[2]", description = "Weft master (default: ${DEFAULT-VALUE})")
    String master;

    @Option(names = "--data", defaultValue = "target/bench-data", description = "Data directory (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--text-mb", defaultValue = "100", description = "WordCount input size in MB")
    long textMb;

    @Option(names = "--rows", defaultValue = "2000000", description = "CSV rows for reduceByKey, join and sort")
    long rows;

    @Option(names = "--keys", defaultValue = "1000000", description = "Distinct keys in the CSV rows")
    int keys;

    @Option(names = "--jobs", split = ",", defaultValue = "startup,wordcount,reduce,join,sort",
            description = "Jobs to run: ${COMPLETION-CANDIDATES}")
    List<Job> jobs;

    @Option(names = "--conf", description = "Extra weft.* settings, key=value")
    java.util.Map<String, String> conf = new java.util.HashMap<>();

    enum Job { startup, wordcount, reduce, join, sort, topk, shuffle }

    @Option(names = "--shuffle-gb", defaultValue = "4", description = "Size of the 'shuffle' job's data in GB")
    double shuffleGb;

    /**
     * @param args see --help
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new Bench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path text = jobs.contains(Job.wordcount) ? DataGenerator.text(data, textMb) : null;
        Path csv = jobs.stream().anyMatch(j -> j == Job.reduce || j == Job.join || j == Job.sort || j == Job.topk)
                ? DataGenerator.csv(data, rows, keys) : null;
        long sessionStart = System.nanoTime();
        WeftSession.Builder builder = WeftSession.builder().appName("bench").master(master);
        conf.forEach(builder::config);
        WeftSession weft = builder.getOrCreate();
        try {
            System.out.printf("master=%s heap=%dm cores=%d%n", master, Runtime.getRuntime().maxMemory() >> 20,
                    weft.defaultParallelism());
            for (Job job : jobs) {
                long start = System.nanoTime();
                long result = switch (job) {
                    case startup -> weft.parallelize(List.of(1, 2, 3, 4), 2).map(x -> x * 2).reduce(Integer::sum);
                    case wordcount -> wordCount(weft, text);
                    case reduce -> reduce(weft, csv);
                    case join -> join(weft, csv);
                    case sort -> sort(weft, csv);
                    case topk -> topK(weft, csv);
                    case shuffle -> bigShuffle(weft, shuffleGb);
                };
                long end = System.nanoTime();
                double seconds = (end - (job == Job.startup ? sessionStart : start)) / 1e9;
                System.out.printf("job=%s seconds=%.2f result=%d%n", job, seconds, result);
            }
        } finally {
            // Session close is measured on its own: it is what a short program waits for after its last result.
            long closeStart = System.nanoTime();
            weft.close();
            System.out.printf("close seconds=%.3f%n", (System.nanoTime() - closeStart) / 1e9);
        }
        return 0;
    }

    static long wordCount(WeftSession weft, Path text) {
        PairDataset<String, Long> counts = WordCount.count(weft, text.toUri().toString());
        return counts.map(p -> (long) p.key().hashCode() * p.value()).fold(0L, Long::sum);
    }

    static PairDataset<String, Long> rows(WeftSession weft, Path csv) {
        return weft.textFile(csv.toUri().toString()).mapToPair(line -> {
            int comma = line.indexOf(',');
            return Pair.of(line.substring(0, comma), Long.parseLong(line, comma + 1, line.length(), 10));
        });
    }

    static long reduce(WeftSession weft, Path csv) {
        return rows(weft, csv).reduceByKey(Long::sum)
                .map(p -> (long) p.key().hashCode() * 31 + p.value()).fold(0L, Long::sum);
    }

    static long join(WeftSession weft, Path csv) {
        PairDataset<String, Long> facts = rows(weft, csv);
        PairDataset<String, Long> dimension = facts.filter(p -> p.key().hashCode() % 10 == 0)
                .mapToPair(p -> Pair.of(p.key(), 1L)).reduceByKey(Long::sum);
        return facts.join(dimension).map(p -> p.value().key() * p.value().value()).fold(0L, Long::sum);
    }

    /** The 10 M rows sorted by key and saved as text; the result is the text's size. */
    static long sort(WeftSession weft, Path csv) throws java.io.IOException {
        Path out = SortOutput.fresh();
        rows(weft, csv).sortByKey(true).saveAsTextFile(out.toUri().toString());
        return SortOutput.bytesThenDelete(out);
    }

    /**
     * The first 1,000 rows by key: {@code sortByKey(true).take(1000)}, which Weft answers without the sort (each
     * partition's smallest keys) and Spark with its sample, shuffle and sort.
     */
    static long topK(WeftSession weft, Path csv) {
        List<Pair<String, Long>> first = rows(weft, csv).sortByKey(true).take(1000);
        long checksum = 0;
        for (Pair<String, Long> p : first) {
            checksum = checksum * 31 + p.key().hashCode();
        }
        return checksum;
    }

    /** A shuffle of about {@code gigabytes} of generated records, far larger than the heap. */
    static long bigShuffle(WeftSession weft, double gigabytes) {
        int partitions = 32;
        long records = (long) (gigabytes * (1L << 30) / 110);
        long perPartition = records / partitions;
        List<Integer> seeds = java.util.stream.IntStream.range(0, partitions).boxed().toList();
        return weft.parallelize(seeds, partitions).flatMap(seed -> {
            java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
            return new java.util.Iterator<Pair<Long, String>>() {
                long emitted;

                @Override
                public boolean hasNext() {
                    return emitted < perPartition;
                }

                @Override
                public Pair<Long, String> next() {
                    emitted++;
                    long key = random.nextLong();
                    return Pair.of(key, Long.toString(key, 36).repeat(7));
                }
            };
        }).mapToPair(p -> p).sortByKey(true).map(p -> (long) p.value().length()).fold(0L, Long::sum);
    }
}
