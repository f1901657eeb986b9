package io.weft.examples;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Generates deterministic English-like text whose word frequencies follow a Zipf law (a few words very common,
 * a long tail of rare ones), like real prose. The same seed and size always give the same bytes.
 */
public final class TextCorpus {

    private static final String[] COMMON = {"the", "of", "and", "to", "a", "in", "is", "that", "it", "was", "for",
        "on", "are", "with", "as", "his", "they", "be", "at", "one", "have", "this", "from", "or", "had", "by",
        "word", "but", "what", "some", "we", "can", "out", "other", "were", "all", "there", "when", "up", "use"};
    private static final String LETTERS = "etaoinshrdlcumwfgypbvkjxqz";

    private final double[] cumulative;
    private final String[] vocabulary;

    /**
     * @param vocabularySize number of distinct words
     * @param exponent the Zipf exponent (about 1 for prose)
     */
    public TextCorpus(int vocabularySize, double exponent) {
        vocabulary = new String[vocabularySize];
        cumulative = new double[vocabularySize];
        SplittableRandom names = new SplittableRandom(42);
        double total = 0;
        for (int i = 0; i < vocabularySize; i++) {
            vocabulary[i] = i < COMMON.length ? COMMON[i] : syntheticWord(names, i);
            total += 1.0 / Math.pow(i + 1, exponent);
            cumulative[i] = total;
        }
        for (int i = 0; i < vocabularySize; i++) {
            cumulative[i] /= total;
        }
    }

    private static String syntheticWord(SplittableRandom random, int rank) {
        int length = 3 + random.nextInt(6) + (rank > 10_000 ? 2 : 0);
        StringBuilder word = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            // Skew towards frequent letters so words look plausible.
            int index = (int) (Math.pow(random.nextDouble(), 2) * LETTERS.length());
            word.append(LETTERS.charAt(index));
        }
        return word.append(rank % 97).toString();
    }

    /**
     * @param random the source of randomness
     * @return a word drawn from the Zipf distribution
     */
    public String nextWord(SplittableRandom random) {
        double u = random.nextDouble();
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] < u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return vocabulary[lo];
    }

    /**
     * Writes about {@code bytes} bytes of text, lines of 5 to 19 words, into {@code files} files in a directory.
     *
     * @param directory created if needed
     * @param bytes approximate total size
     * @param files how many files
     * @param seed the random seed
     * @throws IOException on write failure
     */
    public void write(Path directory, long bytes, int files, long seed) throws IOException {
        Files.createDirectories(directory);
        SplittableRandom random = new SplittableRandom(seed);
        long perFile = bytes / files;
        for (int f = 0; f < files; f++) {
            Path file = directory.resolve(String.format("part-%03d.txt", f));
            try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                long written = 0;
                StringBuilder line = new StringBuilder(160);
                while (written < perFile) {
                    line.setLength(0);
                    int words = 5 + random.nextInt(15);
                    for (int w = 0; w < words; w++) {
                        if (w > 0) {
                            line.append(' ');
                        }
                        line.append(nextWord(random));
                    }
                    out.write(line.toString());
                    out.write('\n');
                    written += line.length() + 1;
                }
            }
        }
    }
}
