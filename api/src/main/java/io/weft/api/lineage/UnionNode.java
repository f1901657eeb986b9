package io.weft.api.lineage;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The partitions of several nodes side by side: partition {@code i} is some parent's partition, unchanged.
 *
 * @param <T> record type
 */
public final class UnionNode<T> extends Node<T> {

    private static final long serialVersionUID = 1L;

    private final List<Dependency<?>> dependencies;
    private final int[] parentOf;
    private final int[] parentPartitionOf;
    private final ArrayList<Node<T>> parents;

    /**
     * @param id node id
     * @param name operator and call site
     * @param parents the inputs, in order
     */
    public UnionNode(int id, String name, List<Node<T>> parents) {
        super(id, name);
        this.parents = new ArrayList<>(parents);
        int total = parents.stream().mapToInt(Node::numPartitions).sum();
        parentOf = new int[total];
        parentPartitionOf = new int[total];
        List<Dependency<?>> deps = new ArrayList<>();
        int at = 0;
        for (int p = 0; p < parents.size(); p++) {
            Node<T> parent = parents.get(p);
            deps.add(new NarrowDependency.Range<>(parent, at, parent.numPartitions()));
            for (int i = 0; i < parent.numPartitions(); i++, at++) {
                parentOf[at] = p;
                parentPartitionOf[at] = i;
            }
        }
        this.dependencies = List.copyOf(deps);
    }

    @Override
    public int numPartitions() {
        return parentOf.length;
    }

    @Override
    public List<Dependency<?>> dependencies() {
        return dependencies;
    }

    @Override
    public List<String> preferredLocations(int partition) {
        return parents.get(parentOf[partition]).preferredLocations(parentPartitionOf[partition]);
    }

    @Override
    protected Iterator<T> compute(int partition, TaskContext context) {
        return parents.get(parentOf[partition]).iterator(parentPartitionOf[partition], context);
    }
}
