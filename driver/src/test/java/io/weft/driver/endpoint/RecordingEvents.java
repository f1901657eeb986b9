package io.weft.driver.endpoint;

import io.weft.planner.ClusterEvents;
import io.weft.planner.ExecutorJvmMetrics;
import io.weft.planner.TaskOutcome;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what the endpoint tells the scheduler. */
public final class RecordingEvents implements ClusterEvents {
    public final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void executorAdded(String executorId, String host, int cores, String containerId, String logUrl) {
        events.add("added " + executorId);
    }

    @Override
    public void executorHeartbeat(String executorId, ExecutorJvmMetrics metrics) {
        events.add("heartbeat " + executorId);
    }

    @Override
    public void executorDisconnected(String executorId) {
        events.add("disconnected " + executorId);
    }

    @Override
    public void executorLost(String executorId, String reason, boolean causedByTasks) {
        events.add("lost " + executorId + " (" + (causedByTasks ? "counts" : "does not count") + "): " + reason);
    }

    @Override
    public void taskEnded(long taskId, TaskOutcome outcome) {
        events.add("ended " + taskId + ": " + outcome);
    }

    @Override
    public void abort(String reason) {
        events.add("abort: " + reason);
    }

    List<String> lost() {
        return events.stream().filter(e -> e.startsWith("lost ")).toList();
    }
}
