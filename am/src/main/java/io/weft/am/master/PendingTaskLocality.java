package io.weft.am.master;

import io.weft.planner.SchedulerListener;
import io.weft.planner.Stage;
import io.weft.planner.TaskDescription;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the input of tasks that have not started yet lives: for each host, how many waiting tasks would read
 * their input there (HDFS block locations of input splits). The ApplicationMaster asks for containers on those
 * hosts, with relaxed locality so YARN can place them elsewhere when they are busy.
 *
 * <p>The scheduler thread writes through the listener methods; the allocator thread reads {@link #hostCounts()}.
 * A resubmitted stage counts all its partitions, not only the missing ones: the counts are hints, and an
 * overestimate only makes a container request name a host that holds some input anyway.
 */
public final class PendingTaskLocality implements SchedulerListener {

    private final Map<Integer, Map<Integer, List<String>>> waitingByStage = new HashMap<>();
    /** Kept as tasks start, so a container request never walks every waiting task (100,000 in a big stage). */
    private final Map<String, Integer> counts = new HashMap<>();
    private final Runnable onNewStage;

    /** @param onNewStage called (on the scheduler thread) when a stage with input locations is submitted */
    public PendingTaskLocality(Runnable onNewStage) {
        this.onNewStage = onNewStage;
    }

    @Override
    public void stageSubmitted(Stage stage, int attempt, int tasks) {
        Map<Integer, List<String>> waiting = new HashMap<>();
        for (int partition = 0; partition < stage.numPartitions(); partition++) {
            List<String> hosts = stage.node().preferredLocations(partition);
            if (!hosts.isEmpty()) {
                waiting.put(partition, hosts);
            }
        }
        boolean any = !waiting.isEmpty();
        synchronized (this) {
            forget(any ? waitingByStage.put(stage.id(), waiting) : waitingByStage.remove(stage.id()));
            if (any) {
                waiting.values().forEach(hosts -> hosts.forEach(host -> counts.merge(host, 1, Integer::sum)));
            }
        }
        if (any) {
            onNewStage.run();
        }
    }

    @Override
    public synchronized void taskStarted(TaskDescription task, String executorId) {
        Map<Integer, List<String>> waiting = waitingByStage.get(task.stageId());
        if (waiting != null) {
            List<String> hosts = waiting.remove(task.partition());
            if (hosts != null) {
                forget(Map.of(task.partition(), hosts));
            }
            if (waiting.isEmpty()) {
                waitingByStage.remove(task.stageId());
            }
        }
    }

    @Override
    public synchronized void stageCompleted(Stage stage) {
        forget(waitingByStage.remove(stage.id()));
    }

    /** @return host to the number of waiting tasks whose input is there; any thread, O(hosts) */
    public synchronized Map<String, Integer> hostCounts() {
        return new HashMap<>(counts);
    }

    /** Takes tasks that no longer wait out of the counts; the caller holds the lock. */
    private void forget(Map<Integer, List<String>> tasks) {
        if (tasks == null) {
            return;
        }
        for (List<String> hosts : tasks.values()) {
            for (String host : hosts) {
                counts.computeIfPresent(host, (h, n) -> n == 1 ? null : n - 1);
            }
        }
    }
}
