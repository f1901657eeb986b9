package io.weft.api;

import io.weft.api.lineage.Aggregator;
import io.weft.api.lineage.CoGroupedNode;
import io.weft.api.lineage.Iterators;
import io.weft.api.lineage.Node;
import io.weft.api.lineage.ShuffleDependency;
import io.weft.api.lineage.ShuffledNode;
import io.weft.api.lineage.TaskContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A dataset of key-value pairs, with operators that group, combine, join and sort by key.
 *
 * <p>Key-based operators shuffle unless the input is already partitioned by an equal partitioner, in which case
 * they run within each partition. {@code reduceByKey}, {@code aggregateByKey} and {@code combineByKey} combine
 * on the map side before the shuffle; {@code groupByKey} does not.
 *
 * @param <K> key type
 * @param <V> value type
 */
public class PairDataset<K, V> extends PairDatasetJoins<K, V> implements PairHadoopOutput<K, V> {

    PairDataset(WeftSession session, Node<Pair<K, V>> node) {
        super(session, node);
    }

    /**
     * @param f an associative, commutative operator
     * @return one pair per key, its values combined, partitioned like the input when it has a partitioner,
     *     otherwise by hash into as many partitions as the input has
     */
    public PairDataset<K, V> reduceByKey(SerializableBinaryOperator<V> f) {
        return reduceByKey(f, defaultPartitioner());
    }

    /**
     * @param f an associative, commutative operator
     * @param numPartitions the number of output partitions
     * @return one pair per key, its values combined
     */
    public PairDataset<K, V> reduceByKey(SerializableBinaryOperator<V> f, int numPartitions) {
        return reduceByKey(f, new HashPartitioner(numPartitions));
    }

    /**
     * @param f an associative, commutative operator
     * @param partitioner the output partitioner
     * @return one pair per key, its values combined
     */
    public PairDataset<K, V> reduceByKey(SerializableBinaryOperator<V> f, Partitioner partitioner) {
        check("reduceByKey", f);
        return combine("reduceByKey", new Aggregator<V, V>(v -> v, f, f), partitioner, true);
    }

    /** @return one pair per key with all its values, as a list (no map-side combining) */
    public PairDataset<K, List<V>> groupByKey() {
        return groupByKey(defaultPartitioner());
    }

    /**
     * @param numPartitions the number of output partitions
     * @return one pair per key with all its values
     */
    public PairDataset<K, List<V>> groupByKey(int numPartitions) {
        return groupByKey(new HashPartitioner(numPartitions));
    }

    /**
     * @param partitioner the output partitioner
     * @return one pair per key with all its values
     */
    public PairDataset<K, List<V>> groupByKey(Partitioner partitioner) {
        Aggregator<V, ArrayList<V>> grouping = new Aggregator<>(
                v -> {
                    ArrayList<V> list = new ArrayList<>();
                    list.add(v);
                    return list;
                },
                (list, v) -> {
                    list.add(v);
                    return list;
                },
                (a, b) -> {
                    a.addAll(b);
                    return a;
                });
        PairDataset<K, ArrayList<V>> grouped = combine("groupByKey", grouping, partitioner, false);
        @SuppressWarnings({"unchecked", "rawtypes"})
        PairDataset<K, List<V>> result = (PairDataset) grouped;
        return result;
    }

    /**
     * Aggregates each key's values starting from a zero value: {@code seqOp} folds values into an accumulator
     * within a partition, {@code combOp} merges accumulators.
     *
     * @param zero the starting accumulator; each key gets its own copy, so it may be mutable
     * @param seqOp folds a value into an accumulator
     * @param combOp merges two accumulators
     * @param <U> accumulator type
     * @return one pair per key with its accumulator
     */
    public <U> PairDataset<K, U> aggregateByKey(U zero, SerializableBiFunction<U, V, U> seqOp,
            SerializableBinaryOperator<U> combOp) {
        check("aggregateByKey", seqOp);
        check("aggregateByKey", combOp);
        return combine("aggregateByKey", new Aggregator<V, U>(
                v -> seqOp.apply(TaskContext.current().copy(zero), v), seqOp, combOp), defaultPartitioner(), true);
    }

