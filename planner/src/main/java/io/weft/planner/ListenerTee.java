package io.weft.planner;

/**
 * Passes every scheduler event to the application's listener and then to a second, internal one that can be set
 * later (dynamic allocation's). Only the most specific form of each event is forwarded: the schedulers call
 * those, and the listeners' defaults reach the shorter forms. Used only on the scheduler thread.
 */
final class ListenerTee implements SchedulerListener {

    private final SchedulerListener first;
    private SchedulerListener second = new SchedulerListener() { };

    ListenerTee(SchedulerListener first) {
        this.first = first;
    }

    /** @param listener hears every event after the application's listener; scheduler thread only */
    void setSecond(SchedulerListener listener) {
        second = listener;
    }

    @Override
    public void jobStarted(int jobId, String callSite, ResultStage finalStage, JobProperties properties) {
        first.jobStarted(jobId, callSite, finalStage, properties);
        second.jobStarted(jobId, callSite, finalStage, properties);
    }

    @Override
    public void jobEnded(int jobId, Throwable error) {
        first.jobEnded(jobId, error);
        second.jobEnded(jobId, error);
    }

    @Override
    public void stageSubmitted(Stage stage, int attempt, int tasks) {
        first.stageSubmitted(stage, attempt, tasks);
        second.stageSubmitted(stage, attempt, tasks);
    }

    @Override
    public void stageCompleted(Stage stage) {
        first.stageCompleted(stage);
        second.stageCompleted(stage);
    }

    @Override
    public void taskStarted(TaskDescription task, String executorId, boolean speculative, TaskLocality locality) {
        first.taskStarted(task, executorId, speculative, locality);
        second.taskStarted(task, executorId, speculative, locality);
    }

    @Override
    public void taskEnded(TaskDescription task, String executorId, TaskOutcome outcome) {
        first.taskEnded(task, executorId, outcome);
        second.taskEnded(task, executorId, outcome);
    }

    @Override
    public void executorAdded(String executorId, String host, int cores, String containerId, String logUrl) {
        first.executorAdded(executorId, host, cores, containerId, logUrl);
        second.executorAdded(executorId, host, cores, containerId, logUrl);
    }

    @Override
    public void executorRemoved(String executorId, String reason) {
        first.executorRemoved(executorId, reason);
        second.executorRemoved(executorId, reason);
    }

    @Override
    public void executorMetrics(String executorId, ExecutorJvmMetrics metrics) {
        first.executorMetrics(executorId, metrics);
        second.executorMetrics(executorId, metrics);
    }

    @Override
    public void executorExcluded(String executorId, String host, boolean wholeNode) {
        first.executorExcluded(executorId, host, wholeNode);
        second.executorExcluded(executorId, host, wholeNode);
    }

    @Override
    public void mapOutputsRecovered(ShuffleMapStage stage, int outputs) {
        first.mapOutputsRecovered(stage, outputs);
        second.mapOutputsRecovered(stage, outputs);
    }
}
