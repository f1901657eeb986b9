package io.weft.api;

import io.weft.api.lineage.CoGroupedNode;
import io.weft.api.lineage.Iterators;
import io.weft.api.lineage.MapPartitionsNode;
import io.weft.api.lineage.Node;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The grouping operators of {@link PairDataset} beyond the basic ones, as Spark's {@code JavaPairRDD}: three- and
 * four-way {@code cogroup}, outer joins with a chosen partitioning, and {@code subtractByKey}. All are built on
 * the n-way {@link CoGroupedNode}: inputs already partitioned by the output partitioner are read without a
 * shuffle. Null keys are allowed (hash partitioning puts them in partition 0).
 *
 * @param <K> key type
 * @param <V> value type
 */
public abstract class PairDatasetJoins<K, V> extends PairDatasetOps<K, V> {

    PairDatasetJoins(WeftSession session, Node<Pair<K, V>> node) {
        super(session, node);
    }

    @SuppressWarnings("unchecked")
    private PairDataset<K, V> self() {
        return (PairDataset<K, V>) this;
    }

    // ---- cogroup ---------------------------------------------------------------------------------------

    /**
     * @param other the other dataset
     * @param numPartitions the number of output partitions
     * @param <W> its value type
     * @return for every key in either, the list of its values in each
     */
    public <W> PairDataset<K, Pair<List<V>, List<W>>> cogroup(PairDataset<K, W> other, int numPartitions) {
        return self().cogroup(other, new HashPartitioner(numPartitions));
    }

    /**
     * @param other1 the second dataset
     * @param other2 the third dataset
     * @param <W1> its value type
     * @param <W2> its value type
     * @return for every key in any, the list of its values in each
     */
    public <W1, W2> PairDataset<K, Tuple3<List<V>, List<W1>, List<W2>>> cogroup(PairDataset<K, W1> other1,
            PairDataset<K, W2> other2) {
        return cogroup(other1, other2, self().defaultPartitioner(other1, other2));
    }

    /**
     * @param other1 the second dataset
     * @param other2 the third dataset
     * @param numPartitions the number of output partitions
     * @param <W1> its value type
     * @param <W2> its value type
     * @return for every key in any, the list of its values in each
     */
    public <W1, W2> PairDataset<K, Tuple3<List<V>, List<W1>, List<W2>>> cogroup(PairDataset<K, W1> other1,
            PairDataset<K, W2> other2, int numPartitions) {
        return cogroup(other1, other2, new HashPartitioner(numPartitions));
    }

    /**
     * @param other1 the second dataset
     * @param other2 the third dataset
     * @param partitioner the output partitioner
     * @param <W1> its value type
     * @param <W2> its value type
     * @return for every key in any, the list of its values in each
     */
    @SuppressWarnings("unchecked")
    public <W1, W2> PairDataset<K, Tuple3<List<V>, List<W1>, List<W2>>> cogroup(PairDataset<K, W1> other1,
            PairDataset<K, W2> other2, Partitioner partitioner) {
        return grouped(List.of(node, other1.node, other2.node), partitioner, g -> new Tuple3<>((List<V>) g.get(0),
                (List<W1>) g.get(1), (List<W2>) g.get(2)));
    }

    /**
     * @param other1 the second dataset
     * @param other2 the third dataset
     * @param other3 the fourth dataset
     * @param <W1> its value type
     * @param <W2> its value type
     * @param <W3> its value type
     * @return for every key in any, the list of its values in each
     */
    public <W1, W2, W3> PairDataset<K, Tuple4<List<V>, List<W1>, List<W2>, List<W3>>> cogroup(
            PairDataset<K, W1> other1, PairDataset<K, W2> other2, PairDataset<K, W3> other3) {
        return cogroup(other1, other2, other3, self().defaultPartitioner(other1, other2, other3));
    }

    /**
     * @param other1 the second dataset
     * @param other2 the third dataset
     * @param other3 the fourth dataset
     * @param numPartitions the number of output partitions
     * @param <W1> its value type
     * @param <W2> its value type
     * @param <W3> its value type
     * @return for every key in any, the list of its values in each
     */
    public <W1, W2, W3> PairDataset<K, Tuple4<List<V>, List<W1>, List<W2>, List<W3>>> cogroup(
            PairDataset<K, W1> other1, PairDataset<K, W2> other2, PairDataset<K, W3> other3, int numPartitions) {
        return cogroup(other1, other2, other3, new HashPartitioner(numPartitions));
    }

    /**
     * @param other1 the second dataset
     * @param other2 the third dataset
     * @param other3 the fourth dataset
     * @param partitioner the output partitioner
     * @param <W1> its value type
     * @param <W2> its value type
     * @param <W3> its value type
     * @return for every key in any, the list of its values in each
     */
    @SuppressWarnings("unchecked")
    public <W1, W2, W3> PairDataset<K, Tuple4<List<V>, List<W1>, List<W2>, List<W3>>> cogroup(
            PairDataset<K, W1> other1, PairDataset<K, W2> other2, PairDataset<K, W3> other3,
            Partitioner partitioner) {
        return grouped(List.of(node, other1.node, other2.node, other3.node), partitioner, g -> new Tuple4<>(
                (List<V>) g.get(0), (List<W1>) g.get(1), (List<W2>) g.get(2), (List<W3>) g.get(3)));
    }

