package io.weft.planner;

/**
 * What a cluster backend tells the scheduler: executors coming, beating and going, tasks ending, and the end of
 * all hope. The narrow port between a backend (or the driver endpoint inside it) and {@link DagScheduler}, so
 * either side can be tested with a hand-written fake of the other.
 *
 * <p>Every method may be called from any thread and must not block: the scheduler only enqueues an event for its
 * own thread.
 */
public interface ClusterEvents {

    /**
     * An executor can run tasks.
     *
     * @param executorId its id
     * @param host its host (in a YARN container, its NodeManager's host)
     * @param cores how many tasks it runs at once
     * @param containerId its YARN container, or null
     * @param logUrl where its logs are, or null
     */
    void executorAdded(String executorId, String host, int cores, String containerId, String logUrl);

    /**
     * An executor's heartbeat carried its JVM's health.
     *
     * @param executorId its id
     * @param metrics its JVM's health
     */
    void executorHeartbeat(String executorId, ExecutorJvmMetrics metrics);

    /**
     * An executor's connection dropped and the cluster has not yet said why: it gets no more tasks, but its
     * running tasks stay where they are until {@link #executorLost} gives the reason their failure will carry.
     *
     * @param executorId its id
     */
    void executorDisconnected(String executorId);

    /**
     * An executor is gone; its running tasks are retried elsewhere.
     *
     * @param executorId its id
     * @param reason why, for the tasks' failure messages
     * @param causedByTasks whether the loss counts as a failure of the tasks that were running there; false for
     *     losses no task can cause (preemption, a lost or decommissioned node)
     */
    void executorLost(String executorId, String reason, boolean causedByTasks);

    /**
     * A task attempt ended. Exactly once per launched attempt; later reports are ignored.
     *
     * @param taskId the attempt
     * @param outcome how it ended
     */
    void taskEnded(long taskId, TaskOutcome outcome);

    /**
     * The backend can never run tasks again (its executors keep failing, or the cluster application ended): every
     * running job, and every job submitted from now on, fails with the reason.
     *
     * @param reason what happened and what to do about it
     */
    void abort(String reason);
}