    /**
     * The general combining operator.
     *
     * @param createCombiner makes a combiner from a key's first value
     * @param mergeValue folds a value into a combiner
     * @param mergeCombiners merges two combiners
     * @param <C> combiner type
     * @return one pair per key with its combiner
     */
    public <C> PairDataset<K, C> combineByKey(SerializableFunction<V, C> createCombiner,
            SerializableBiFunction<C, V, C> mergeValue, SerializableBinaryOperator<C> mergeCombiners) {
        check("combineByKey", createCombiner);
        check("combineByKey", mergeValue);
        check("combineByKey", mergeCombiners);
        return combine("combineByKey", new Aggregator<>(createCombiner, mergeValue, mergeCombiners),
                defaultPartitioner(), true);
    }

    /**
     * @param f applied to each value; keys and partitioning are kept
     * @param <W> new value type
     * @return the pairs with new values
     */
    public <W> PairDataset<K, W> mapValues(SerializableFunction<V, W> f) {
        check("mapValues", f);
        return new PairDataset<>(session, narrow("mapValues",
                (i, it) -> Iterators.map(it, p -> new Pair<>(p.key(), f.apply(p.value()))), true));
    }

    /**
     * @param f gives each value's outputs; keys and partitioning are kept
     * @param <W> new value type
     * @return a pair per output, with the original key
     */
    public <W> PairDataset<K, W> flatMapValues(SerializableFunction<V, Iterator<W>> f) {
        check("flatMapValues", f);
        return new PairDataset<>(session, narrow("flatMapValues", (i, it) -> Iterators.flatMap(it,
                p -> Iterators.map(f.apply(p.value()), w -> new Pair<>(p.key(), w))), true));
    }

    /** @return the keys */
    public Dataset<K> keys() {
        return new Dataset<>(session, narrow("keys", (i, it) -> Iterators.map(it, Pair::key), false));
    }

    /** @return the values */
    public Dataset<V> values() {
        return new Dataset<>(session, narrow("values", (i, it) -> Iterators.map(it, Pair::value), false));
    }

    /**
     * Groups both datasets by key.
     *
     * @param other the other dataset
     * @param <W> its value type
     * @return for every key in either, the list of its values in each
     */
    public <W> PairDataset<K, Pair<List<V>, List<W>>> cogroup(PairDataset<K, W> other) {
        return cogroup(other, defaultPartitioner(other));
    }

    /**
     * @param other the other dataset
     * @param partitioner the output partitioner
     * @param <W> its value type
     * @return for every key in either, the list of its values in each
     */
    @SuppressWarnings("unchecked")
    public <W> PairDataset<K, Pair<List<V>, List<W>>> cogroup(PairDataset<K, W> other, Partitioner partitioner) {
        requireSameSession(other);
        List<Node<? extends Pair<K, ?>>> parents = List.of(node, other.node);
        int shuffles = CoGroupedNode.shufflesNeeded(parents, partitioner);
        int firstShuffle = shuffles == 0 ? -1 : session.engine().newShuffleIds(shuffles);
        CoGroupedNode<K> grouped = new CoGroupedNode<>(session.engine().newNodeId(), CallSites.of("cogroup"),
                parents, partitioner, firstShuffle);
        return new PairDataset<>(session, new io.weft.api.lineage.MapPartitionsNode<>(session.engine().newNodeId(),
                CallSites.of("cogroup"), grouped, (i, it) -> Iterators.map(it, p -> new Pair<>(p.key(),
                new Pair<>((List<V>) p.value().get(0), (List<W>) p.value().get(1)))), true));
    }

    /**
     * Inner join.
     *
     * @param other the other dataset
     * @param <W> its value type
     * @return a pair for every combination of a key's values in both
     */
    public <W> PairDataset<K, Pair<V, W>> join(PairDataset<K, W> other) {
        return join(other, defaultPartitioner(other));
    }

    /**
     * @param other the other dataset
     * @param numPartitions the number of output partitions
     * @param <W> its value type
     * @return a pair for every combination of a key's values in both
     */
    public <W> PairDataset<K, Pair<V, W>> join(PairDataset<K, W> other, int numPartitions) {
        return join(other, new HashPartitioner(numPartitions));
    }

