package io.weft.api;

import java.util.Arrays;
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
