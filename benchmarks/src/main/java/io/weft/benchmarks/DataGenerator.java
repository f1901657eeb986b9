package io.weft.benchmarks;

import io.weft.examples.TextCorpus;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Deterministic benchmark inputs, written once and reused: Zipf-like text, and {@code key,value} CSV rows whose
 * keys are skewed (a power law over a million keys).
 */
public final class DataGenerator {

    private DataGenerator() {
    }

    /**
     * @param dir where the text goes (reused if already complete)
     * @param megabytes its size
     * @return the directory
     * @throws IOException on write failure
     */
    public static Path text(Path dir, long megabytes) throws IOException {
        Path target = dir.resolve("text-" + megabytes + "m");
        Path done = target.resolve("_COMPLETE");
        if (!Files.exists(done)) {
            new TextCorpus(200_000, 1.05).write(target, megabytes << 20, Math.max(2, (int) (megabytes / 64)), 11);
            Files.createFile(done);
        }
        return target;
    }

    /**
     * @param dir where the rows go (reused if already complete)
     * @param rows how many
     * @param keys distinct keys
     * @return the directory
     * @throws IOException on write failure
     */
    public static Path csv(Path dir, long rows, int keys) throws IOException {
        Path target = dir.resolve("csv-" + rows + "-" + keys);
        Path done = target.resolve("_COMPLETE");
        if (!Files.exists(done)) {
            Files.createDirectories(target);
            int files = (int) Math.max(2, rows / 2_500_000);
            SplittableRandom random = new SplittableRandom(13);
            for (int f = 0; f < files; f++) {
                Path file = target.resolve(String.format("rows-%03d.csv", f));
                try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                    long n = rows / files + (f < rows % files ? 1 : 0);
                    StringBuilder line = new StringBuilder(32);
                    for (long i = 0; i < n; i++) {
                        // Power-law keys: small keys are frequent, the tail is long.
                        int key = (int) (keys * Math.pow(random.nextDouble(), 3));
                        line.setLength(0);
                        line.append('k').append(key).append(',').append(random.nextInt(1000)).append('\n');
                        out.write(line.toString());
                    }
                }
            }
            Files.createFile(done);
        }
        return target;
    }
}
