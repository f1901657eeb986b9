package io.weft.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Partitions keys into contiguous ranges given sorted upper bounds, so that partition {@code i} holds only keys
 * that sort before those of partition {@code i+1}. {@link PairDataset#sortByKey} builds one from a sample of the
 * keys.
 *
 * @param <K> the key type
 */
public final class RangePartitioner<K> extends Partitioner {

    private static final long serialVersionUID = 1L;

    private final Object[] bounds;
    private final SerializableComparator<? super K> ordering;
    private final boolean ascending;

    /**
     * @param bounds the upper bounds, sorted by {@code ordering}; {@code bounds.size() + 1} partitions
     * @param ordering the key order
     * @param ascending whether partition 0 holds the smallest keys
     */
    public RangePartitioner(List<K> bounds, SerializableComparator<? super K> ordering, boolean ascending) {
        this.bounds = bounds.toArray();
        this.ordering = ordering;
        this.ascending = ascending;
    }

    /**
     * Picks range bounds from a weighted sample of keys, as Spark's range partitioner does: the keys in order,
     * a bound each time the running weight passes the next multiple of {@code total / partitions}, skipping a key
     * equal to the last bound (its records all go to one range). The target moves on only when a bound is taken,
     * so a key heavy enough to span several ranges costs one range, not several: fewer ranges than asked come
     * only from fewer distinct keys.
     *
     * @param weighted sampled keys, each with the number of records it stands for, in any order
     * @param ordering the key order
     * @param partitions the ranges asked for
     * @param <K> the key type
     * @return at most {@code partitions - 1} strictly increasing bounds
     */
    static <K> List<K> determineBounds(List<Pair<K, Double>> weighted, Comparator<? super K> ordering,
            int partitions) {
        List<Pair<K, Double>> ordered = new ArrayList<>(weighted);
        ordered.sort((a, b) -> ordering.compare(a.key(), b.key()));
        double total = 0;
        for (Pair<K, Double> candidate : ordered) {
            total += candidate.value();
        }
        double step = total / partitions;
        double cumulative = 0;
        double target = step;
        List<K> bounds = new ArrayList<>();
        for (int i = 0; i < ordered.size() && bounds.size() < partitions - 1; i++) {
            Pair<K, Double> candidate = ordered.get(i);
            cumulative += candidate.value();
            if (cumulative >= target && (bounds.isEmpty()
                    || ordering.compare(candidate.key(), bounds.get(bounds.size() - 1)) > 0)) {
                bounds.add(candidate.key());
                target += step;
            }
        }
        return bounds;
    }

    @Override
    public int numPartitions() {
        return bounds.length + 1;
    }

    @Override
    @SuppressWarnings("unchecked")
    public int getPartition(Object key) {
        // First bound that is >= key: binary search over the sorted bounds.
        int lo = 0;
        int hi = bounds.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ordering.compare((K) bounds[mid], (K) key) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return ascending ? lo : bounds.length - lo;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RangePartitioner<?> r && r.ascending == ascending && Arrays.equals(r.bounds, bounds)
                && r.ordering.equals(ordering);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bounds) * 31 + (ascending ? 1 : 0);
    }

    @Override
    public String toString() {
        return "RangePartitioner(" + numPartitions() + (ascending ? ", ascending)" : ", descending)");
    }
}
