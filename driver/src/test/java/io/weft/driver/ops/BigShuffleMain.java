package io.weft.driver.ops;

import io.weft.api.Pair;
import io.weft.api.WeftSession;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Run in a JVM with a small heap by {@link SmallHeapShuffleTest}: shuffles several times the heap through an
 * aggregation with millions of distinct keys and through a sort, and prints what it computed next to what a
 * plain loop over the same generator computes.
 */
public final class BigShuffleMain {

    private BigShuffleMain() {
    }

    static Iterator<Pair<Long, String>> records(int seed, long count) {
        SplittableRandom random = new SplittableRandom(seed);
        return new Iterator<>() {
            long emitted;

            @Override
            public boolean hasNext() {
                return emitted < count;
            }

            @Override
            public Pair<Long, String> next() {
                emitted++;
                long key = random.nextLong(3_000_000);
                return Pair.of(key, "payload-" + Long.toString(random.nextLong(), 36) + "-".repeat(40));
            }
        };
    }

    /**
     * @param args partitions, records per partition
     */
    public static void main(String[] args) {
        int partitions = Integer.parseInt(args[0]);
        long perPartition = Long.parseLong(args[1]);
        long expectedCount = 0;
        long expectedLength = 0;
        for (int p = 0; p < partitions; p++) {
            for (Iterator<Pair<Long, String>> it = records(p, perPartition); it.hasNext(); ) {
                Pair<Long, String> r = it.next();
                expectedCount++;
                expectedLength += r.value().length();
            }
        }
        List<Integer> seeds = IntStream.range(0, partitions).boxed().toList();
        try (WeftSession weft = WeftSession.builder().master("local[2]").getOrCreate()) {
            var generated = weft.parallelize(seeds, partitions).flatMap(seed -> records(seed, perPartition))
                    .mapToPair(p -> p);
            long totalLength = generated.mapValues(v -> (long) v.length()).reduceByKey(Long::sum)
                    .values().fold(0L, Long::sum);
            long sortedCount = generated.sortByKey(true).mapPartitions(it -> {
                long previous = Long.MIN_VALUE;
                long n = 0;
                while (it.hasNext()) {
                    long key = it.next().key();
                    if (key < previous) {
                        throw new IllegalStateException("not sorted: " + key + " after " + previous);
                    }
                    previous = key;
                    n++;
                }
                return List.of(n).iterator();
            }).fold(0L, Long::sum);
            System.out.println("expected=" + expectedCount + "/" + expectedLength + " actual=" + sortedCount + "/"
                    + totalLength);
        }
    }
}
