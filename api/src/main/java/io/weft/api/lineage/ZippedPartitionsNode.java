package io.weft.api.lineage;

import io.weft.api.Partitioner;
import io.weft.api.SerializableBiFunction;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Partition {@code i} is computed from partition {@code i} of every parent, in the same task: {@code zip},
 * {@code zipPartitions} and the partitioner-aware union are this node with a different function.
 *
 * @param <R> output record type
 */
public final class ZippedPartitionsNode<R> extends Node<R> {

    private static final long serialVersionUID = 1L;

    private final ArrayList<Node<?>> parents;
    private final SerializableBiFunction<Integer, List<Iterator<?>>, Iterator<R>> function;
    private final Partitioner partitioner;
    private final List<Dependency<?>> dependencies;

    /**
     * @param id node id
     * @param name operator and call site
     * @param parents the inputs, all with the same number of partitions
     * @param function given the partition index and one iterator per parent (in order), returns the output
     * @param partitioner the output's partitioner, or {@code null} when unknown
     * @throws IllegalArgumentException when the parents' partition counts differ
     */
    public ZippedPartitionsNode(int id, String name, List<? extends Node<?>> parents,
            SerializableBiFunction<Integer, List<Iterator<?>>, Iterator<R>> function, Partitioner partitioner) {
        super(id, name);
        int n = parents.get(0).numPartitions();
        for (Node<?> parent : parents) {
            if (parent.numPartitions() != n) {
                throw new IllegalArgumentException(name + ": the datasets must have the same number of partitions,"
                        + " got " + parents.stream().map(p -> String.valueOf(p.numPartitions())).toList()
                        + "; repartition one of them first (zip also needs equal counts per partition)");
            }
        }
        this.parents = new ArrayList<>(parents);
        this.function = function;
        this.partitioner = partitioner;
        List<Dependency<?>> deps = new ArrayList<>();
        for (Node<?> parent : parents) {
            deps.add(new NarrowDependency.OneToOne<>(parent));
        }
        this.dependencies = List.copyOf(deps);
    }

    @Override
    public int numPartitions() {
        return parents.get(0).numPartitions();
    }

    @Override
    public List<Dependency<?>> dependencies() {
        return dependencies;
    }

    @Override
    public Optional<Partitioner> partitioner() {
        return Optional.ofNullable(partitioner);
    }

    @Override
    public List<String> preferredLocations(int partition) {
        return parents.get(0).preferredLocations(partition);
    }

    @Override
    protected Iterator<R> compute(int partition, TaskContext context) {
        List<Iterator<?>> inputs = new ArrayList<>(parents.size());
        for (Node<?> parent : parents) {
            inputs.add(parent.iterator(partition, context));
        }
        return function.apply(partition, inputs);
    }
}
