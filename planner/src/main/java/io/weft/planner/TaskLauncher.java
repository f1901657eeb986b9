package io.weft.planner;

/**
 * The cluster backend as the scheduler sees it: starts and kills task attempts on executors. Called on the
 * scheduler thread; implementations must not block (hand the work to their own threads) and must report every
 * launched task's end through {@link DagScheduler#taskEnded(long, TaskOutcome)}, exactly once.
 */
public interface TaskLauncher {

    /**
     * @param executorId an executor the scheduler was told about, with a free core
     * @param task the attempt to run
     */
    void launchTask(String executorId, TaskDescription task);

    /**
     * Best effort: the executor interrupts the attempt, which then ends as {@link TaskOutcome.Killed}.
     *
     * @param executorId where it runs
     * @param taskId the attempt
     */
    void killTask(String executorId, long taskId);

    /**
     * The hosts excluded after repeated task failures changed; a backend that asks for containers should avoid
     * them (YARN's blacklist). Called on the scheduler thread; must not block.
     *
     * @param hosts every host excluded now
     */
    default void excludedNodesChanged(java.util.Set<String> hosts) {
    }
}
