package io.weft.api;

import io.weft.api.lineage.CoalescedNode;
import io.weft.api.lineage.Iterators;
import io.weft.api.lineage.MapPartitionsNode;
import io.weft.api.lineage.Node;
import io.weft.api.lineage.ShuffleDependency;
import io.weft.api.lineage.ShuffledNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * A distributed, immutable collection of records, computed lazily from its lineage. Transformations return new
 * datasets and run nothing; each action runs a job and blocks until it ends.
 *
 * <p>Functions given to transformations are checked when the transformation is defined: one that cannot be
 * serialized fails at once with a {@link ClosureSerializationException}. Functions run on executor threads, on
 * deserialized copies, one copy per task.
 *
 * @param <T> record type
 */
public class Dataset<T> extends DatasetTransformations<T> implements DatasetHadoopOutput<T> {

    final WeftSession session;
    final Node<T> node;

    Dataset(WeftSession session, Node<T> node) {
        this.session = session;
        this.node = node;
    }

    /** @return the lineage node this dataset is; engine-facing */
    public Node<T> lineage() {
        return node;
    }

    /** @return the session that made this dataset */
    public WeftSession session() {
        return session;
    }

    // ---- transformations -------------------------------------------------------------------------------

    /**
     * @param f applied to each record
     * @param <R> result type
     * @return the results
     */
    public <R> Dataset<R> map(SerializableFunction<T, R> f) {
        check("map", f);
        return new Dataset<>(session, narrow("map", (i, it) -> Iterators.map(it, f), false));
    }

    /**
     * @param f gives each record's outputs as an iterator
     * @param <R> result type
     * @return all outputs, flattened
     */
    public <R> Dataset<R> flatMap(SerializableFunction<T, Iterator<R>> f) {
        check("flatMap", f);
        return new Dataset<>(session, narrow("flatMap", (i, it) -> Iterators.flatMap(it, f), false));
    }

    /**
     * @param keep the test
     * @return the records that pass it
     */
    public Dataset<T> filter(SerializablePredicate<T> keep) {
        check("filter", keep);
        return new Dataset<>(session, narrow("filter", (i, it) -> Iterators.filter(it, keep), true));
    }

    /**
     * @param f given a whole partition's records, returns that partition's output
     * @param <R> result type
     * @return the outputs
     */
    public <R> Dataset<R> mapPartitions(SerializableFunction<Iterator<T>, Iterator<R>> f) {
        check("mapPartitions", f);
        return new Dataset<>(session, narrow("mapPartitions", (i, it) -> f.apply(it), false));
    }

    /**
     * @param f makes a key-value pair of each record
     * @param <K> key type
     * @param <V> value type
     * @return the pairs, as a dataset with key-based operators
     */
    public <K, V> PairDataset<K, V> mapToPair(SerializableFunction<T, Pair<K, V>> f) {
        check("mapToPair", f);
        return new PairDataset<>(session, narrow("mapToPair", (i, it) -> Iterators.map(it, f), false));
    }

    /**
     * @param other another dataset of the same session
     * @return this dataset's partitions followed by the other's (duplicates kept); when both have the same
     *     partitioner, partition {@code i} holds both inputs' partition {@code i} and the partitioner is kept
     */
    public Dataset<T> union(Dataset<T> other) {
        return new Dataset<>(session, Unions.of(List.of(this, other)));
    }

    /** @return each distinct record once, in as many partitions as this dataset has */
    public Dataset<T> distinct() {
        return distinct(node.numPartitions());
    }

    /**
     * @param numPartitions the number of output partitions
     * @return each distinct record once
     */
    public Dataset<T> distinct(int numPartitions) {
        return this.<T, Boolean>mapToPair(x -> new Pair<>(x, Boolean.TRUE))
                .reduceByKey((a, b) -> a, numPartitions).keys();
    }

