package io.weft.examples;

import io.weft.api.Pair;
import io.weft.api.PairDataset;
import io.weft.api.WeftSession;

/**
 * Sums the values of {@code key,value} text rows per key and prints a checksum of the sums and the number of keys:
 * the aggregation of the local benchmark's {@code reduce} job, as a program {@code yarn jar} can run.
 *
 * <pre>
 * SumByKey input
 * </pre>
 *
 * The checksum is the sum over keys of {@code key.hashCode() * 31 + sum} in {@code long} arithmetic (overflow wraps),
 * so any engine that computes the same sums prints the same number. The master is whatever the environment says
 * ({@code -Dweft.master=...}), else {@code local[*]}.
 */
public final class SumByKey {

    private SumByKey() {
    }

    /**
     * @param args the input path (a Hadoop path: a file or a directory of {@code key,value} lines)
     */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("Usage: SumByKey <input: a file or directory of key,value lines>");
            System.exit(2);
        }
        long start = System.nanoTime();
        try (WeftSession weft = WeftSession.builder().appName("sumbykey").getOrCreate()) {
            System.out.println("Application " + weft.applicationId() + " on " + weft.master());
            Pair<Long, Long> result = checksum(sum(weft, args[0]));
            System.out.printf("Checksum %d over %d keys (%.1f s)%n", result.key(), result.value(),
                    (System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * The aggregation itself.
     *
     * @param weft the session
     * @param input a Hadoop path of {@code key,value} lines, the value a decimal {@code long}; a line without a
     *     comma fails its task with the line in the message
     * @return each key with the sum of its values
     */
    public static PairDataset<String, Long> sum(WeftSession weft, String input) {
        return weft.textFile(input).mapToPair(SumByKey::parse).reduceByKey(Long::sum);
    }

    /**
     * One action over the sums.
     *
     * @param sums keys with their sums
     * @return the checksum (see the class comment) and the number of keys
     */
    public static Pair<Long, Long> checksum(PairDataset<String, Long> sums) {
        return sums.map(p -> Pair.of(term(p.key(), p.value()), 1L))
                .fold(Pair.of(0L, 0L), (a, b) -> Pair.of(a.key() + b.key(), a.value() + b.value()));
    }

    /**
     * @param key a key
     * @param sum its sum
     * @return the key's contribution to the checksum
     */
    public static long term(String key, long sum) {
        return (long) key.hashCode() * 31 + sum;
    }

    static Pair<String, Long> parse(String line) {
        int comma = line.indexOf(',');
        if (comma < 0) {
            throw new IllegalArgumentException("Not a key,value line: '" + line
                    + "'; SumByKey reads lines of the form key,123");
        }
        return Pair.of(line.substring(0, comma), Long.parseLong(line, comma + 1, line.length(), 10));
    }
}
