package io.weft.benchmarks.sched;

import io.weft.api.SerializableFunction;
import io.weft.api.lineage.Node;
import io.weft.api.lineage.ShuffleDependency;
import io.weft.planner.AccumulatorSink;
import io.weft.planner.StageSerializer;
import io.weft.planner.TaskDescription;
import io.weft.planner.TaskLauncher;
import io.weft.planner.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scheduler's ports, faked for the simulation: a clock the event loop moves, a launcher that only records
 * launches (the event loop decides when and how each task ends), a serializer that serializes nothing, and a
 * topology of {@code racks} racks with hosts dealt round them.
 *
 * <p>The launcher is called on the scheduler thread; the event loop takes the launches on its own thread after
 * waiting for the scheduler to go idle, hence the concurrent queue.
 */
final class SimulatedCluster implements TaskLauncher, StageSerializer, AccumulatorSink, Topology {

    /** A launch as the scheduler asked for it, at the simulated time it asked. */
    record Launch(String executorId, TaskDescription task, long atMillis) {
    }

    final AtomicLong clock = new AtomicLong();
    final ConcurrentLinkedQueue<Launch> launches = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Long> kills = new ConcurrentLinkedQueue<>();
    private final List<String> hosts = new ArrayList<>();
    private final int racks;

    SimulatedCluster(int hostCount, int racks) {
        this.racks = racks;
        for (int h = 0; h < hostCount; h++) {
            hosts.add("host-" + h);
        }
    }

    List<String> hosts() {
        return hosts;
    }

    @Override
    public String rackOf(String host) {
        return "/rack-" + Integer.parseInt(host.substring("host-".length())) % racks;
    }

    @Override
    public void launchTask(String executorId, TaskDescription task) {
        launches.add(new Launch(executorId, task, clock.get()));
    }

    @Override
    public void killTask(String executorId, long taskId) {
        kills.add(taskId);
    }

    @Override
    public byte[] serializeMapStage(Node<?> node, ShuffleDependency<?, ?, ?> dependency) {
        return new byte[0];
    }

    @Override
    public byte[] serializeTaskData(Object slices) {
        return new byte[0];
    }

    @Override
    public byte[] serializeResultStage(Node<?> node, SerializableFunction<?, ?> function) {
        return new byte[0];
    }

    @Override
    public void apply(Map<Long, ?> updates) {
    }
}
