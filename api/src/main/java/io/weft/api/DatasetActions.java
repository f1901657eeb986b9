package io.weft.api;

import io.weft.api.lineage.Iterators;
import io.weft.api.lineage.TaskContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * The actions every {@link Dataset} has beyond the basic ones, as Spark's {@code JavaRDDLike}: aggregation
 * (flat and as a tree), ordered takes, sampling to the driver, per-partition side effects. Each runs one job or
 * more and blocks until they end, on the calling thread; a failed task fails the action with a
 * {@link JobFailedException}.
 *
 * @param <T> record type
 */
public abstract class DatasetActions<T> {

    DatasetActions() {
    }

    @SuppressWarnings("unchecked")
    private Dataset<T> self() {
        return (Dataset<T>) this;
    }

    // ---- aggregation -----------------------------------------------------------------------------------

    /**
     * Aggregates each partition from its own copy of {@code zero} with {@code seqOp}, then merges the
     * partitions' results on the driver, in partition order, with {@code combOp}. The driver does not merge
     * {@code zero} once more as Spark does (an identity changes nothing), so the caller's {@code zero} object is
     * never modified and can be reused.
     *
     * @param zero the identity of {@code combOp}; each partition gets its own copy, so it may be mutable
     * @param seqOp folds a record into an accumulator
     * @param combOp merges two accumulators
     * @param <U> accumulator type
     * @return the result ({@code zero} for an empty dataset)
     */
    public <U> U aggregate(U zero, SerializableBiFunction<U, T, U> seqOp, SerializableBinaryOperator<U> combOp) {
        self().check("aggregate", seqOp);
        self().check("aggregate", combOp);
        List<U> partials = self().run("aggregate", it -> TreeAggregation.foldPartition(it, zero, seqOp));
        return TreeAggregation.mergeOnDriver(partials, zero, combOp);
    }

    /**
     * {@link #aggregate} with the partitions' results merged in a tree of depth 2 on the executors, so the
     * driver receives few results.
     *
     * @param zero the identity of {@code combOp}
     * @param seqOp folds a record into an accumulator
     * @param combOp merges two accumulators
     * @param <U> accumulator type
     * @return the result
     */
    public <U> U treeAggregate(U zero, SerializableBiFunction<U, T, U> seqOp, SerializableBinaryOperator<U> combOp) {
        return treeAggregate(zero, seqOp, combOp, 2);
    }

    /**
     * @param zero the identity of {@code combOp}
     * @param seqOp folds a record into an accumulator
     * @param combOp merges two accumulators
     * @param depth the suggested depth of the tree, at least 1
     * @param <U> accumulator type
     * @return the result, equal to {@link #aggregate}'s
     */
    public <U> U treeAggregate(U zero, SerializableBiFunction<U, T, U> seqOp, SerializableBinaryOperator<U> combOp,
            int depth) {
        self().check("treeAggregate", seqOp);
        self().check("treeAggregate", combOp);
        return TreeAggregation.treeAggregate(self(), zero, seqOp, combOp, depth);
    }

    /**
     * @param f an associative, commutative operator
     * @return all records combined, through a tree of depth 2
     * @throws UnsupportedOperationException when the dataset is empty
     */
    public T treeReduce(SerializableBinaryOperator<T> f) {
        return treeReduce(f, 2);
    }

    /**
     * @param f an associative, commutative operator
     * @param depth the suggested depth of the tree, at least 1
     * @return all records combined
     * @throws UnsupportedOperationException when the dataset is empty
     */
    public T treeReduce(SerializableBinaryOperator<T> f, int depth) {
        self().check("treeReduce", f);
        return TreeAggregation.treeReduce(self(), f, depth);
    }

    // ---- ordered takes ---------------------------------------------------------------------------------

    /**
     * @param num how many
     * @return the {@code num} smallest records in natural order, ascending (all of them when there are fewer)
     */
    public List<T> takeOrdered(int num) {
        return takeOrdered(num, SerializableComparator.naturalOrder());
    }

    /**
     * Keeps the {@code num} smallest records of each partition, then of all partitions on the driver.
     *
     * @param num how many, at least 0
     * @param comparator the order
     * @return the {@code num} smallest records, ascending (all of them when there are fewer)
     */
    public List<T> takeOrdered(int num, SerializableComparator<T> comparator) {
        return takeOrdered(num, comparator, "takeOrdered");
    }

    /** {@link #takeOrdered(int, SerializableComparator)}, its job named for {@code action}. */
    List<T> takeOrdered(int num, SerializableComparator<T> comparator, String action) {
        self().check(action, comparator);
        if (num < 0) {
            throw new IllegalArgumentException(action + " needs num >= 0, got " + num);
        }
        if (num == 0) {
            return new ArrayList<>();
        }
        List<ArrayList<T>> parts = self().run(action, it -> smallest(it, num, comparator));
        List<T> all = new ArrayList<>();
        parts.forEach(all::addAll);
        return smallest(all.iterator(), num, comparator);
    }

