package io.weft.api.lineage;

import io.weft.api.Pair;
import io.weft.api.Partitioner;
import java.util.Comparator;

/**
 * A stage boundary: the parent's records are redistributed by key through a shuffle. The map side writes each
 * record (or, with {@link #mapSideCombine()}, each key's combiner) to the partition the partitioner chooses; the
 * reduce side reads its partition from every map output.
 *
 * @param <K> the key type
 * @param <V> the parent's value type
 * @param <C> the combiner type (equal to {@code V} without an aggregator)
 */
public final class ShuffleDependency<K, V, C> extends Dependency<Pair<K, V>> {

    private static final long serialVersionUID = 1L;

    /** Transient: the parent belongs to the map stage, not to the stage that reads this shuffle. */
    private final transient Node<Pair<K, V>> parent;
    private final int shuffleId;
    private final Partitioner partitioner;
    private final Aggregator<V, C> aggregator;
    private final boolean mapSideCombine;
    private final Comparator<? super K> keyOrdering;

    /**
     * @param parent the map-side node
     * @param shuffleId an id unique within the application
     * @param partitioner places keys in reduce partitions
     * @param aggregator combines values by key, or {@code null}
     * @param mapSideCombine whether map tasks already combine by key (requires an aggregator)
     * @param keyOrdering sorts each reduce partition by key, or {@code null}
     */
    public ShuffleDependency(Node<Pair<K, V>> parent, int shuffleId, Partitioner partitioner,
            Aggregator<V, C> aggregator, boolean mapSideCombine, Comparator<? super K> keyOrdering) {
        if (mapSideCombine && aggregator == null) {
            throw new IllegalArgumentException("map-side combine needs an aggregator");
        }
        this.parent = parent;
        this.shuffleId = shuffleId;
        this.partitioner = partitioner;
        this.aggregator = aggregator;
        this.mapSideCombine = mapSideCombine;
        this.keyOrdering = keyOrdering;
    }

    @Override
    public Node<Pair<K, V>> parent() {
        return parent;
    }

    /** @return the shuffle's id */
    public int shuffleId() {
        return shuffleId;
    }

    /** @return the reduce-side partitioner */
    public Partitioner partitioner() {
        return partitioner;
    }

    /** @return the aggregator, or {@code null} */
    public Aggregator<V, C> aggregator() {
        return aggregator;
    }

    /** @return whether map tasks write combiners rather than values */
    public boolean mapSideCombine() {
        return mapSideCombine;
    }

    /** @return the order of keys within a reduce partition, or {@code null} for no order */
    public Comparator<? super K> keyOrdering() {
        return keyOrdering;
    }
}
