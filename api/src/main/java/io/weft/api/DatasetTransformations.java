package io.weft.api;

import io.weft.api.lineage.CartesianNode;
import io.weft.api.lineage.Iterators;
import io.weft.api.lineage.ZippedPartitionsNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The transformations every {@link Dataset} has beyond the basic ones, as Spark's {@code JavaRDD}: indexed and
 * zipped partitions, set operations, key extraction, external processes, splits. They run nothing when called,
 * except {@link #zipWithIndex()} (one job to count partitions, as in Spark); functions are checked for
 * serializability at once.
 *
 * @param <T> record type
 */
public abstract class DatasetTransformations<T> extends DatasetActions<T> {

    DatasetTransformations() {
    }

    @SuppressWarnings("unchecked")
    private Dataset<T> self() {
        return (Dataset<T>) this;
    }

    // ---- per-partition ---------------------------------------------------------------------------------

    /**
     * @param f given the partition index and its records, returns the partition's output
     * @param preservesPartitioning whether {@code f} keeps pair records' keys where they were (then the
     *     partitioner is kept)
     * @param <R> result type
     * @return the outputs
     */
    public <R> Dataset<R> mapPartitionsWithIndex(SerializableBiFunction<Integer, Iterator<T>, Iterator<R>> f,
            boolean preservesPartitioning) {
        self().check("mapPartitionsWithIndex", f);
        return new Dataset<>(self().session, self().narrow("mapPartitionsWithIndex", f, preservesPartitioning));
    }

    /**
     * @param f given the partition index and its records, returns the partition's output
     * @param <R> result type
     * @return the outputs
     */
    public <R> Dataset<R> mapPartitionsWithIndex(SerializableBiFunction<Integer, Iterator<T>, Iterator<R>> f) {
        return mapPartitionsWithIndex(f, false);
    }

    /**
     * @param f given a partition's records, returns its pairs
     * @param <K> key type
     * @param <V> value type
     * @return the pairs
     */
    public <K, V> PairDataset<K, V> mapPartitionsToPair(SerializableFunction<Iterator<T>, Iterator<Pair<K, V>>> f) {
        self().check("mapPartitionsToPair", f);
        return new PairDataset<>(self().session, self().narrow("mapPartitionsToPair", (i, it) -> f.apply(it), false));
    }

    /**
     * @param f gives each record's pairs
     * @param <K> key type
     * @param <V> value type
     * @return all pairs, flattened
     */
    public <K, V> PairDataset<K, V> flatMapToPair(SerializableFunction<T, Iterator<Pair<K, V>>> f) {
        self().check("flatMapToPair", f);
        return new PairDataset<>(self().session, self().narrow("flatMapToPair",
                (i, it) -> Iterators.flatMap(it, f), false));
    }

    /**
     * @param f makes a number of each record
     * @return the numbers, as a dataset with statistics
     */
    public DoubleDataset mapToDouble(SerializableDoubleFunction<T> f) {
        self().check("mapToDouble", f);
        return new DoubleDataset(self().session, self().narrow("mapToDouble",
                (i, it) -> Iterators.map(it, x -> (Double) f.applyAsDouble(x)), false));
    }

    /**
     * @param f gives each record's numbers
     * @return all numbers, flattened
     */
    public DoubleDataset flatMapToDouble(SerializableFunction<T, Iterator<Double>> f) {
        self().check("flatMapToDouble", f);
        return new DoubleDataset(self().session, self().narrow("flatMapToDouble",
                (i, it) -> Iterators.flatMap(it, f), false));
    }

    /** @return one list per partition with its records, empty partitions included */
    public Dataset<List<T>> glom() {
        return new Dataset<>(self().session, self().narrow("glom",
                (i, it) -> List.<List<T>>of(Iterators.toList(it)).iterator(), false));
    }

    // ---- keys ------------------------------------------------------------------------------------------

    /**
     * @param f computes each record's key
     * @param <K> key type
     * @return pairs of key and record
     */
    public <K> PairDataset<K, T> keyBy(SerializableFunction<T, K> f) {
        self().check("keyBy", f);
        return self().mapToPair(x -> new Pair<>(f.apply(x), x));
    }

    /**
     * @param f computes each record's key (null allowed)
     * @param <K> key type
     * @return one pair per key with its records, hash-partitioned into as many partitions as this dataset has
     */
    public <K> PairDataset<K, List<T>> groupBy(SerializableFunction<T, K> f) {
        return keyBy(f).groupByKey();
    }

    /**
     * @param f computes each record's key
     * @param numPartitions the number of output partitions
     * @param <K> key type
     * @return one pair per key with its records
     */
    public <K> PairDataset<K, List<T>> groupBy(SerializableFunction<T, K> f, int numPartitions) {
        return keyBy(f).groupByKey(numPartitions);
    }

    /**
     * @param f computes each record's sort key, which must be {@link Comparable}
     * @param ascending the direction
     * @param numPartitions the number of output partitions
     * @param <K> key type
     * @return the records, globally sorted by key
     */
    public <K> Dataset<T> sortBy(SerializableFunction<T, K> f, boolean ascending, int numPartitions) {
        return keyBy(f).sortByKey(SerializableComparator.naturalOrder(), ascending, numPartitions).values();
    }

    // ---- zips ------------------------------------------------------------------------------------------

    /**
     * Numbers the records 0, 1, 2, ... in partition order. Runs one job at once to count the records of every
     * partition but the last, as Spark does.
     *
     * @return pairs of record and index
     */
    public PairDataset<T, Long> zipWithIndex() {
        int n = self().numPartitions();
        long[] starts = new long[n];
        if (n > 1) {
            int[] counted = new int[n - 1];
            for (int i = 0; i < counted.length; i++) {
                counted[i] = i;
            }
            List<Long> counts = self().session.engine().runJob(self().node, Iterators::count, counted,
                    CallSites.of("zipWithIndex"));
            for (int i = 1; i < n; i++) {
                starts[i] = starts[i - 1] + counts.get(i - 1);
            }
        }
        return new PairDataset<>(self().session, self().narrow("zipWithIndex", (index, it) -> {
            long[] next = {starts[index]};
            return Iterators.map(it, x -> new Pair<>(x, next[0]++));
        }, false));
    }

    /**
     * Unique ids without a job: the {@code i}-th record of partition {@code k} gets {@code i * n + k}, where
     * {@code n} is the number of partitions (ids have gaps, as in Spark).
     *
     * @return pairs of record and id
     */
    public PairDataset<T, Long> zipWithUniqueId() {
        long n = self().numPartitions();
        return new PairDataset<>(self().session, self().narrow("zipWithUniqueId", (index, it) -> {
            long[] i = {0};
            return Iterators.map(it, x -> new Pair<>(x, i[0]++ * n + index));
        }, false));
    }

    /**
     * Pairs the {@code i}-th record of each partition with the {@code i}-th record of the other's.
     *
     * @param other a dataset with the same number of partitions and of records in each
     * @param <U> its record type
     * @return the pairs
     * @throws IllegalArgumentException (at once) when the partition counts differ; a partition with a different
     *     record count fails its task
     */
    public <U> PairDataset<T, U> zip(Dataset<U> other) {
        Dataset<Pair<T, U>> zipped = zipPartitions(other, DatasetTransformations::zipIterators);
        return new PairDataset<>(self().session, zipped.node);
    }

    private static <A, B> Iterator<Pair<A, B>> zipIterators(Iterator<A> a, Iterator<B> b) {
        return new Iterator<Pair<A, B>>() {
            @Override
            public boolean hasNext() {
                if (a.hasNext() != b.hasNext()) {
                    throw new IllegalStateException("zip: the datasets have different numbers of records in a"
                            + " partition; zip only datasets derived from one another by map-like steps, or use"
                            + " zipWithIndex and join");
                }
                return a.hasNext();
            }

            @Override
            public Pair<A, B> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return new Pair<>(a.next(), b.next());
            }
        };
    }

    /**
     * @param other a dataset with the same number of partitions
     * @param f given partition {@code i} of both, returns output partition {@code i}
     * @param <U> the other's record type
     * @param <R> result type
     * @return the outputs
     * @throws IllegalArgumentException when the partition counts differ
     */
    @SuppressWarnings("unchecked")
    public <U, R> Dataset<R> zipPartitions(Dataset<U> other,
            SerializableBiFunction<Iterator<T>, Iterator<U>, Iterator<R>> f) {
        self().check("zipPartitions", f);
        self().requireSameSession(other);
        self().session.checkOpen();
        return new Dataset<>(self().session, new ZippedPartitionsNode<R>(self().session.engine().newNodeId(),
                CallSites.of("zipPartitions"), List.of(self().node, other.node),
                (i, its) -> f.apply((Iterator<T>) its.get(0), (Iterator<U>) its.get(1)), null));
    }

    /**
     * @param other another dataset
     * @param <U> its record type
     * @return every pair of a record of this and one of the other; partition {@code i * m + j} pairs this
     *     dataset's partition {@code i} with the other's {@code j} ({@code m} partitions)
     */
    public <U> PairDataset<T, U> cartesian(Dataset<U> other) {
        self().requireSameSession(other);
        self().session.checkOpen();
        return new PairDataset<>(self().session, new CartesianNode<>(self().session.engine().newNodeId(),
                CallSites.of("cartesian"), self().node, other.node));
    }

    // ---- set operations --------------------------------------------------------------------------------

    /**
     * @param other another dataset
     * @return the records present in both, each once, in as many partitions as the larger input has
     */
    public Dataset<T> intersection(Dataset<T> other) {
        return intersection(other, Math.max(1, Math.max(self().numPartitions(), other.numPartitions())));
    }

    /**
     * @param other another dataset
     * @param numPartitions the number of output partitions
     * @return the records present in both, each once
     */
    public Dataset<T> intersection(Dataset<T> other, int numPartitions) {
        return asKeys(self()).cogroup(asKeys(other), new HashPartitioner(numPartitions))
                .filter(g -> !g.value().key().isEmpty() && !g.value().value().isEmpty()).keys();
    }

    /**
     * @param other another dataset
     * @return this dataset's records absent from the other, duplicates kept, hash-partitioned into as many
     *     partitions as this dataset has
     */
    public Dataset<T> subtract(Dataset<T> other) {
        return subtract(other, new HashPartitioner(Math.max(1, self().numPartitions())));
    }

    /**
     * @param other another dataset
     * @param numPartitions the number of output partitions
     * @return this dataset's records absent from the other, duplicates kept
     */
    public Dataset<T> subtract(Dataset<T> other, int numPartitions) {
        return subtract(other, new HashPartitioner(numPartitions));
    }

    /**
     * @param other another dataset
     * @param partitioner places the output records
     * @return this dataset's records absent from the other, duplicates kept
     */
    public Dataset<T> subtract(Dataset<T> other, Partitioner partitioner) {
        return asKeys(self()).subtractByKey(asKeys(other), partitioner).keys();
    }

    private static <X> PairDataset<X, Boolean> asKeys(Dataset<X> ds) {
        return ds.mapToPair(x -> new Pair<>(x, Boolean.TRUE));
    }

    // ---- external processes ----------------------------------------------------------------------------

    /**
     * @param command a command line, split at whitespace (no shell quoting; use {@link #pipe(List)} for that)
     * @return the lines the command writes to stdout, per partition
     */
    public Dataset<String> pipe(String command) {
        return pipe(List.of(command.trim().split("\\s+")));
    }

    /**
     * @param command the program and its arguments
     * @return the lines the command writes to stdout, per partition
     */
    public Dataset<String> pipe(List<String> command) {
        return pipe(command, Map.of());
    }

    /**
     * Starts the command once per partition on the executor, writes each record's {@code toString} to its
     * stdin as a line (UTF-8), and returns the lines it writes to stdout; its stderr goes to the executor's.
     * A non-zero exit fails the task with an {@link IllegalStateException} naming the command and the status.
     *
     * @param command the program and its arguments
     * @param env extra environment variables for the process
     * @return the lines the command writes to stdout, per partition
     */
    public Dataset<String> pipe(List<String> command, Map<String, String> env) {
        if (command.isEmpty() || command.get(0).isEmpty()) {
            throw new IllegalArgumentException("pipe needs a command, got " + command);
        }
        ArrayList<String> cmd = new ArrayList<>(command);
        java.util.HashMap<String, String> environment = new java.util.HashMap<>(env);
        return new Dataset<>(self().session, self().narrow("pipe", (i, it) -> Pipe.run(cmd, environment, it),
                false));
    }

    // ---- splitting and partitioning --------------------------------------------------------------------

    /**
     * @param weights relative sizes of the splits (normalized if they do not sum to 1)
     * @return disjoint random splits covering the dataset, with a random seed
     */
    public Dataset<T>[] randomSplit(double[] weights) {
        return randomSplit(weights, new java.util.Random().nextLong());
    }

    /**
     * @param weights relative sizes of the splits (normalized if they do not sum to 1)
     * @param seed the random seed
     * @return disjoint random splits covering the dataset (as long as its partitions are deterministic)
     */
    public Dataset<T>[] randomSplit(double[] weights, long seed) {
        return Sampling.randomSplit(self(), weights, seed);
    }

    /**
     * @param withReplacement whether a record may be picked more than once
     * @param fraction the expected fraction (or copies per record, with replacement)
     * @return a random sample, with a random seed
     */
    public Dataset<T> sample(boolean withReplacement, double fraction) {
        return self().sample(withReplacement, fraction, new java.util.Random().nextLong());
    }

    /**
     * @param numPartitions at least 1
     * @param shuffle whether to shuffle: evenly spread, and able to grow the partition count (as
     *     {@code repartition}); without, adjacent partitions are merged
     * @return the same records
     */
    public Dataset<T> coalesce(int numPartitions, boolean shuffle) {
        return shuffle ? self().repartition(numPartitions) : self().coalesce(numPartitions);
    }
}
