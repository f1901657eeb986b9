package io.weft.examples;

import io.weft.api.Pair;
import io.weft.api.PairDataset;
import io.weft.api.WeftSession;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Sorts random keys globally: range partitioning from a sample, then a sort within each partition. */
public final class SortExample {

    private SortExample() {
    }

    /**
     * @param args optional: the number of records, then an output directory for the sorted records (part files
     *     in key order); without it the smallest keys are printed
     */
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        try (WeftSession weft = WeftSession.builder().appName("sort").getOrCreate()) {
            if (args.length > 1) {
                sort(weft, n, 8).saveAsTextFile(args[1]);
                System.out.println("Sorted records written to " + args[1]);
                return;
            }
            List<Pair<Long, String>> sorted = sort(weft, n, 8).take(5);
            System.out.println("Smallest keys: " + sorted);
        }
    }

    /**
     * @param weft the session
     * @param n how many random records
     * @param partitions output partitions
     * @return the records sorted by key
     */
    public static PairDataset<Long, String> sort(WeftSession weft, int n, int partitions) {
        List<Integer> seeds = new ArrayList<>();
        for (int i = 0; i < partitions; i++) {
            seeds.add(i);
        }
        int perSeed = n / partitions;
        return weft.parallelize(seeds, partitions)
                .flatMap(seed -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    List<Long> keys = new ArrayList<>(perSeed);
                    for (int i = 0; i < perSeed; i++) {
                        keys.add(random.nextLong(1_000_000_000L));
                    }
                    return keys.iterator();
                })
                .mapToPair(k -> Pair.of(k, "v" + k))
                .sortByKey(true);
    }
}
