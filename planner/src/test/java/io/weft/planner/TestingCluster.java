package io.weft.planner;

import io.weft.api.SerializableFunction;
import io.weft.api.lineage.Node;
import io.weft.api.lineage.ShuffleDependency;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hand-written fakes for the scheduler's ports: a launcher that records launched tasks, a serializer that counts
 * calls per stage, an accumulator sink that sums updates. The scheduler runs on the test thread
 * ({@link DagScheduler#drainForTest()}).
 */
final class TestingCluster implements TaskLauncher, StageSerializer, AccumulatorSink {

    final List<Launched> launched = new ArrayList<>();
    final List<Long> killed = new ArrayList<>();
    final Map<Integer, Integer> serializedNodes = new HashMap<>();
    final Map<Long, Long> accumulators = new HashMap<>();
    final List<java.util.Set<String>> excludedNodes = new ArrayList<>();
    final java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1_000);
    final DagScheduler scheduler;

    record Launched(String executorId, TaskDescription task) {
    }

    TestingCluster(SchedulerConfig config) {
        this(config, MapOutputJournal.NONE, new SchedulerListener() {
        });
    }

    /** A scheduler on this fake's clock ({@link #now}), with the given journal and listener. */
    TestingCluster(SchedulerConfig config, MapOutputJournal journal, SchedulerListener listener) {
        this(config, journal, listener, Topology.SINGLE_RACK);
    }

    /** A scheduler on this fake's clock that places hosts on racks through the given topology. */
    TestingCluster(SchedulerConfig config, MapOutputJournal journal, SchedulerListener listener, Topology topology) {
        scheduler = new DagScheduler(config, this, this, this, listener, journal, now::get, topology,
                r -> new Thread(r, "unused"));
    }

    @Override
    public void excludedNodesChanged(java.util.Set<String> hosts) {
        excludedNodes.add(hosts);
    }

    /** Moves the clock and runs the scheduler's timer once. */
    void advance(long millis) {
        now.addAndGet(millis);
        scheduler.tick();
        scheduler.drainForTest();
    }

    @Override
    public void launchTask(String executorId, TaskDescription task) {
        launched.add(new Launched(executorId, task));
    }

    @Override
    public void killTask(String executorId, long taskId) {
        killed.add(taskId);
    }

    @Override
    public byte[] serializeMapStage(Node<?> node, ShuffleDependency<?, ?, ?> dependency) {
        serializedNodes.merge(node.id(), 1, Integer::sum);
        return new byte[] {1};
    }

    @Override
    public byte[] serializeTaskData(Object slices) {
        return new byte[] {2};
    }

    @Override
    public byte[] serializeResultStage(Node<?> node, SerializableFunction<?, ?> function) {
        serializedNodes.merge(node.id(), 1, Integer::sum);
        return new byte[] {2};
    }

    @Override
    public void apply(Map<Long, ?> updates) {
        updates.forEach((id, delta) -> accumulators.merge(id, (Long) delta, Long::sum));
    }

    /** Takes the tasks launched since the last call. */
    List<Launched> take() {
        scheduler.drainForTest();
        List<Launched> out = new ArrayList<>(launched);
        launched.clear();
        return out;
    }

    void succeedResult(TaskDescription task, int value, Map<Long, Long> updates) {
        scheduler.taskEnded(task.taskId(), new TaskOutcome.Success(new byte[] {(byte) value}, null, updates,
                TaskMetrics.EMPTY));
    }

    /** Reports a map output appended to a segment file shared with other outputs, starting at {@code base}. */
    void succeedMapInFile(TaskDescription task, String executorId, int reducePartitions, String path, long base) {
        long[] offsets = new long[reducePartitions];
        long[] lengths = new long[reducePartitions];
        for (int r = 0; r < reducePartitions; r++) {
            offsets[r] = base + r * 10L;
            lengths[r] = 10;
        }
        scheduler.taskEnded(task.taskId(), new TaskOutcome.Success(null, new MapStatus(task.partition(),
                task.taskId(), executorId, path, offsets, lengths), Map.of(), TaskMetrics.EMPTY));
    }

    void succeedMap(TaskDescription task, String executorId, int reducePartitions) {
        long[] offsets = new long[reducePartitions];
        long[] lengths = new long[reducePartitions];
        for (int r = 0; r < reducePartitions; r++) {
            offsets[r] = r * 10L;
            // Reduce partition 0 gets nothing from map 0: such blocks must be skipped.
            lengths[r] = task.partition() == 0 && r == 0 ? 0 : 10;
        }
        scheduler.taskEnded(task.taskId(), new TaskOutcome.Success(null, new MapStatus(task.partition(),
                task.taskId(), executorId, "/shuffle/map_" + task.partition() + "_" + task.taskId(), offsets, lengths),
                Map.of(), TaskMetrics.EMPTY));
    }
}
