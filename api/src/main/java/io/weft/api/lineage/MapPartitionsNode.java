package io.weft.api.lineage;

import io.weft.api.Partitioner;
import io.weft.api.SerializableBiFunction;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * A narrow step applied to each partition's iterator: map, filter, flatMap, mapPartitions and friends are all
 * this node with a different function, so consecutive steps pipeline inside one task.
 *
 * @param <T> input record type
 * @param <R> output record type
 */
public final class MapPartitionsNode<T, R> extends Node<R> {

    private static final long serialVersionUID = 1L;

    private final Node<T> parent;
    private final SerializableBiFunction<Integer, Iterator<T>, Iterator<R>> function;
    private final boolean preservesPartitioning;
    private final List<Dependency<?>> dependencies;

    /**
     * @param id node id
     * @param name operator and call site
     * @param parent the input
     * @param function given the partition index and the input iterator, returns the output iterator
     * @param preservesPartitioning whether keys stay where the parent's partitioner put them
     */
    public MapPartitionsNode(int id, String name, Node<T> parent,
            SerializableBiFunction<Integer, Iterator<T>, Iterator<R>> function, boolean preservesPartitioning) {
        super(id, name);
        this.parent = parent;
        this.function = function;
        this.preservesPartitioning = preservesPartitioning;
        this.dependencies = List.of(new NarrowDependency.OneToOne<>(parent));
    }

    @Override
    public int numPartitions() {
        return parent.numPartitions();
    }

    @Override
    public List<Dependency<?>> dependencies() {
        return dependencies;
    }

    @Override
    public Optional<Partitioner> partitioner() {
        return preservesPartitioning ? parent.partitioner() : Optional.empty();
    }

    @Override
    public List<String> preferredLocations(int partition) {
        return parent.preferredLocations(partition);
    }

    @Override
    protected Iterator<R> compute(int partition, TaskContext context) {
        return function.apply(partition, parent.iterator(partition, context));
    }
}
