package io.weft.benchmarks;

import io.weft.api.Pair;
import io.weft.api.lineage.Aggregator;
import io.weft.runtime.serial.KryoPool;
import io.weft.runtime.spill.ExternalAggregator;
import io.weft.runtime.spill.MemoryBudget;
import java.io.BufferedReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The map side of WordCount on one thread, without the rest of the engine: each round splits the first
 * {@code --mb} of a corpus file's lines into words (as the WordCount example's user code does) and folds
 * {@code (word, 1L)} pairs into an {@link ExternalAggregator} with a {@code Long::sum} aggregator and a budget large
 * enough not to spill, then drains it. Prints each round's CPU time of the calling thread (not wall time, so other
 * load on the machine inflates it less) and the best and median round. Reads the lines into memory first, so no
 * I/O is timed.
 */
@Command(name = "combine-bench", mixinStandardHelpOptions = true,
        description = "Split-and-combine CPU time of WordCount's map side on one thread.")
public final class CombineBench implements Callable<Integer> {

    @Option(names = "--data", defaultValue = "target/bench-data", description = "Data directory (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--text-mb", defaultValue = "100", description = "Corpus size to generate or reuse (default: ${DEFAULT-VALUE})")
    long textMb;

    @Option(names = "--mb", defaultValue = "25", description = "Megabytes of lines per round (default: ${DEFAULT-VALUE})")
    long megabytes;

    @Option(names = "--rounds", defaultValue = "9", description = "Rounds (default: ${DEFAULT-VALUE})")
    int rounds;

    /**
     * @param args see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new CombineBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path corpus = DataGenerator.text(data, textMb);
        List<String> lines = new ArrayList<>();
        long chars = 0;
        try (var files = Files.list(corpus)) {
            Path first = files.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().findFirst()
                    .orElseThrow(() -> new IllegalStateException("No part- files in " + corpus));
            try (BufferedReader in = Files.newBufferedReader(first, StandardCharsets.UTF_8)) {
                String line;
                while (chars < (megabytes << 20) && (line = in.readLine()) != null) {
                    lines.add(line);
                    chars += line.length() + 1;
                }
            }
        }
        Aggregator<Long, Long> sum = new Aggregator<>(v -> v, Long::sum, Long::sum);
        KryoPool kryo = new KryoPool(CombineBench.class.getClassLoader());
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[] cpu = new long[rounds];
        Path spillDir = Files.createTempDirectory("combine-bench");
        for (int r = 0; r < rounds; r++) {
            long start = threads.getCurrentThreadCpuTime();
            long keys = 0;
            long total = 0;
            try (ExternalAggregator<String, Long, Long> aggregator = new ExternalAggregator<>(sum, false,
                    new MemoryBudget(1L << 30), spillDir.toFile(), kryo)) {
                Iterator<Pair<String, Long>> out = aggregator.aggregate(words(lines));
                while (out.hasNext()) {
                    total += out.next().value();
                    keys++;
                }
            }
            cpu[r] = threads.getCurrentThreadCpuTime() - start;
            System.out.printf("round=%d cpu_ms=%d words=%d keys=%d%n", r + 1, cpu[r] / 1_000_000, total, keys);
        }
        Files.delete(spillDir);
        long[] sorted = cpu.clone();
        Arrays.sort(sorted);
        System.out.printf("best_ms=%d median_ms=%d%n", sorted[0] / 1_000_000, sorted[rounds / 2] / 1_000_000);
        return 0;
    }

    /** The lines' words as {@code (word, 1L)}, split lazily as the WordCount example splits them. */
    private static Iterator<Pair<String, Long>> words(List<String> lines) {
        return new Iterator<>() {
            private final Iterator<String> lineIterator = lines.iterator();
            private String[] words = new String[0];
            private int next;

            @Override
            public boolean hasNext() {
                while (true) {
                    while (next < words.length) {
                        if (!words[next].isEmpty()) {
                            return true;
                        }
                        next++;
                    }
                    if (!lineIterator.hasNext()) {
                        return false;
                    }
                    words = lineIterator.next().split(" ");
                    next = 0;
                }
            }

            @Override
            public Pair<String, Long> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return Pair.of(words[next++], 1L);
            }
        };
    }
}