    private <R> PairDataset<K, R> grouped(List<Node<? extends Pair<K, ?>>> parents, Partitioner partitioner,
            SerializableFunction<List<List<Object>>, R> shape) {
        session.checkOpen();
        int shuffles = CoGroupedNode.shufflesNeeded(parents, partitioner);
        int firstShuffle = shuffles == 0 ? -1 : session.engine().newShuffleIds(shuffles);
        CoGroupedNode<K> cogrouped = new CoGroupedNode<>(session.engine().newNodeId(), CallSites.of("cogroup"),
                parents, partitioner, firstShuffle);
        return new PairDataset<>(session, new MapPartitionsNode<>(session.engine().newNodeId(),
                CallSites.of("cogroup"), cogrouped, (i, it) -> Iterators.map(it,
                p -> new Pair<>(p.key(), shape.apply(p.value()))), true));
    }

    // ---- outer joins with a chosen partitioning --------------------------------------------------------

    /**
     * @param other the other dataset
     * @param numPartitions the number of output partitions
     * @param <W> its value type
     * @return every value of this dataset, with each matching value of the other or empty
     */
    public <W> PairDataset<K, Pair<V, Optional<W>>> leftOuterJoin(PairDataset<K, W> other, int numPartitions) {
        return leftOuterJoin(other, new HashPartitioner(numPartitions));
    }

    /**
     * @param other the other dataset
     * @param partitioner the output partitioner
     * @param <W> its value type
     * @return every value of this dataset, with each matching value of the other or empty
     */
    public <W> PairDataset<K, Pair<V, Optional<W>>> leftOuterJoin(PairDataset<K, W> other, Partitioner partitioner) {
        return self().cogroup(other, partitioner).flatMapValues(g -> PairDataset.product(g.key(),
                PairDataset.optionals(g.value(), true)));
    }

    /**
     * @param other the other dataset
     * @param numPartitions the number of output partitions
     * @param <W> its value type
     * @return every value of the other dataset, with each matching value of this one or empty
     */
    public <W> PairDataset<K, Pair<Optional<V>, W>> rightOuterJoin(PairDataset<K, W> other, int numPartitions) {
        return rightOuterJoin(other, new HashPartitioner(numPartitions));
    }

    /**
     * @param other the other dataset
     * @param partitioner the output partitioner
     * @param <W> its value type
     * @return every value of the other dataset, with each matching value of this one or empty
     */
    public <W> PairDataset<K, Pair<Optional<V>, W>> rightOuterJoin(PairDataset<K, W> other,
            Partitioner partitioner) {
        return self().cogroup(other, partitioner).flatMapValues(g -> PairDataset.product(
                PairDataset.optionals(g.key(), true), g.value()));
    }

    /**
     * @param other the other dataset
     * @param numPartitions the number of output partitions
     * @param <W> its value type
     * @return every value of either, matched where the other side has values, else empty
     */
    public <W> PairDataset<K, Pair<Optional<V>, Optional<W>>> fullOuterJoin(PairDataset<K, W> other,
            int numPartitions) {
        return fullOuterJoin(other, new HashPartitioner(numPartitions));
    }

    /**
     * @param other the other dataset
     * @param partitioner the output partitioner
     * @param <W> its value type
     * @return every value of either, matched where the other side has values, else empty
     */
    public <W> PairDataset<K, Pair<Optional<V>, Optional<W>>> fullOuterJoin(PairDataset<K, W> other,
            Partitioner partitioner) {
        return self().cogroup(other, partitioner).flatMapValues(g -> PairDataset.product(
                PairDataset.optionals(g.key(), true), PairDataset.optionals(g.value(), true)));
    }

    // ---- subtractByKey ---------------------------------------------------------------------------------

    /**
     * @param other the other dataset
     * @param <W> its value type
     * @return the pairs whose key is absent from the other (duplicates kept), partitioned as this dataset is
     *     or hash-partitioned into as many partitions as it has
     */
    public <W> PairDataset<K, V> subtractByKey(PairDataset<K, W> other) {
        return subtractByKey(other, node.partitioner().orElseGet(() -> new HashPartitioner(Math.max(1, numPartitions()))));
    }

    /**
     * @param other the other dataset
     * @param numPartitions the number of output partitions
     * @param <W> its value type
     * @return the pairs whose key is absent from the other
     */
    public <W> PairDataset<K, V> subtractByKey(PairDataset<K, W> other, int numPartitions) {
        return subtractByKey(other, new HashPartitioner(numPartitions));
    }

    /**
     * @param other the other dataset
     * @param partitioner the output partitioner
     * @param <W> its value type
     * @return the pairs whose key is absent from the other
     */
    public <W> PairDataset<K, V> subtractByKey(PairDataset<K, W> other, Partitioner partitioner) {
        return self().cogroup(other, partitioner).flatMapValues(g -> g.value().isEmpty() ? g.key().iterator()
                : Collections.emptyIterator());
    }
}