    private static <T> ArrayList<T> smallest(Iterator<T> it, int num, SerializableComparator<T> comparator) {
        // A max-heap of the num smallest so far: its head is the first to drop.
        PriorityQueue<T> heap = new PriorityQueue<>(Math.min(num, 1024) + 1, comparator.reversed());
        while (it.hasNext()) {
            T next = it.next();
            if (heap.size() < num) {
                heap.add(next);
            } else if (comparator.compare(next, heap.peek()) < 0) {
                // Only a record smaller than the largest kept gets in; most records of a large partition do not.
                heap.poll();
                heap.add(next);
            }
        }
        ArrayList<T> out = new ArrayList<>(heap);
        out.sort(comparator);
        return out;
    }

    /**
     * @param num how many
     * @return the {@code num} largest records in natural order, descending
     */
    public List<T> top(int num) {
        return top(num, SerializableComparator.naturalOrder());
    }

    /**
     * @param num how many
     * @param comparator the order
     * @return the {@code num} largest records, largest first
     */
    public List<T> top(int num, SerializableComparator<T> comparator) {
        self().check("top", comparator);
        return takeOrdered(num, (a, b) -> comparator.compare(b, a));
    }

    /**
     * @param comparator the order
     * @return the smallest record (the first of equals in partition order)
     * @throws UnsupportedOperationException when the dataset is empty
     */
    public T min(SerializableComparator<T> comparator) {
        self().check("min", comparator);
        return self().reduce((a, b) -> comparator.compare(a, b) <= 0 ? a : b);
    }

    /**
     * @param comparator the order
     * @return the largest record
     * @throws UnsupportedOperationException when the dataset is empty
     */
    public T max(SerializableComparator<T> comparator) {
        self().check("max", comparator);
        return self().reduce((a, b) -> comparator.compare(a, b) >= 0 ? a : b);
    }

    // ---- other actions ---------------------------------------------------------------------------------

    /** @return each distinct record (null included) with its number of occurrences, on the driver */
    public Map<T, Long> countByValue() {
        return self().mapToPair(x -> new Pair<T, Long>(x, 1L)).reduceByKey(Long::sum).collectAsMap();
    }

    /**
     * @param withReplacement whether a record may be picked more than once
     * @param num how many
     * @return exactly {@code num} records picked at random (all of them, shuffled, when there are fewer and no
     *     replacement), with a random seed
     */
    public List<T> takeSample(boolean withReplacement, int num) {
        return takeSample(withReplacement, num, new java.util.Random().nextLong());
    }

    /**
     * Counts the records, samples with a fraction a little above the one needed (repeating with a new seed in
     * the rare case it gave too few), then shuffles the sample and keeps {@code num}, as Spark does.
     *
     * @param withReplacement whether a record may be picked more than once
     * @param num how many, at least 0
     * @param seed the random seed
     * @return exactly {@code num} records (fewer only without replacement from a smaller dataset)
     */
    public List<T> takeSample(boolean withReplacement, int num, long seed) {
        return Sampling.takeSample(self(), withReplacement, num, seed);
    }

    /** @return whether the dataset has no records; computes at most as many partitions as needed to find one */
    public boolean isEmpty() {
        return self().numPartitions() == 0 || self().take(1).isEmpty();
    }

    /**
     * Runs a function on each partition's records, on the executors.
     *
     * @param f given a partition's iterator
     */
    public void foreachPartition(SerializableConsumer<Iterator<T>> f) {
        self().check("foreachPartition", f);
        self().run("foreachPartition", it -> {
            f.accept(it);
            return Boolean.TRUE;
        });
    }

    /**
     * @param partitionIds the partitions to compute
     * @return each requested partition's records, in the order asked
     * @throws IllegalArgumentException when an id is out of range
     */
    @SuppressWarnings("unchecked")
    public List<T>[] collectPartitions(int... partitionIds) {
        int n = self().numPartitions();
        for (int id : partitionIds) {
            if (id < 0 || id >= n) {
                throw new IllegalArgumentException("collectPartitions: partition " + id + " does not exist; this"
                        + " dataset has partitions 0 to " + (n - 1));
            }
        }
        List<ArrayList<T>> parts = self().session.engine().runJob(self().node, Iterators::toList,
                partitionIds.clone(), CallSites.of("collectPartitions"));
        return parts.toArray(new List[0]);
    }

    /**
     * All records, in partition order, computing one partition per job as the iterator advances, so the driver
     * holds one partition at a time.
     *
     * @return a lazy iterator; each step may run a job on the calling thread
     */
    public Iterator<T> toLocalIterator() {
        int n = self().numPartitions();
        return new Iterator<>() {
            private int next;
            private Iterator<T> current = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && next < n) {
                    current = collectPartitions(next++)[0].iterator();
                }
                return current.hasNext();
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }

    static <U> U copyInTask(U value) {
        TaskContext context = TaskContext.current();
        return context == null ? value : context.copy(value);
    }
}
