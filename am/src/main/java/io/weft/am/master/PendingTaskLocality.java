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
            if (any) {
                waitingByStage.put(stage.id(), waiting);
            } else {
                waitingByStage.remove(stage.id());
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
            waiting.remove(task.partition());
            if (waiting.isEmpty()) {
                waitingByStage.remove(task.stageId());
            }
        }
    }

    @Override
    public synchronized void stageCompleted(Stage stage) {
        waitingByStage.remove(stage.id());
    }

    /** @return host to the number of waiting tasks whose input is there; any thread */
    public synchronized Map<String, Integer> hostCounts() {
        Map<String, Integer> counts = new HashMap<>();
        for (Map<Integer, List<String>> waiting : waitingByStage.values()) {
            for (List<String> hosts : waiting.values()) {
                for (String host : hosts) {
                    counts.merge(host, 1, Integer::sum);
                }
            }
        }
        return counts;
    }
}