    /**
     * Redistributes the records evenly over {@code numPartitions} partitions, through a shuffle.
     *
     * @param numPartitions at least 1
     * @return the same records
     */
    public Dataset<T> repartition(int numPartitions) {
        requirePositive(numPartitions, "repartition");
        int n = numPartitions;
        Node<Pair<Integer, T>> keyed = narrow("repartition", (index, it) -> {
            // Deal records round-robin from a per-partition random start, so partitions even out.
            int[] position = {new Random(index).nextInt(n)};
            return Iterators.map(it, x -> new Pair<>(position[0]++ % n, x));
        }, false);
        ShuffleDependency<Integer, T, T> dep = new ShuffleDependency<>(keyed, session.engine().newShuffleIds(1),
                new HashPartitioner(n), null, false, null);
        Node<Pair<Integer, T>> shuffled = new ShuffledNode<>(session.engine().newNodeId(),
                CallSites.of("repartition"), dep);
        return new Dataset<>(session, new MapPartitionsNode<Pair<Integer, T>, T>(session.engine().newNodeId(),
                CallSites.of("repartition"), shuffled, (i, it) -> Iterators.map(it, Pair::value), false));
    }

    /**
     * Fewer partitions without a shuffle: adjacent partitions are merged. Asking for more partitions than there
     * are keeps the current count (use {@link #repartition(int)} to grow).
     *
     * @param numPartitions at least 1
     * @return the same records
     */
    public Dataset<T> coalesce(int numPartitions) {
        requirePositive(numPartitions, "coalesce");
        if (numPartitions >= node.numPartitions()) {
            return this;
        }
        return new Dataset<>(session, new CoalescedNode<>(session.engine().newNodeId(), CallSites.of("coalesce"),
                node, numPartitions));
    }

    /**
     * A random sample, reproducible for a given seed and partitioning.
     *
     * @param withReplacement whether a record may be picked more than once (each record then appears a
     *     Poisson-distributed number of times)
     * @param fraction the expected fraction of records (without replacement, in [0, 1]), or the expected number
     *     of copies of each record (with replacement, at least 0)
     * @param seed the random seed
     * @return the sample
     */
    public Dataset<T> sample(boolean withReplacement, double fraction, long seed) {
        if (fraction < 0 || (!withReplacement && fraction > 1) || Double.isNaN(fraction)) {
            throw new IllegalArgumentException("sample fraction must be in [0, 1] without replacement and >= 0 with"
                    + " replacement, got " + fraction);
        }
        return new Dataset<>(session, narrow("sample", (index, it) -> {
            Random random = new Random(seed ^ (0x9E3779B97F4A7C15L * (index + 1)));
            if (!withReplacement) {
                return Iterators.filter(it, x -> random.nextDouble() < fraction);
            }
            return Iterators.flatMap(it, x -> {
                int copies = poisson(random, fraction);
                List<T> out = new ArrayList<>(copies);
                for (int c = 0; c < copies; c++) {
                    out.add(x);
                }
                return out.iterator();
            });
        }, true));
    }

    private static int poisson(Random random, double mean) {
        // Knuth's method; fine for the small means sampling uses.
        double limit = Math.exp(-mean);
        double product = random.nextDouble();
        int k = 0;
        while (product > limit) {
            k++;
            product *= random.nextDouble();
        }
        return k;
    }

    /** @return this dataset, kept in executor memory once computed ({@link StorageLevel#MEMORY_ONLY}) */
    public Dataset<T> cache() {
        return persist(StorageLevel.MEMORY_ONLY);
    }

    /**
     * Keeps computed partitions on the executors for later jobs. Takes effect for jobs started afterwards.
     *
     * @param level where to keep them
     * @return this dataset
     * @throws UnsupportedOperationException when it is already persisted with another level (unpersist first)
     */
    public Dataset<T> persist(StorageLevel level) {
        Persistence.persist(node, level);
        return this;
    }

