package io.weft.planner;

/**
 * Observes the scheduler: for logs, progress, metrics and tests. Called on the scheduler thread; implementations
 * must return quickly and must not call back into the scheduler.
 */
public interface SchedulerListener {

    /**
     * @param jobId the job
     * @param callSite the action and where it was called
     * @param finalStage its result stage
     */
    default void jobStarted(int jobId, String callSite, ResultStage finalStage) {
    }

    /**
     * What the scheduler calls; by default the three-argument form.
     *
     * @param jobId the job
     * @param callSite the action and where it was called
     * @param finalStage its result stage
     * @param properties its description and group, as the submitting thread set them
     */
    default void jobStarted(int jobId, String callSite, ResultStage finalStage, JobProperties properties) {
        jobStarted(jobId, callSite, finalStage);
    }

    /**
     * @param jobId the job
     * @param error {@code null} when it succeeded
     */
    default void jobEnded(int jobId, Throwable error) {
    }

    /**
     * @param stage the stage
     * @param attempt its attempt number
     * @param tasks how many tasks this attempt runs
     */
    default void stageSubmitted(Stage stage, int attempt, int tasks) {
    }

    /** @param stage a stage whose outputs are all available, or whose job's results are all in */
    default void stageCompleted(Stage stage) {
    }

    /**
     * @param task the attempt
     * @param executorId where it runs
     */
    default void taskStarted(TaskDescription task, String executorId) {
    }

    /**
     * What the scheduler calls; by default the two-argument form.
     *
     * @param task the attempt
     * @param executorId where it runs
     * @param speculative whether it is a speculative copy of a slow attempt still running
     */
    default void taskStarted(TaskDescription task, String executorId, boolean speculative) {
        taskStarted(task, executorId);
    }

    /**
     * What the scheduler calls; by default the three-argument form.
     *
     * @param task the attempt
     * @param executorId where it runs
     * @param speculative whether it is a speculative copy of a slow attempt still running
     * @param locality how close to its input it runs
     */
    default void taskStarted(TaskDescription task, String executorId, boolean speculative, TaskLocality locality) {
        taskStarted(task, executorId, speculative);
    }

    /**
     * @param task the attempt
     * @param executorId where it ran
     * @param outcome how it ended
     */
    default void taskEnded(TaskDescription task, String executorId, TaskOutcome outcome) {
    }

    /**
     * @param executorId an executor that can now run tasks
     * @param host its host
     * @param cores how many tasks it runs at once
     * @param containerId its YARN container, or null outside YARN
     * @param logUrl where its logs are (the NodeManager's page), or null
     */
    default void executorAdded(String executorId, String host, int cores, String containerId, String logUrl) {
    }

    /**
     * @param executorId an executor that is gone
     * @param reason why
     */
    default void executorRemoved(String executorId, String reason) {
    }

    /**
     * @param executorId an executor that heartbeated
     * @param metrics its JVM's health
     */
    default void executorMetrics(String executorId, ExecutorJvmMetrics metrics) {
    }

    /**
     * @param executorId an executor that gets no tasks for a while after repeated task failures
     * @param host its host
     * @param wholeNode whether the whole host is excluded
     */
    default void executorExcluded(String executorId, String host, boolean wholeNode) {
    }

    /**
     * @param stage a map stage some of whose outputs an earlier driver attempt committed
     * @param outputs how many outputs were reused rather than recomputed
     */
    default void mapOutputsRecovered(ShuffleMapStage stage, int outputs) {
    }
}
