package io.weft.api.lineage;

import io.weft.api.Pair;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

/**
 * What a running task offers the lineage it computes: shuffle input, external (spilling) aggregation and
 * sorting, the executor's cache, and accumulator updates. One instance per task attempt, used only on that
 * attempt's thread; {@link #current()} finds it from user code (accumulators, broadcasts).
 */
public interface TaskContext {

    /** @return the stage being run */
    int stageId();

    /** @return the partition being computed */
    int partitionId();

    /** @return 0 for the first attempt of this partition in this stage attempt, then 1, 2, ... */
    int attemptNumber();

    /** @return an id unique to this task attempt within the application */
    long taskAttemptId();

    /**
     * Counts records a source node reads (from a file split, a shuffle, a parallelized collection) in the task's
     * metrics; by default counts nothing.
     *
     * @param records the source's records
     * @param <T> record type
     * @return the same records, counted as the task consumes them
     */
    default <T> Iterator<T> countInput(Iterator<T> records) {
        return records;
    }

    /**
     * The records of one partition of a {@link ParallelizeNode}, which travel with the task rather than in the
     * stage binary. The planner puts in each task the slices its partition reads through narrow dependencies.
     * Each call returns a fresh copy, so a task may not share records with another. Called on the task's thread.
     *
     * @param nodeId the parallelize node
     * @param partition its partition
     * @param <T> record type
     * @return the records, in order
     * @throws IllegalStateException when this task was not given that slice (by default: always)
     */
    default <T> java.util.List<T> parallelizedSlice(int nodeId, int partition) {
        throw new IllegalStateException("This task context carries no parallelized slices (node " + nodeId
                + ", partition " + partition + ")");
    }

    /**
     * Reads this task's partition of a shuffle: every map output's segment for it, as written (values, or
     * combiners when the map side combined). Not combined across map outputs and not sorted.
     *
     * @param dependency the shuffle to read
     * @param partition the reduce partition
     * @param <K> key type
     * @param <X> value or combiner type
     * @return the records, read lazily
     * @throws RuntimeException a fetch failure when a map output cannot be read
     */
    <K, X> Iterator<Pair<K, X>> readShuffle(ShuffleDependency<K, ?, ?> dependency, int partition);

    /**
     * Combines records by key within bounded memory, spilling to local disk when needed.
     *
     * @param records the input
     * @param aggregator how to combine
     * @param inputIsCombiners whether the input values are already combiners (merged with
     *     {@code mergeCombiners}) rather than values
     * @param <K> key type
     * @param <V> value type
     * @param <C> combiner type
     * @return one record per distinct key, in no particular order
     */
    <K, V, C> Iterator<Pair<K, C>> combineByKey(Iterator<? extends Pair<K, ?>> records, Aggregator<V, C> aggregator,
            boolean inputIsCombiners);

    /**
     * Sorts records by key within bounded memory, spilling sorted runs to local disk when needed.
     *
     * @param records the input
     * @param ordering the key order
     * @param <K> key type
     * @param <V> value type
     * @return the records in key order (stable for equal keys within a run)
     */
    <K, V> Iterator<Pair<K, V>> sortByKey(Iterator<Pair<K, V>> records, Comparator<? super K> ordering);

    /**
     * The bytes this task reads from one shuffle input, as the map outputs recorded them (encoded, compressed).
     *
     * @param dependency a shuffle this task reads
     * @param partition the reduce partition
     * @return the bytes, or {@code -1} when not known
     */
    default long shuffleBytes(ShuffleDependency<?, ?, ?> dependency, int partition) {
        return -1;
    }

    /**
     * Groups records by key in memory, for the build side of a hash join, if they fit in the task's memory budget.
     * Either way the records are consumed.
     *
     * @param records the records
     * @param <K> key type
     * @param <V> value type
     * @return a lookup from a key to its values in input order ({@code null} for a key without records), or empty
     *     when the records did not fit: the caller must then read them again for a plan that can spill
     */
    default <K, V> java.util.Optional<java.util.function.Function<K, List<V>>> hashTable(
            Iterator<? extends Pair<K, V>> records) {
        return java.util.Optional.empty();
    }

    /**
     * A persisted node's partition from the executor's cache, computing and storing it if absent.
     *
     * @param node a node with a storage level
     * @param partition the partition
     * @param <T> record type
     * @return the records
     */
    <T> Iterator<T> getOrCompute(Node<T> node, int partition);

    /**
     * A deep copy of a value (e.g. a mutable zero value given to {@code aggregateByKey}).
     *
     * @param value the value
     * @param <T> its type
     * @return an independent copy (immutable values may be returned as they are)
     */
    <T> T copy(T value);

    /**
     * Takes a task-side copy of an accumulator, deserialized with this task's code: its value is sent to the
     * driver when the attempt succeeds (and merged only if it is the partition's first success).
     *
     * @param accumulator the task's copy
     */
    void registerAccumulator(io.weft.api.Accumulator<?, ?> accumulator);

    /**
     * A persisted node's partition only if the executor's cache holds it: never computes it (for locally
     * checkpointed nodes, whose lineage is gone).
     *
     * @param node a node with a storage level
     * @param partition the partition
     * @param <T> record type
     * @return the records, or {@code null} when the partition is not in this executor's cache
     */
    default <T> Iterator<T> cachedPartition(Node<T> node, int partition) {
        return null;
    }

    /**
     * Runs {@code listener} once this task attempt ends, whether it succeeded, failed or was killed: on the task's
     * thread, after its output was written or its failure recorded, in reverse order of registration (as Spark's
     * task completion listeners). An exception from one listener is logged and the others still run. Use it to free
     * what a partition's iterator holds when its consumer may stop early (a process, a connection). May be called
     * from any thread working for the task.
     *
     * @param listener what to run
     */
    void addTaskCompletionListener(Runnable listener);

    /**
     * The task running on this thread.
     *
     * @return the context, or {@code null} outside a task
     */
    static TaskContext current() {
        return TaskContexts.CURRENT.get();
    }
}
