package io.weft.runtime.executor;

import io.weft.api.Accumulator;
import io.weft.api.Pair;
import io.weft.api.lineage.Aggregator;
import io.weft.api.lineage.Node;
import io.weft.api.lineage.ShuffleDependency;
import io.weft.api.lineage.TaskContext;
import io.weft.planner.ShuffleBlock;
import io.weft.planner.TaskDescription;
import io.weft.planner.TaskSlices;
import io.weft.runtime.shuffle.ShuffleReader;
import io.weft.runtime.shuffle.ShuffleSegment;
import io.weft.runtime.spill.ExternalAggregator;
import io.weft.runtime.spill.ExternalSorter;
import io.weft.runtime.spill.MemoryBudget;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The {@link TaskContext} of one task attempt on an executor. Used only on the attempt's thread.
 */
public final class ExecutorTaskContext implements TaskContext {

    private final ExecutorEnvironment env;
    private final TaskDescription task;
    private final List<Accumulator<?, ?>> accumulators = new ArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    /** Added from the task's thread or threads working for it (a pipe's writer); run on the task's thread. */
    private final java.util.Deque<Runnable> completionListeners = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private long shuffleBytesRead;
    /** The shuffle readers this task opened, for their read time; touched only by the task's thread. */
    private final List<ShuffleReader<?, ?>> shuffleReaders = new ArrayList<>();
    private long inputBytes;
    private long recordsRead;
    /** The task's parallelized slices, deserialized on first use. */
    private Map<Long, List<?>> slices;

    /**
     * @param env the executor's shared services
     * @param task the attempt
     */
    public ExecutorTaskContext(ExecutorEnvironment env, TaskDescription task) {
        this.env = env;
        this.task = task;
    }

    /**
     * The environment of the task running on this thread, for runtime code called from lineage (text input,
     * output, broadcasts, checkpoints): the environment of the task's class-loader scope when it has one, whose
     * serializers can load the scope's classes.
     *
     * @return the environment
     * @throws IllegalStateException outside a task
     */
    public static ExecutorEnvironment currentEnvironment() {
        TaskContext current = TaskContext.current();
        if (current instanceof ExecutorTaskContext executorContext) {
            return executorContext.env;
        }
        throw new IllegalStateException("Not inside a Weft task");
    }

    /** @return the executor's shared services */
    public ExecutorEnvironment environment() {
        return env;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> List<T> parallelizedSlice(int nodeId, int partition) {
        if (slices == null) {
            if (task.partitionData() == null) {
                throw new IllegalStateException(task + " carries no parallelized slices, but its stage reads"
                        + " partition " + partition + " of node " + nodeId + ": the planner's TaskSlices missed it");
            }
            // Deserialized per task, like the stage binary: a task's records are its own.
            slices = env.kryo().deserialize(task.partitionData());
        }
        List<T> slice = (List<T>) slices.get(TaskSlices.key(nodeId, partition));
        if (slice == null) {
            throw new IllegalStateException(task + " carries no slice for partition " + partition + " of node "
                    + nodeId + ": the planner's TaskSlices missed it (a node that reads a parent partition its"
                    + " narrow dependency does not declare?)");
        }
        return slice;
    }

    @Override
    public int stageId() {
        return task.stageId();
    }

    @Override
    public int partitionId() {
        return task.partition();
    }

    @Override
    public int attemptNumber() {
        return task.attemptNumber();
    }

    @Override
    public long taskAttemptId() {
        return task.taskId();
    }

    @Override
    public <K, X> Iterator<Pair<K, X>> readShuffle(ShuffleDependency<K, ?, ?> dependency, int partition) {
        List<ShuffleBlock> blocks = task.shuffleInputs().get(dependency.shuffleId());
        if (blocks == null) {
            throw new IllegalStateException("Task " + task + " has no input for shuffle " + dependency.shuffleId());
        }
        List<ShuffleSegment> segments = new ArrayList<>(blocks.size());
        for (ShuffleBlock b : blocks) {
            segments.add(new ShuffleSegment(b.mapIndex(), b.path(), b.offset(), b.length()));
            shuffleBytesRead += b.length();
        }
        ShuffleReader<K, X> reader = env.shuffleStore().read(dependency.shuffleId(), partition, segments, env.kryo());
        shuffleReaders.add(reader);
        return counted(reader);
    }

    /** Source nodes of the api module (parallelized collections) count their records here too. */
    @Override
    public <T> Iterator<T> countInput(Iterator<T> records) {
        return counted(records);
    }

    /**
     * Counts, in {@link #recordsRead()}, the records a task reads from its inputs.
     *
     * @param records records from an input (a file split, a shuffle)
     * @param <T> record type
     * @return the same records, counted as the task consumes them
     */
    public <T> Iterator<T> counted(Iterator<T> records) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return records.hasNext();
            }

