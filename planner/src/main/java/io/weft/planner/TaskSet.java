package io.weft.planner;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The tasks of one stage attempt: which partitions wait, run, failed how often and where, and which are done.
 * A task set becomes a zombie when its stage attempt is abandoned (fetch failure, abort): it launches nothing
 * more, but the results of attempts still running are used. Used only on the scheduler thread.
 */
final class TaskSet {

    final Stage stage;
    final int stageAttempt;
    private final Deque<Integer> pending = new ArrayDeque<>();
    private final Map<Integer, Integer> attemptsStarted = new HashMap<>();
    private final Map<Integer, Integer> failures = new HashMap<>();
    private final Map<Integer, String> lastFailedExecutor = new HashMap<>();
    private int running;
    private int remaining;
    private boolean zombie;

    TaskSet(Stage stage, int stageAttempt, List<Integer> partitions) {
        this.stage = stage;
        this.stageAttempt = stageAttempt;
        pending.addAll(partitions);
        remaining = partitions.size();
    }

    boolean hasPending() {
        return !zombie && !pending.isEmpty();
    }

    /**
     * Takes a partition to run on an executor: one whose input is on the executor's host if any, avoiding a
     * partition that last failed on this executor when other executors could take it.
     */
    Integer poll(String executorId, String host, boolean otherExecutorsExist) {
        Integer fallback = null;
        for (Iterator<Integer> it = pending.iterator(); it.hasNext(); ) {
            Integer p = it.next();
            if (otherExecutorsExist && executorId.equals(lastFailedExecutor.get(p))) {
                continue;
            }
            List<String> preferred = stage.node().preferredLocations(partitionOf(p));
            if (preferred.isEmpty() || preferred.contains(host)) {
                it.remove();
                return p;
            }
            if (fallback == null) {
                fallback = p;
            }
        }
        if (fallback != null) {
            pending.remove(fallback);
        }
        return fallback;
    }

    /** @return the node partition a task index computes (result stages may compute a subset) */
    int partitionOf(int index) {
        return stage instanceof ResultStage result ? result.partition(index) : index;
    }

    int startAttempt(int partition) {
        running++;
        return attemptsStarted.merge(partition, 1, Integer::sum) - 1;
    }

    void attemptEnded() {
        running--;
    }

    void succeeded() {
        remaining--;
    }

    /** @return the partition's failure count after this failure */
    int failed(int partition, String executorId) {
        lastFailedExecutor.put(partition, executorId);
        return failures.merge(partition, 1, Integer::sum);
    }

    void retry(int partition) {
        pending.addFirst(partition);
    }

    int running() {
        return running;
    }

    int remaining() {
        return remaining;
    }

    boolean isZombie() {
        return zombie;
    }

    void markZombie() {
        zombie = true;
        pending.clear();
    }
}
