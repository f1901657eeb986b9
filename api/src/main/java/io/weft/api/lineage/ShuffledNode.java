package io.weft.api.lineage;

import io.weft.api.Pair;
import io.weft.api.Partitioner;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * The reduce side of a shuffle: reads its partition from every map output, then combines by key (when the
 * dependency has an aggregator) and sorts by key (when it has an ordering).
 *
 * @param <K> key type
 * @param <V> the map side's value type
 * @param <C> output value type (the combiner type, or {@code V} without an aggregator)
 */
public final class ShuffledNode<K, V, C> extends Node<Pair<K, C>> {

    private static final long serialVersionUID = 1L;

    private final ShuffleDependency<K, V, C> dependency;
    private final List<Dependency<?>> dependencies;

    /**
     * @param id node id
     * @param name operator and call site
     * @param dependency the shuffle
     */
    public ShuffledNode(int id, String name, ShuffleDependency<K, V, C> dependency) {
        super(id, name);
        this.dependency = dependency;
        this.dependencies = List.of(dependency);
    }

    /** @return the shuffle this node reads */
    public ShuffleDependency<K, V, C> dependency() {
        return dependency;
    }

    @Override
    public int numPartitions() {
        return dependency.partitioner().numPartitions();
    }

    @Override
    public List<Dependency<?>> dependencies() {
        return dependencies;
    }

    @Override
    public Optional<Partitioner> partitioner() {
        return Optional.of(dependency.partitioner());
    }

    @Override
    @SuppressWarnings("unchecked")
    protected Iterator<Pair<K, C>> compute(int partition, TaskContext context) {
        Iterator<Pair<K, Object>> raw = context.readShuffle(dependency, partition);
        Iterator<Pair<K, C>> out;
        if (dependency.aggregator() != null) {
            out = context.combineByKey(raw, dependency.aggregator(), dependency.mapSideCombine());
        } else {
            out = (Iterator<Pair<K, C>>) (Iterator<?>) raw;
        }
        if (dependency.keyOrdering() != null) {
            out = context.sortByKey(out, dependency.keyOrdering());
        }
        return out;
    }
}