            @Override
            public T next() {
                T next = records.next();
                recordsRead++;
                return next;
            }
        };
    }

    /** @param bytes input bytes (a file split's length) this task reads */
    public void addInputBytes(long bytes) {
        inputBytes += bytes;
    }

    /** @return input bytes the task was given to read (file splits) */
    public long inputBytes() {
        return inputBytes;
    }

    /** @return records read from file splits and shuffles so far */
    public long recordsRead() {
        return recordsRead;
    }

    @Override
    public <K, V, C> Iterator<Pair<K, C>> combineByKey(Iterator<? extends Pair<K, ?>> records,
            Aggregator<V, C> aggregator, boolean inputIsCombiners) {
        ExternalAggregator<K, V, C> combiner = newAggregator(aggregator, inputIsCombiners);
        return combiner.aggregate(records);
    }

    /** A task's external aggregator, closed (its spill files deleted) when the task ends. */
    private <K, V, C> ExternalAggregator<K, V, C> newAggregator(Aggregator<V, C> aggregator,
            boolean inputIsCombiners) {
        ExternalAggregator<K, V, C> combiner = new ExternalAggregator<>(aggregator, inputIsCombiners,
                new MemoryBudget(env.taskMemoryBytes()), env.localDir(), env.kryo());
        resources.add(combiner);
        return combiner;
    }

    /**
     * A map task's combining before its shuffle write: as {@link #combineByKey}, but off when the task's first
     * records show few repeated keys ({@link io.weft.runtime.spill.MapSideCombine}).
     *
     * @param records the task's records
     * @param aggregator the shuffle's aggregator
     * @param <K> key type
     * @param <V> value type
     * @param <C> combiner type
     * @return the combiners to write
     */
    public <K, V, C> Iterator<Pair<K, C>> combineBeforeShuffle(Iterator<? extends Pair<K, ?>> records,
            Aggregator<V, C> aggregator) {
        return io.weft.runtime.spill.MapSideCombine.combine(records, aggregator, env.mapSideCombineUniqueRatio(),
                new MemoryBudget(env.taskMemoryBytes()), env.kryo(), () -> newAggregator(aggregator, false));
    }

    @Override
    public long shuffleBytes(io.weft.api.lineage.ShuffleDependency<?, ?, ?> dependency, int partition) {
        List<ShuffleBlock> blocks = task.shuffleInputs().get(dependency.shuffleId());
        if (blocks == null) {
            return -1;
        }
        long bytes = 0;
        for (ShuffleBlock b : blocks) {
            bytes += b.length();
        }
        return bytes;
    }

    @Override
    public <K, V> java.util.Optional<java.util.function.Function<K, List<V>>> hashTable(
            Iterator<? extends Pair<K, V>> records) {
        return io.weft.runtime.spill.HashJoinTable.build(records, new MemoryBudget(env.taskMemoryBytes()),
                env.kryo());
    }

    @Override
    public <K, V> Iterator<Pair<K, V>> sortByKey(Iterator<Pair<K, V>> records, Comparator<? super K> ordering) {
        ExternalSorter<K, V> sorter = new ExternalSorter<>(ordering, new MemoryBudget(env.taskMemoryBytes()),
                env.localDir(), env.kryo());
        resources.add(sorter);
        return sorter.sort(records);
    }

    @Override
    public <T> Iterator<T> getOrCompute(Node<T> node, int partition) {
        return env.blockStore().getOrCompute(node, partition, this, env.kryo());
    }

    @Override
    public <T> T copy(T value) {
        return env.kryo().copy(value);
    }

    @Override
    public void registerAccumulator(Accumulator<?, ?> accumulator) {
        accumulators.add(accumulator);
    }

    @Override
    public <T> Iterator<T> cachedPartition(Node<T> node, int partition) {
        return env.blockStore().getIfPresent(node, partition);
    }

    /**
     * This attempt's accumulator updates: its copy of each accumulator it used and changed (copies of one
     * accumulator deserialized twice in the task are merged into one).
     *
     * @return accumulator id to the task's copy
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Map<Long, Object> accumulatorUpdates() {
        Map<Long, Object> updates = new HashMap<>();
        for (Accumulator<?, ?> copy : accumulators) {
            if (copy.isZero()) {
                continue;
            }
            Accumulator existing = (Accumulator) updates.get(copy.id());
            if (existing == null) {
                updates.put(copy.id(), copy);
            } else if (existing == copy) {
                continue;
            } else {
                existing.merge((Accumulator) copy);
            }
        }
        return updates;
    }

    /** @return bytes of shuffle input assigned to this task */
    public long shuffleBytesRead() {
        return shuffleBytesRead;
    }

    /** @return nanoseconds this task's shuffle readers spent opening and reading map output so far */
    public long shuffleReadNanos() {
        long total = 0;
        for (ShuffleReader<?, ?> reader : shuffleReaders) {
            total += reader.readNanos();
        }
        return total;
    }

    /** @return how many times this task's aggregations and sorts spilled to local disk so far */
    public int spills() {
        int total = 0;
        for (AutoCloseable resource : resources) {
            if (resource instanceof ExternalAggregator<?, ?, ?> aggregator) {
                total += aggregator.spillCount();
            } else if (resource instanceof ExternalSorter<?, ?> sorter) {
                total += sorter.spillCount();
            }
        }
        return total;
    }

    @Override
    public void addTaskCompletionListener(Runnable listener) {
        completionListeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Runs the completion listeners, newest first, then frees spill files and other per-task resources. Called once
     * the attempt ends, on its thread.
     */
    public void close() {
        for (Runnable listener = completionListeners.pollLast(); listener != null;
                listener = completionListeners.pollLast()) {
            try {
                listener.run();
            } catch (RuntimeException | Error e) {
                org.slf4j.LoggerFactory.getLogger(ExecutorTaskContext.class).warn(
                        "Task {}: a completion listener failed", task.taskId(), e);
            }
        }
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception ignored) {
                // Best effort: a leftover spill file is removed with the executor's scratch directory.
            }
        }
        resources.clear();
    }
}
