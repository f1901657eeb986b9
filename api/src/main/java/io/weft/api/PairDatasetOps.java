package io.weft.api;

import io.weft.api.lineage.Aggregator;
import io.weft.api.lineage.Iterators;
import io.weft.api.lineage.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Operators of {@link PairDataset} beyond the basic ones, as Spark's {@code JavaPairRDD}: the {@link Dataset}
 * transformations that keep a pair dataset a pair dataset, sorting overloads, folding and combining with a chosen
 * partitioning, and {@code lookup}.
 *
 * <p>Partitioners are kept where Spark keeps them: {@code filter}, {@code sample}, {@code cache} and
 * {@code persist} keep it; {@code union} keeps it when every input has the same one; {@code distinct},
 * {@code repartition}, {@code coalesce}, {@code intersection} and {@code subtract} drop it.
 *
 * @param <K> key type
 * @param <V> value type
 */
public abstract class PairDatasetOps<K, V> extends Dataset<Pair<K, V>> {

    PairDatasetOps(WeftSession session, Node<Pair<K, V>> node) {
        super(session, node);
    }

    @SuppressWarnings("unchecked")
    private PairDataset<K, V> self() {
        return (PairDataset<K, V>) this;
    }

    private PairDataset<K, V> wrap(Dataset<Pair<K, V>> ds) {
        return ds instanceof PairDataset<K, V> p ? p : new PairDataset<>(session, ds.node);
    }

    // ---- pair datasets stay pair datasets --------------------------------------------------------------

    @Override
    public PairDataset<K, V> filter(SerializablePredicate<Pair<K, V>> keep) {
        return wrap(super.filter(keep));
    }

    @Override
    public PairDataset<K, V> union(Dataset<Pair<K, V>> other) {
        return wrap(super.union(other));
    }

    @Override
    public PairDataset<K, V> distinct() {
        return wrap(super.distinct());
    }

    @Override
    public PairDataset<K, V> distinct(int numPartitions) {
        return wrap(super.distinct(numPartitions));
    }

    @Override
    public PairDataset<K, V> sample(boolean withReplacement, double fraction, long seed) {
        return wrap(super.sample(withReplacement, fraction, seed));
    }

    @Override
    public PairDataset<K, V> sample(boolean withReplacement, double fraction) {
        return wrap(super.sample(withReplacement, fraction));
    }

    @Override
    public PairDataset<K, V> cache() {
        return wrap(super.cache());
    }

    @Override
    public PairDataset<K, V> persist(StorageLevel level) {
        return wrap(super.persist(level));
    }

    @Override
    public PairDataset<K, V> repartition(int numPartitions) {
        return wrap(super.repartition(numPartitions));
    }

    @Override
    public PairDataset<K, V> coalesce(int numPartitions) {
        return wrap(super.coalesce(numPartitions));
    }

    @Override
    public PairDataset<K, V> coalesce(int numPartitions, boolean shuffle) {
        return wrap(super.coalesce(numPartitions, shuffle));
    }

    @Override
    public PairDataset<K, V> intersection(Dataset<Pair<K, V>> other) {
        return wrap(super.intersection(other));
    }

    @Override
    public PairDataset<K, V> intersection(Dataset<Pair<K, V>> other, int numPartitions) {
        return wrap(super.intersection(other, numPartitions));
    }

    @Override
    public PairDataset<K, V> subtract(Dataset<Pair<K, V>> other) {
        return wrap(super.subtract(other));
    }

    @Override
    public PairDataset<K, V> subtract(Dataset<Pair<K, V>> other, int numPartitions) {
        return wrap(super.subtract(other, numPartitions));
    }

    @Override
    public PairDataset<K, V> subtract(Dataset<Pair<K, V>> other, Partitioner partitioner) {
        return wrap(super.subtract(other, partitioner));
    }

    // ---- sorting ---------------------------------------------------------------------------------------

    /** @return the pairs sorted by the keys' natural order, ascending, in as many partitions as now */
    public PairDataset<K, V> sortByKey() {
        return self().sortByKey(true);
    }

    /**
     * @param ascending the direction
     * @param numPartitions the number of output partitions
     * @return the pairs sorted by the keys' natural order
     */
    public PairDataset<K, V> sortByKey(boolean ascending, int numPartitions) {
        return self().sortByKey(SerializableComparator.naturalOrder(), ascending, numPartitions);
    }

    /**
     * @param ordering the key order
     * @return the pairs sorted by it, ascending, in as many partitions as now
     */
    public PairDataset<K, V> sortByKey(SerializableComparator<K> ordering) {
        return sortByKey(ordering, true);
    }

    /**
     * @param ordering the key order
     * @param ascending the direction
     * @return the pairs sorted by it, in as many partitions as now
     */
    public PairDataset<K, V> sortByKey(SerializableComparator<K> ordering, boolean ascending) {
        return self().sortByKey(ordering, ascending, numPartitions());
    }

    /**
     * One shuffle that places the pairs with a partitioner and sorts each partition by the keys' natural order
     * (cheaper than {@code partitionBy} then a sort).
     *
     * @param partitioner places the keys
     * @return the pairs, partitioned, each partition sorted by key
     */
    public PairDataset<K, V> repartitionAndSortWithinPartitions(Partitioner partitioner) {
        return repartitionAndSortWithinPartitions(partitioner, SerializableComparator.naturalOrder());
    }

    /**
     * @param partitioner places the keys
     * @param ordering the order within a partition
     * @return the pairs, partitioned, each partition sorted by key
     */
    public PairDataset<K, V> repartitionAndSortWithinPartitions(Partitioner partitioner,
            SerializableComparator<K> ordering) {
        check("repartitionAndSortWithinPartitions", ordering);
        return self().shuffle("repartitionAndSortWithinPartitions", Objects.requireNonNull(partitioner,
                "repartitionAndSortWithinPartitions: the partitioner is null"), null, false, ordering);
    }

