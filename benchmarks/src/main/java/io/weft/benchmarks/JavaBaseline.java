package io.weft.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The yardstick for framework overhead: {@link Bench}'s {@code wordcount} and {@code reduce} jobs written as a
 * plain Java program, with no framework at all. A fixed number of threads (two by default, like {@code local[2]})
 * take the input files one at a time, read them line by line, split each line and count into their own
 * {@link HashMap}; the maps are then merged into one on the main thread and folded into the same checksum as
 * {@link Bench} prints, so a run also checks the framework's result. The data comes from {@link DataGenerator},
 * the same files {@link Bench} and the Spark harness read.
 */
@Command(name = "java-baseline", mixinStandardHelpOptions = true,
        description = "Times WordCount and the aggregation as a plain multi-threaded Java program.")
public final class JavaBaseline implements Callable<Integer> {

    @Option(names = "--data", defaultValue = "target/bench-data", description = "Data directory (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--text-mb", defaultValue = "100", description = "WordCount input size in MB")
    long textMb;

    @Option(names = "--rows", defaultValue = "2000000", description = "CSV rows for the aggregation")
    long rows;

    @Option(names = "--keys", defaultValue = "1000000", description = "Distinct keys in the CSV rows")
    int keys;

    @Option(names = "--threads", defaultValue = "2", description = "Worker threads (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--jobs", split = ",", defaultValue = "wordcount,reduce", description = "wordcount, reduce")
    List<String> jobs;

    /**
     * @param args see --help
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new JavaBaseline()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        System.out.printf("java-baseline threads=%d heap=%dm%n", threads, Runtime.getRuntime().maxMemory() >> 20);
        for (String job : jobs) {
            long start = System.nanoTime();
            long result = switch (job) {
                case "wordcount" -> wordCount(DataGenerator.text(data, textMb));
                case "reduce" -> reduce(DataGenerator.csv(data, rows, keys));
                default -> throw new IllegalArgumentException("unknown job " + job + "; use wordcount or reduce");
            };
            System.out.printf("job=%s seconds=%.2f result=%d%n", job, (System.nanoTime() - start) / 1e9, result);
        }
        return 0;
    }

    long wordCount(Path dir) throws Exception {
        Map<String, Long> counts = countInParallel(dir, (line, map) -> {
            for (String word : line.split(" ")) {
                if (!word.isEmpty()) {
                    map.merge(word, 1L, Long::sum);
                }
            }
        });
        long checksum = 0;
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            checksum += (long) e.getKey().hashCode() * e.getValue();
        }
        return checksum;
    }

    long reduce(Path dir) throws Exception {
        Map<String, Long> sums = countInParallel(dir, (line, map) -> {
            int comma = line.indexOf(',');
            map.merge(line.substring(0, comma), Long.parseLong(line, comma + 1, line.length(), 10), Long::sum);
        });
        long checksum = 0;
        for (Map.Entry<String, Long> e : sums.entrySet()) {
            checksum += (long) e.getKey().hashCode() * 31 + e.getValue();
        }
        return checksum;
    }

    /** Each thread takes whole files until none is left, into its own map; the maps are merged at the end. */
    private Map<String, Long> countInParallel(Path dir, BiConsumer<String, Map<String, Long>> perLine)
            throws Exception {
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(p -> !p.getFileName().toString().startsWith("_")).sorted().toList();
        }
        AtomicInteger nextFile = new AtomicInteger();
        List<Map<String, Long>> maps = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Map<String, Long> map = new HashMap<>();
            maps.add(map);
            Thread worker = new Thread(() -> {
                for (int f = nextFile.getAndIncrement(); f < files.size(); f = nextFile.getAndIncrement()) {
                    try (BufferedReader in = Files.newBufferedReader(files.get(f), StandardCharsets.UTF_8)) {
                        for (String line = in.readLine(); line != null; line = in.readLine()) {
                            perLine.accept(line, map);
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }, "baseline-" + t);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        Map<String, Long> merged = maps.get(0);
        for (int i = 1; i < maps.size(); i++) {
            maps.get(i).forEach((k, v) -> merged.merge(k, v, Long::sum));
        }
        return merged;
    }
}
