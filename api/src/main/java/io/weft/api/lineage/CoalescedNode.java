package io.weft.api.lineage;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Fewer partitions without a shuffle: each partition reads a contiguous group of the parent's partitions.
 *
 * @param <T> record type
 */
public final class CoalescedNode<T> extends Node<T> {

    private static final long serialVersionUID = 1L;

    private final Node<T> parent;
    private final int[][] groups;
    private final List<Dependency<?>> dependencies;

    /**
     * @param id node id
     * @param name operator and call site
     * @param parent the input
     * @param partitions the number of partitions wanted, at least 1 (capped at the parent's count)
     */
    public CoalescedNode(int id, String name, Node<T> parent, int partitions) {
        super(id, name);
        if (partitions < 1) {
            throw new IllegalArgumentException("coalesce needs at least 1 partition, got " + partitions);
        }
        this.parent = parent;
        int n = parent.numPartitions();
        int k = Math.max(1, Math.min(partitions, n));
        groups = new int[k][];
        for (int i = 0; i < k; i++) {
            int from = (int) ((long) i * n / k);
            int to = (int) ((long) (i + 1) * n / k);
            groups[i] = new int[to - from];
            for (int j = from; j < to; j++) {
                groups[i][j - from] = j;
            }
        }
        dependencies = List.of(new NarrowDependency.Grouped<>(parent, groups));
    }

    @Override
    public int numPartitions() {
        return groups.length;
    }

    @Override
    public List<Dependency<?>> dependencies() {
        return dependencies;
    }

    @Override
    protected Iterator<T> compute(int partition, TaskContext context) {
        return Iterators.concat(Arrays.stream(groups[partition])
                .mapToObj(p -> parent.iterator(p, context)).iterator());
    }
}