    // ---- folding and combining -------------------------------------------------------------------------

    /**
     * @param zero the identity of {@code f}; each key's fold starts from its own copy
     * @param f an associative operator
     * @return one pair per key with its values folded
     */
    public PairDataset<K, V> foldByKey(V zero, SerializableBinaryOperator<V> f) {
        return foldByKey(zero, self().defaultPartitioner(), f);
    }

    /**
     * @param zero the identity of {@code f}
     * @param numPartitions the number of output partitions
     * @param f an associative operator
     * @return one pair per key with its values folded
     */
    public PairDataset<K, V> foldByKey(V zero, int numPartitions, SerializableBinaryOperator<V> f) {
        return foldByKey(zero, new HashPartitioner(numPartitions), f);
    }

    /**
     * @param zero the identity of {@code f}
     * @param partitioner the output partitioner
     * @param f an associative operator
     * @return one pair per key with its values folded (map-side combined)
     */
    public PairDataset<K, V> foldByKey(V zero, Partitioner partitioner, SerializableBinaryOperator<V> f) {
        check("foldByKey", f);
        return self().combine("foldByKey", new Aggregator<V, V>(v -> f.apply(copyInTask(zero), v), f, f),
                partitioner, true);
    }

    /**
     * @param zero the starting accumulator; each key gets its own copy
     * @param numPartitions the number of output partitions
     * @param seqOp folds a value into an accumulator
     * @param combOp merges two accumulators
     * @param <U> accumulator type
     * @return one pair per key with its accumulator
     */
    public <U> PairDataset<K, U> aggregateByKey(U zero, int numPartitions, SerializableBiFunction<U, V, U> seqOp,
            SerializableBinaryOperator<U> combOp) {
        return aggregateByKey(zero, new HashPartitioner(numPartitions), seqOp, combOp);
    }

    /**
     * @param zero the starting accumulator; each key gets its own copy
     * @param partitioner the output partitioner
     * @param seqOp folds a value into an accumulator
     * @param combOp merges two accumulators
     * @param <U> accumulator type
     * @return one pair per key with its accumulator
     */
    public <U> PairDataset<K, U> aggregateByKey(U zero, Partitioner partitioner,
            SerializableBiFunction<U, V, U> seqOp, SerializableBinaryOperator<U> combOp) {
        check("aggregateByKey", seqOp);
        check("aggregateByKey", combOp);
        return self().combine("aggregateByKey", new Aggregator<V, U>(v -> seqOp.apply(copyInTask(zero), v), seqOp,
                combOp), partitioner, true);
    }

    /**
     * @param createCombiner makes a combiner from a key's first value
     * @param mergeValue folds a value into a combiner
     * @param mergeCombiners merges two combiners
     * @param numPartitions the number of output partitions
     * @param <C> combiner type
     * @return one pair per key with its combiner
     */
    public <C> PairDataset<K, C> combineByKey(SerializableFunction<V, C> createCombiner,
            SerializableBiFunction<C, V, C> mergeValue, SerializableBinaryOperator<C> mergeCombiners,
            int numPartitions) {
        return combineByKey(createCombiner, mergeValue, mergeCombiners, new HashPartitioner(numPartitions));
    }

    /**
     * @param createCombiner makes a combiner from a key's first value
     * @param mergeValue folds a value into a combiner
     * @param mergeCombiners merges two combiners
     * @param partitioner the output partitioner
     * @param <C> combiner type
     * @return one pair per key with its combiner
     */
    public <C> PairDataset<K, C> combineByKey(SerializableFunction<V, C> createCombiner,
            SerializableBiFunction<C, V, C> mergeValue, SerializableBinaryOperator<C> mergeCombiners,
            Partitioner partitioner) {
        return combineByKey(createCombiner, mergeValue, mergeCombiners, partitioner, true);
    }

    /**
     * @param createCombiner makes a combiner from a key's first value
     * @param mergeValue folds a value into a combiner
     * @param mergeCombiners merges two combiners
     * @param partitioner the output partitioner
     * @param mapSideCombine whether map tasks combine before the shuffle
     * @param <C> combiner type
     * @return one pair per key with its combiner
     */
    public <C> PairDataset<K, C> combineByKey(SerializableFunction<V, C> createCombiner,
            SerializableBiFunction<C, V, C> mergeValue, SerializableBinaryOperator<C> mergeCombiners,
            Partitioner partitioner, boolean mapSideCombine) {
        check("combineByKey", createCombiner);
        check("combineByKey", mergeValue);
        check("combineByKey", mergeCombiners);
        return self().combine("combineByKey", new Aggregator<>(createCombiner, mergeValue, mergeCombiners),
                partitioner, mapSideCombine);
    }

    // ---- lookup ----------------------------------------------------------------------------------------

    /**
     * A key's values on the driver. With a known partitioner only the key's partition is computed (one task),
     * otherwise every partition is searched.
     *
     * @param key the key (null allowed)
     * @return its values, in partition order
     */
    public List<V> lookup(K key) {
        Optional<Partitioner> partitioner = node.partitioner();
        if (partitioner.isPresent()) {
            int partition = partitioner.get().getPartition(key);
            List<ArrayList<V>> found = session.engine().runJob(node, it -> Iterators.toList(Iterators.map(
                    Iterators.filter(it, p -> Objects.equals(p.key(), key)), Pair::value)),
                    new int[] {partition}, CallSites.of("lookup"));
            return found.get(0);
        }
        return filter(p -> Objects.equals(p.key(), key)).values().collect();
    }
}