    /**
     * @param other the other dataset
     * @param partitioner the output partitioner
     * @param <W> its value type
     * @return a pair for every combination of a key's values in both
     */
    public <W> PairDataset<K, Pair<V, W>> join(PairDataset<K, W> other, Partitioner partitioner) {
        requireSameSession(other);
        // A hash join: each task builds a table of the smaller side's partition and streams the other past it.
        List<Node<? extends Pair<K, ?>>> parents = List.of(node, other.node);
        int shuffles = CoGroupedNode.shufflesNeeded(parents, partitioner);
        int firstShuffle = shuffles == 0 ? -1 : session.engine().newShuffleIds(shuffles);
        return new PairDataset<>(session, new io.weft.api.lineage.HashJoinNode<>(session.engine().newNodeId(),
                CallSites.of("join"), node, other.node, partitioner, firstShuffle));
    }

    /**
     * @param other the other dataset
     * @param <W> its value type
     * @return every value of this dataset, with each matching value of the other or empty
     */
    public <W> PairDataset<K, Pair<V, Optional<W>>> leftOuterJoin(PairDataset<K, W> other) {
        return cogroup(other).flatMapValues(g -> product(g.key(), optionals(g.value(), true)));
    }

    /**
     * @param other the other dataset
     * @param <W> its value type
     * @return every value of the other dataset, with each matching value of this one or empty
     */
    public <W> PairDataset<K, Pair<Optional<V>, W>> rightOuterJoin(PairDataset<K, W> other) {
        return cogroup(other).flatMapValues(g -> product(optionals(g.key(), true), g.value()));
    }

    /**
     * @param other the other dataset
     * @param <W> its value type
     * @return every value of either, matched where the other side has values, else empty
     */
    public <W> PairDataset<K, Pair<Optional<V>, Optional<W>>> fullOuterJoin(PairDataset<K, W> other) {
        return cogroup(other).flatMapValues(g -> product(optionals(g.key(), true), optionals(g.value(), true)));
    }

    static <A, B> Iterator<Pair<A, B>> product(List<A> left, List<B> right) {
        List<Pair<A, B>> out = new ArrayList<>(left.size() * right.size());
        for (A a : left) {
            for (B b : right) {
                out.add(new Pair<>(a, b));
            }
        }
        return out.iterator();
    }

    /** The values as present optionals, or one empty optional when there are none (an outer join's filler). */
    static <A> List<Optional<A>> optionals(List<A> values, boolean emptyWhenNone) {
        if (values.isEmpty()) {
            return emptyWhenNone ? List.of(Optional.empty()) : List.of();
        }
        List<Optional<A>> out = new ArrayList<>(values.size());
        for (A a : values) {
            out.add(Optional.ofNullable(a));
        }
        return out;
    }

    /**
     * Sorts by the keys' natural order into as many partitions as this dataset has.
     *
     * @param ascending the direction
     * @return the pairs, globally sorted: every key of partition {@code i} precedes those of {@code i+1}
     */
    public PairDataset<K, V> sortByKey(boolean ascending) {
        return sortByKey(SerializableComparator.naturalOrder(), ascending, node.numPartitions());
    }

    /**
     * Sorts by key: samples the keys to choose range boundaries (one small job), then range-partitions and
     * sorts each partition. The sampling job runs when the sorted pairs are first needed, not here (Spark runs it
     * here); a {@link #take} (or {@link #first}) straight after the sort needs no sampling and no sort at all, and
     * keeps the smallest keys of each partition instead (up to a million records gathered on the driver; a larger
     * {@code take} reads the sort).
     *
     * @param ordering the key order
     * @param ascending the direction
     * @param numPartitions the number of output partitions (fewer when there are fewer distinct keys)
     * @return the pairs, globally sorted
     */
    public PairDataset<K, V> sortByKey(SerializableComparator<K> ordering, boolean ascending, int numPartitions) {
        check("sortByKey", ordering);
        requirePositive(numPartitions, "sortByKey");
        session.checkOpen();
        SerializableComparator<K> effective = ascending ? ordering
                : ordering == SerializableComparator.naturalOrder() ? SerializableComparator.reverseNaturalOrder()
                : (a, b) -> ordering.compare(b, a);
        // The sampling job is named for the line that sorted, not the one whose action needed the sort.
        String samplingSite = CallSites.of("sortByKey (sampling)");
        ShuffleDependency<K, V, V> dep = ShuffleDependency.deferred(node, session.engine().newShuffleIds(1),
                () -> new RangePartitioner<>(sampleBounds(ordering, numPartitions, samplingSite), ordering,
                        ascending), effective);
        return new PairDataset<>(session, new ShuffledNode<>(session.engine().newNodeId(), CallSites.of("sortByKey"),
                dep));
    }

