package io.weft.am.master;

import io.weft.planner.ClusterEvents;
import io.weft.planner.ExecutorJvmMetrics;
import io.weft.planner.TaskOutcome;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A scheduler for tests that records which executors were added ({@code id/cores}) and lost, and why jobs were
 * aborted, and ignores the rest. Safe from any thread.
 */
final class RecordingClusterEvents implements ClusterEvents {
    final List<String> added = new CopyOnWriteArrayList<>();
    final List<String> lost = new CopyOnWriteArrayList<>();
    final List<String> aborted = new CopyOnWriteArrayList<>();

    @Override
    public void executorAdded(String executorId, String host, int cores, String containerId, String logUrl) {
        added.add(executorId + "/" + cores);
    }

    @Override
    public void executorHeartbeat(String executorId, ExecutorJvmMetrics metrics) {
    }

    @Override
    public void executorDisconnected(String executorId) {
    }

    @Override
    public void executorLost(String executorId, String reason, boolean causedByTasks) {
        lost.add(executorId);
    }

    @Override
    public void taskEnded(long taskId, TaskOutcome outcome) {
    }

    @Override
    public void abort(String reason) {
        aborted.add(reason);
    }
}
