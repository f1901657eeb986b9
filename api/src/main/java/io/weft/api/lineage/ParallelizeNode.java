package io.weft.api.lineage;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A driver-side list cut into slices, one per partition. The slices stay on the driver: they are left out of the
 * stage binary (so a task's cost does not grow with the number of partitions), and each task carries only the
 * slices it reads (see {@link TaskContext#parallelizedSlice}). On the driver, {@link #slice} gives them to the
 * planner.
 *
 * @param <T> record type
 */
public final class ParallelizeNode<T> extends Node<T> {

    private static final long serialVersionUID = 1L;

    /** {@code null} after deserialization: an executor reads its slice from the task context. */
    private final transient ArrayList<ArrayList<T>> slices;
    private final int numSlices;
    /**
     * Combines the records' hash codes, so that the stage binary (and the map-output journal's fingerprint made
     * from it) still changes when the data does, though the data is not in it.
     */
    private final long contentHash;

    /**
     * @param id node id
     * @param name operator and call site
     * @param data the records, in order
     * @param numSlices the number of partitions, at least 1
     */
    public ParallelizeNode(int id, String name, List<T> data, int numSlices) {
        super(id, name);
        if (numSlices < 1) {
            throw new IllegalArgumentException("parallelize needs at least 1 partition, got " + numSlices);
        }
        this.numSlices = numSlices;
        slices = new ArrayList<>(numSlices);
        int n = data.size();
        for (int i = 0; i < numSlices; i++) {
            // Same slicing as Spark: slice i holds [i*n/k, (i+1)*n/k).
            int from = (int) ((long) i * n / numSlices);
            int to = (int) ((long) (i + 1) * n / numSlices);
            slices.add(new ArrayList<>(data.subList(from, to)));
        }
        long hash = n;
        for (T record : data) {
            hash = 31 * hash + (record == null ? 0 : record.hashCode());
        }
        contentHash = hash;
    }

    @Override
    public int numPartitions() {
        return numSlices;
    }

    @Override
    public List<Dependency<?>> dependencies() {
        return List.of();
    }

    /**
     * A partition's records, on the driver (where the planner puts them in the partition's tasks).
     *
     * @param partition a partition
     * @return its records (not a copy: do not change it)
     * @throws IllegalStateException on an executor, where the node was deserialized without its slices
     */
    public List<T> slice(int partition) {
        if (slices == null) {
            throw new IllegalStateException(this + " has no slices here: they stay on the driver and travel with"
                    + " each task; use TaskContext.parallelizedSlice");
        }
        return slices.get(partition);
    }

    @Override
    protected Iterator<T> compute(int partition, TaskContext context) {
        if (slices != null) {
            Iterator<T> records = slices.get(partition).iterator();
            return context == null ? records : context.countInput(records);
        }
        if (context == null) {
            throw new IllegalStateException(this + " was deserialized without its slices and has no task context"
                    + " to read partition " + partition + " from");
        }
        List<T> slice = context.parallelizedSlice(id(), partition);
        return context.countInput(slice.iterator());
    }
}