    private List<K> sampleBounds(SerializableComparator<K> ordering, int numPartitions, String callSite) {
        if (numPartitions == 1 || node.numPartitions() == 0) {
            return List.of();
        }
        // Reservoir-sample each partition, weight each sampled key by its partition's size, then cut the
        // weighted keys into numPartitions ranges of equal weight.
        int perPartition = (int) Math.ceil(3.0 * Math.min(20.0 * numPartitions, 1e6) / node.numPartitions());
        List<KeyReservoir.Sample<K>> samples = session.engine().runJob(node,
                it -> KeyReservoir.sample(it, perPartition, TaskContext.current().partitionId()),
                null, callSite);
        List<Pair<K, Double>> weighted = new ArrayList<>();
        for (KeyReservoir.Sample<K> s : samples) {
            if (!s.keys().isEmpty()) {
                double w = (double) s.count() / s.keys().size();
                for (K k : s.keys()) {
                    weighted.add(new Pair<>(k, w));
                }
            }
        }
        return RangePartitioner.determineBounds(weighted, ordering, numPartitions);
    }

    /**
     * Places the pairs with a partitioner; no shuffle when already partitioned by an equal one.
     *
     * @param partitioner the partitioner
     * @return the pairs, partitioned
     */
    public PairDataset<K, V> partitionBy(Partitioner partitioner) {
        if (node.partitioner().filter(partitioner::equals).isPresent()) {
            return this;
        }
        return shuffle("partitionBy", partitioner, null, false, null);
    }

    /** @return each key's number of pairs, on the driver */
    public Map<K, Long> countByKey() {
        return mapValues(v -> 1L).reduceByKey(Long::sum).collectAsMap();
    }

    /** @return the pairs as a map on the driver; for a repeated key, one of its values */
    public Map<K, V> collectAsMap() {
        Map<K, V> out = new HashMap<>();
        for (Pair<K, V> p : collect()) {
            out.put(p.key(), p.value());
        }
        return out;
    }

    /** @return the partitioner of this dataset, if it is known */
    public Optional<Partitioner> partitioner() {
        return node.partitioner();
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    Partitioner defaultPartitioner(Dataset<?>... others) {
        Optional<Partitioner> existing = node.partitioner();
        int max = node.numPartitions();
        for (Dataset<?> other : others) {
            max = Math.max(max, other.numPartitions());
            if (existing.isEmpty()) {
                existing = other.node.partitioner();
            }
        }
        if (existing.isPresent() && existing.get().numPartitions() >= max) {
            return existing.get();
        }
        return new HashPartitioner(Math.max(1, max));
    }

    <C> PairDataset<K, C> combine(String operator, Aggregator<V, C> aggregator, Partitioner partitioner,
            boolean mapSideCombine) {
        if (node.partitioner().filter(partitioner::equals).isPresent()) {
            // Already partitioned alike: combine within each partition, no shuffle.
            return new PairDataset<>(session, narrow(operator, (i, it) -> TaskContext.current()
                    .<K, V, C>combineByKey(it, aggregator, false), true));
        }
        return shuffle(operator, partitioner, aggregator, mapSideCombine, null);
    }

    <C> PairDataset<K, C> shuffle(String operator, Partitioner partitioner, Aggregator<V, C> aggregator,
            boolean mapSideCombine, Comparator<? super K> ordering) {
        session.checkOpen();
        ShuffleDependency<K, V, C> dep = new ShuffleDependency<>(node, session.engine().newShuffleIds(1),
                partitioner, aggregator, mapSideCombine, ordering);
        return new PairDataset<>(session, new ShuffledNode<>(session.engine().newNodeId(), CallSites.of(operator),
                dep));
    }

}
