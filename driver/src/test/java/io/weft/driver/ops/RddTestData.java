package io.weft.driver.ops;

import io.weft.api.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random inputs and the plain-Java view of a parallelized collection's partitions, for the RDD API tests. */
final class RddTestData {

    private RddTestData() {
    }

    /** Small ints, one hot value (skew), and a null in about one record of ten when {@code nulls}. */
    static List<Integer> values(long seed, int n, boolean nulls) {
        Random random = new Random(seed);
        List<Integer> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (nulls && random.nextInt(10) == 0) {
                out.add(null);
            } else {
                out.add(random.nextInt(4) == 0 ? 7 : random.nextInt(40) - 10);
            }
        }
        return out;
    }

    /** Keyed rows: few distinct keys, one hot key, null keys and values when {@code nulls}. */
    static List<Pair<Integer, Integer>> rows(long seed, int n, boolean nulls) {
        Random random = new Random(seed * 31 + 7);
        List<Pair<Integer, Integer>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Integer key = nulls && random.nextInt(12) == 0 ? null : random.nextInt(3) == 0 ? 7 : random.nextInt(30);
            Integer value = nulls && random.nextInt(15) == 0 ? null : random.nextInt(1000) - 500;
            out.add(Pair.of(key, value));
        }
        return out;
    }

    /** Partition counts from 1 to 13: with small inputs, some partitions are empty, or most. */
    static int partitions(long seed) {
        return 1 + (int) (seed * 5 % 13);
    }

    /** The partitions {@code parallelize(data, k)} makes: slice i holds [i*n/k, (i+1)*n/k). */
    static <T> List<List<T>> slices(List<T> data, int k) {
        List<List<T>> out = new ArrayList<>();
        int n = data.size();
        for (int i = 0; i < k; i++) {
            out.add(new ArrayList<>(data.subList((int) ((long) i * n / k), (int) ((long) (i + 1) * n / k))));
        }
        return out;
    }
}