    /**
     * Stops caching and drops cached partitions from the executors.
     *
     * @return this dataset
     */
    public Dataset<T> unpersist() {
        node.setStorageLevel(null);
        session.engine().unpersist(node);
        return this;
    }

    // ---- checkpoints ----

    /**
     * Marks this dataset for checkpointing, as Spark's {@code checkpoint()}: after the next job that computes it,
     * its partitions are written to the session's checkpoint directory and its lineage is cut (later jobs, and
     * datasets derived from it before or after, read the files and never recompute its parents). Call it before
     * any job on this dataset. Writing takes one more job, right after the first; the dataset is kept on the
     * executors meanwhile, so that job does not recompute it.
     *
     * @throws IllegalStateException when {@link WeftSession#setCheckpointDir(String)} was not called
     */
    public void checkpoint() {
        Persistence.checkpoint(session, node);
    }

    /**
     * Marks this dataset for local checkpointing, as Spark's {@code localCheckpoint()}: persisted on the executors
     * (with disk) and its lineage cut after the next job. Faster than {@link #checkpoint()} but not fault-tolerant:
     * if an executor holding a partition is lost, jobs that need it fail with an error saying so.
     *
     * @return this dataset
     */
    public Dataset<T> localCheckpoint() {
        Persistence.localCheckpoint(node);
        return this;
    }

    /** @return whether this dataset's partitions are checkpointed (reliably or locally) and its lineage cut */
    public boolean isCheckpointed() {
        return node.isCheckpointed();
    }

    /** @return the directory holding this dataset's reliable checkpoint, once written */
    public java.util.Optional<String> getCheckpointFile() {
        return node.checkpointLocation();
    }

    /** @return the number of partitions */
    public int numPartitions() {
        return node.numPartitions();
    }

    // ---- actions ---------------------------------------------------------------------------------------

    /** @return the number of records */
    public long count() {
        return run("count", Iterators::count).stream().mapToLong(Long::longValue).sum();
    }

    /** @return all records, in partition order, on the driver */
    public List<T> collect() {
        List<ArrayList<T>> parts = run("collect", Iterators::toList);
        List<T> out = new ArrayList<>();
        parts.forEach(out::addAll);
        return out;
    }

    /**
     * The first records, in partition order, computing as few partitions as possible: one partition first, then
     * more partitions at a time as needed. Straight after {@code sortByKey}, the smallest keys of each of the
     * sort's input partitions instead, without sampling, shuffling or sorting (see {@code PairDataset#sortByKey}).
     *
     * @param n how many
     * @return at most {@code n} records
     */
    public List<T> take(int n) {
        if (n <= 0) {
            // No job, and no sort's sample either.
            return new ArrayList<>();
        }
        List<T> sortedTake = SortedTake.takeWithoutSorting(this, n);
        if (sortedTake != null) {
            return sortedTake;
        }
        List<T> out = new ArrayList<>();
        int total = node.numPartitions();
        int scanned = 0;
        String callSite = CallSites.of("take");
        while (out.size() < n && scanned < total) {
            int batch = scanned == 0 ? 1 : out.isEmpty() ? scanned * 4 : Math.max(1,
                    (int) Math.ceil(1.5 * (n - out.size()) * scanned / out.size()));
            int end = Math.min(total, scanned + Math.max(1, Math.min(batch, scanned * 4 + 1)));
            int[] partitions = new int[end - scanned];
            for (int i = 0; i < partitions.length; i++) {
                partitions[i] = scanned + i;
            }
            int remaining = n - out.size();
            List<List<T>> parts = session.engine().runJob(node, it -> Iterators.take(it, remaining), partitions,
                    callSite);
            for (List<T> part : parts) {
                for (T x : part) {
                    if (out.size() < n) {
                        out.add(x);
                    }
                }
            }
            scanned = end;
        }
        return out;
    }

    /**
     * @return the first record
     * @throws NoSuchElementException when the dataset is empty
     */
    public T first() {
        List<T> one = take(1);
        if (one.isEmpty()) {
            throw new NoSuchElementException("first() on an empty dataset");
        }
        return one.get(0);
    }

