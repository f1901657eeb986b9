package io.weft.api.lineage;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A driver-side list cut into slices, one per partition. The slices travel inside the task binary.
 *
 * @param <T> record type
 */
public final class ParallelizeNode<T> extends Node<T> {

    private static final long serialVersionUID = 1L;

    private final ArrayList<ArrayList<T>> slices;

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
        slices = new ArrayList<>(numSlices);
        int n = data.size();
        for (int i = 0; i < numSlices; i++) {
            // Same slicing as Spark: slice i holds [i*n/k, (i+1)*n/k).
            int from = (int) ((long) i * n / numSlices);
            int to = (int) ((long) (i + 1) * n / numSlices);
            slices.add(new ArrayList<>(data.subList(from, to)));
        }
    }

    @Override
    public int numPartitions() {
        return slices.size();
    }

    @Override
    public List<Dependency<?>> dependencies() {
        return List.of();
    }

    @Override
    protected Iterator<T> compute(int partition, TaskContext context) {
        Iterator<T> records = slices.get(partition).iterator();
        return context == null ? records : context.countInput(records);
    }
}
