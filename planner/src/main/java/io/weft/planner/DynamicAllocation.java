package io.weft.planner;

import io.weft.api.lineage.Dependency;
import io.weft.api.lineage.NarrowDependency;
import io.weft.api.lineage.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dynamic allocation inside the scheduler: feeds the {@link ExecutorAllocationPolicy} with the scheduler's events,
 * and on every tick tells the {@link ExecutorAllocationClient} the policy's target and releases the idle executors
 * it picks. Releasing is safe because it happens on the scheduler thread: an executor is released only if it runs
 * no task at that moment, and from then on it gets none ({@link Port#retireIfIdle}); its map outputs are on the
 * shared file system, so nothing is lost with it.
 *
 * <p>Cached partitions: an executor that ran a task of a stage whose pipeline contains a persisted node may hold
 * some of its partitions, and gets the cached-executor idle timeout until no such node is persisted any more.
 *
 * <p>Used only on the scheduler thread; owns the policy.
 */
final class DynamicAllocation implements SchedulerListener {

    private static final Logger LOG = LoggerFactory.getLogger(DynamicAllocation.class);
    static final String IDLE_REASON = "released: idle";

    /** What dynamic allocation needs of the task layer. Called on the scheduler thread. */
    interface Port {
        /** @return tasks waiting for a core */
        int waitingTasks();

        /** @return task attempts running */
        int runningTasks();

        /**
         * @param executorId an executor
         * @return true, after taking it out of offers for good, when it runs no task; false when it runs one (or
         *     is gone)
         */
        boolean retireIfIdle(String executorId);
    }

    private final ExecutorAllocationPolicy policy;
    private final ExecutorAllocationClient client;
    private final Port port;
    private final Map<Integer, Stage> stages = new HashMap<>();
    /** Per executor, the persisted nodes whose partitions it may hold. */
    private final Map<String, Set<Node<?>>> cachedNodes = new HashMap<>();
    private int requested;

    DynamicAllocation(ExecutorAllocationPolicy policy, ExecutorAllocationClient client, Port port) {
        this.policy = policy;
        this.client = client;
        this.port = port;
        this.requested = policy.target();
    }

    /** Asks for the target if it changed, and releases idle executors. */
    void tick() {
        refreshCached();
        ExecutorAllocationPolicy.Decision decision = policy.decide(port.waitingTasks(), port.runningTasks());
        if (decision.target() != requested) {
            LOG.info("Dynamic allocation: target {} executors (was {}); {} tasks wait, {} run", decision.target(),
                    requested, port.waitingTasks(), port.runningTasks());
            requested = decision.target();
            client.requestTotalExecutors(requested);
        }
        List<String> released = new ArrayList<>();
        for (String id : decision.release()) {
            if (port.retireIfIdle(id)) {
                policy.executorRemoved(id);
                cachedNodes.remove(id);
                released.add(id);
            }
        }
        if (!released.isEmpty()) {
            LOG.info("Dynamic allocation: releasing idle executors {}", released);
            client.releaseExecutors(released, IDLE_REASON);
        }
    }

    @Override
    public void executorAdded(String executorId, String host, int cores, String containerId, String logUrl) {
        policy.executorAdded(executorId);
    }

    @Override
    public void executorRemoved(String executorId, String reason) {
        policy.executorRemoved(executorId);
        cachedNodes.remove(executorId);
    }

    @Override
    public void stageSubmitted(Stage stage, int attempt, int tasks) {
        stages.put(stage.id(), stage);
    }

    @Override
    public void stageCompleted(Stage stage) {
        stages.remove(stage.id());
    }

    @Override
    public void taskStarted(TaskDescription task, String executorId, boolean speculative, TaskLocality locality) {
        policy.taskStarted(executorId);
    }

    @Override
    public void taskEnded(TaskDescription task, String executorId, TaskOutcome outcome) {
        policy.taskEnded(executorId);
        Stage stage = stages.get(task.stageId());
        if (outcome instanceof TaskOutcome.Success && stage != null) {
            Set<Node<?>> persisted = persistedInPipeline(stage.node());
            if (!persisted.isEmpty()) {
                cachedNodes.computeIfAbsent(executorId, id -> new HashSet<>()).addAll(persisted);
                policy.holdsCachedBlocks(executorId, true);
            }
        }
    }

    /** Executors whose cached nodes were all unpersisted get the ordinary idle timeout again. */
    private void refreshCached() {
        cachedNodes.entrySet().removeIf(entry -> {
            entry.getValue().removeIf(node -> node.storageLevel() == null);
            if (entry.getValue().isEmpty()) {
                policy.holdsCachedBlocks(entry.getKey(), false);
                return true;
            }
            return false;
        });
    }

    /** The persisted nodes a task of the stage computes: its last node and its narrow ancestors. */
    private static Set<Node<?>> persistedInPipeline(Node<?> last) {
        Set<Node<?>> persisted = new HashSet<>();
        List<Node<?>> toVisit = new ArrayList<>(List.of(last));
        Set<Node<?>> seen = new HashSet<>();
        while (!toVisit.isEmpty()) {
            Node<?> node = toVisit.remove(toVisit.size() - 1);
            if (!seen.add(node)) {
                continue;
            }
            if (node.storageLevel() != null) {
                persisted.add(node);
            }
            for (Dependency<?> dependency : node.dependencies()) {
                if (dependency instanceof NarrowDependency<?>) {
                    toVisit.add(dependency.parent());
                }
            }
        }
        return persisted;
    }
}
