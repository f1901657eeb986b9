package io.weft.examples;

import io.weft.api.Pair;
import io.weft.api.PairDataset;
import io.weft.api.WeftSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Counts words and prints the most frequent ones.
 *
 * <pre>
 * WordCount [input [output]]
 * </pre>
 *
 * Without arguments it generates a 20 MB corpus in a temporary directory and counts that. The master is whatever
 * the environment says ({@code -Dweft.master=...}), else {@code local[*]}.
 */
public final class WordCount {

    private WordCount() {
    }

    /**
     * @param args optional input path and output directory
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        String input;
        Path generated = null;
        if (args.length > 0) {
            input = args[0];
        } else {
            generated = Files.createTempDirectory("weft-wordcount-");
            System.out.println("Generating a 20 MB corpus in " + generated);
            new TextCorpus(50_000, 1.05).write(generated, 20L << 20, 4, 7);
            input = generated.toUri().toString();
        }
        long start = System.nanoTime();
        try (WeftSession weft = WeftSession.builder().appName("wordcount").getOrCreate()) {
            System.out.println("Application " + weft.applicationId() + " on " + weft.master());
            PairDataset<String, Long> counts = count(weft, input);
            if (args.length > 1) {
                counts.saveAsTextFile(args[1]);
                System.out.println("Counts written to " + args[1]);
            }
            List<Pair<Long, String>> top = counts.mapToPair(p -> Pair.of(p.value(), p.key()))
                    .sortByKey(false).take(10);
            System.out.printf("Top words (%.1f s):%n", (System.nanoTime() - start) / 1e9);
            for (Pair<Long, String> p : top) {
                System.out.printf("  %-12s %,d%n", p.value(), p.key());
            }
        } finally {
            if (generated != null) {
                deleteTree(generated);
            }
        }
    }

    /**
     * The word count itself.
     *
     * @param weft the session
     * @param input a Hadoop path
     * @return each word with its count
     */
    public static PairDataset<String, Long> count(WeftSession weft, String input) {
        return weft.textFile(input)
                .flatMap(line -> Arrays.asList(line.split(" ")).iterator())
                .filter(word -> !word.isEmpty())
                .mapToPair(word -> Pair.of(word, 1L))
                .reduceByKey(Long::sum);
    }

    static void deleteTree(Path root) throws java.io.IOException {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