    /**
     * @param f an associative, commutative operator
     * @return all records combined
     * @throws UnsupportedOperationException when the dataset is empty
     */
    public T reduce(SerializableBinaryOperator<T> f) {
        check("reduce", f);
        List<ArrayList<T>> partials = run("reduce", it -> {
            ArrayList<T> holder = new ArrayList<>(1);
            if (it.hasNext()) {
                T acc = it.next();
                while (it.hasNext()) {
                    acc = f.apply(acc, it.next());
                }
                holder.add(acc);
            }
            return holder;
        });
        T result = null;
        boolean any = false;
        for (ArrayList<T> partial : partials) {
            if (!partial.isEmpty()) {
                result = any ? f.apply(result, partial.get(0)) : partial.get(0);
                any = true;
            }
        }
        if (!any) {
            throw new UnsupportedOperationException("reduce() on an empty dataset; use fold() with a zero value");
        }
        return result;
    }

    /**
     * Folds each partition starting from {@code zero}, then folds the partitions' results starting from
     * {@code zero} again (as Spark does, so {@code zero} must be the operator's identity).
     *
     * @param zero the identity of {@code f}; each partition gets its own copy
     * @param f an associative operator
     * @return the result
     */
    public T fold(T zero, SerializableBinaryOperator<T> f) {
        check("fold", f);
        List<T> partials = run("fold", it -> {
            T acc = io.weft.api.lineage.TaskContext.current().copy(zero);
            while (it.hasNext()) {
                acc = f.apply(acc, it.next());
            }
            return acc;
        });
        // Each partial already started from its own copy of zero: merge them without the caller's zero, so a
        // mutable zero the caller still holds is never modified (Spark merges into a clone of it).
        if (partials.isEmpty()) {
            return zero;
        }
        T result = partials.get(0);
        for (int i = 1; i < partials.size(); i++) {
            result = f.apply(result, partials.get(i));
        }
        return result;
    }

    /**
     * Runs a function on every record, on the executors.
     *
     * @param f the action
     */
    public void foreach(SerializableConsumer<T> f) {
        check("foreach", f);
        run("foreach", it -> {
            it.forEachRemaining(f);
            return Boolean.TRUE;
        });
    }

    /**
     * Writes each record's {@code toString} as a line: one {@code part-NNNNN} file per partition and a
     * {@code _SUCCESS} marker. A failed job leaves no {@code part-} files behind.
     *
     * @param path the destination directory on any Hadoop file system; it must not exist
     * @throws WeftException when the destination exists (before anything runs)
     */
    public void saveAsTextFile(String path) {
        session.engine().saveAsTextFile(node, path, CallSites.of("saveAsTextFile"));
    }

    @Override
    public String toString() {
        return node.toString();
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    <R> Node<R> narrow(String operator, SerializableBiFunction<Integer, Iterator<T>, Iterator<R>> f,
            boolean preservesPartitioning) {
        session.checkOpen();
        return new MapPartitionsNode<>(session.engine().newNodeId(), CallSites.of(operator), node, f,
                preservesPartitioning);
    }

    <U> List<U> run(String action, SerializableFunction<Iterator<T>, U> f) {
        session.checkOpen();
        return session.engine().runJob(node, f, null, CallSites.of(action));
    }

    void check(String operator, Object f) {
        if (f == null) {
            throw new NullPointerException(operator + ": the function is null");
        }
        session.engine().checkClosure(operator, f);
    }

    void requireSameSession(Dataset<?> other) {
        if (other.session != session) {
            throw new IllegalArgumentException("Both datasets must belong to the same WeftSession");
        }
    }

    static void requirePositive(int n, String operator) {
        if (n < 1) {
            throw new IllegalArgumentException(operator + " needs at least 1 partition, got " + n);
        }
    }
}
