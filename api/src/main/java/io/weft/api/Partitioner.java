package io.weft.api;

import java.io.Serializable;

/**
 * Decides which partition a key belongs to. Two datasets partitioned by {@code equal} partitioners are
 * co-partitioned, so joining them needs no shuffle: implementations must override {@code equals} and
 * {@code hashCode}.
 *
 * <p>Called on executor threads, concurrently: implementations must be immutable.
 */
public abstract class Partitioner implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * The number of partitions.
     *
     * @return a positive count
     */
    public abstract int numPartitions();

    /**
     * The partition of a key.
     *
     * @param key a key, possibly {@code null}
     * @return a partition index in {@code [0, numPartitions())}
     */
    public abstract int getPartition(Object key);
}
