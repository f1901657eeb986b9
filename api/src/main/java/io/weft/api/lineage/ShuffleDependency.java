package io.weft.api.lineage;

import io.weft.api.Pair;
import io.weft.api.Partitioner;
import java.util.Comparator;
import java.util.Objects;
import java.util.function.Supplier;

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
    /** Set at construction, or on the driver by {@link #partitioner()} from {@link #deferredPartitioner}. */
    private volatile Partitioner partitioner;
    /**
     * Chooses the partitioner on first use, on the driver (say, {@code sortByKey}'s sampling job); never
     * serialized, so the partitioner must be chosen before the lineage leaves the driver for a job
     * ({@link DeferredPartitioners#chooseAll}). {@code null} once chosen.
     */
    private transient Deferred deferredPartitioner;
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
        this(parent, shuffleId, Objects.requireNonNull(partitioner, "partitioner"), null, aggregator,
                mapSideCombine, keyOrdering);
    }

    private ShuffleDependency(Node<Pair<K, V>> parent, int shuffleId, Partitioner partitioner,
            Supplier<? extends Partitioner> deferredPartitioner, Aggregator<V, C> aggregator,
            boolean mapSideCombine, Comparator<? super K> keyOrdering) {
        if (mapSideCombine && aggregator == null) {
            throw new IllegalArgumentException("map-side combine needs an aggregator");
        }
        this.parent = parent;
        this.shuffleId = shuffleId;
        this.partitioner = partitioner;
        this.deferredPartitioner = deferredPartitioner == null ? null : new Deferred(deferredPartitioner);
        this.aggregator = aggregator;
        this.mapSideCombine = mapSideCombine;
        this.keyOrdering = keyOrdering;
    }

    /**
     * A shuffle whose partitioner is chosen only when first needed, on the driver: {@code sortByKey} samples the
     * keys for its range bounds then, not when the dataset is made, and a {@code take} that can be answered
     * without the shuffle never samples at all.
     *
     * @param parent the map-side node
     * @param shuffleId an id unique within the application
     * @param partitioner chooses the partitioner; called at most once, on the thread that first needs it
     * @param keyOrdering sorts each reduce partition by key, or {@code null}
     * @param <K> the key type
     * @param <V> the value type
     * @return the dependency, without an aggregator
     */
    public static <K, V> ShuffleDependency<K, V, V> deferred(Node<Pair<K, V>> parent, int shuffleId,
            Supplier<? extends Partitioner> partitioner, Comparator<? super K> keyOrdering) {
        return new ShuffleDependency<>(parent, shuffleId, null, Objects.requireNonNull(partitioner, "partitioner"),
                null, false, keyOrdering);
    }

    @Override
    public Node<Pair<K, V>> parent() {
        return parent;
    }

    /** @return the shuffle's id */
    public int shuffleId() {
        return shuffleId;
    }

    /**
     * The reduce-side partitioner. For a {@linkplain #deferred deferred} one, the first call chooses it on the
     * calling thread (which may run a job, so never call it first on the scheduler's thread); concurrent first
     * callers wait for the one that chooses.
     *
     * @return the reduce-side partitioner
     * @throws IllegalStateException when a deferred partitioner reached an executor unchosen (a driver bug)
     */
    public Partitioner partitioner() {
        Partitioner chosen = partitioner;
        return chosen != null ? chosen : choose();
    }

    private synchronized Partitioner choose() {
        if (partitioner == null) {
            if (deferredPartitioner == null || deferredPartitioner.choice == null) {
                throw new IllegalStateException("Shuffle " + shuffleId + "'s partitioner was not chosen on the"
                        + " driver before its lineage was sent; this is a bug in Weft, please report it");
            }
            partitioner = Objects.requireNonNull(deferredPartitioner.choice.get(), "deferred partitioner");
            deferredPartitioner = null;
        }
        return partitioner;
    }

    /** @return whether the partitioner is known yet (always, unless {@linkplain #deferred deferred}) */
    public boolean partitionerChosen() {
        return partitioner != null;
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

    /**
     * Holds the choice apart from the dependency's own fields: a long-running session's wire sends a lineage's
     * transient fields too (the parents), and this holder's own transient field keeps the choice, a closure over
     * the program's dataset, from being sent with it.
     */
    private static final class Deferred {
        private final transient Supplier<? extends Partitioner> choice;

        Deferred(Supplier<? extends Partitioner> choice) {
            this.choice = choice;
        }
    }
}
