package io.weft.driver;

import io.weft.planner.ResultStage;
import io.weft.planner.SchedulerListener;
import io.weft.planner.Stage;
import io.weft.planner.TaskDescription;
import io.weft.planner.TaskOutcome;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards scheduler events to any number of listeners (progress, UI, tests). Called on the scheduler thread;
 * listeners may be added from any thread. A listener that throws is logged and skipped, never allowed to break
 * scheduling.
 */
public final class ListenerBus implements SchedulerListener {

    private static final Logger LOG = LoggerFactory.getLogger(ListenerBus.class);

    private final List<SchedulerListener> listeners = new CopyOnWriteArrayList<>();

    /** @param listener to add */
    public void add(SchedulerListener listener) {
        listeners.add(listener);
    }

    /** @param listener to remove */
    public void remove(SchedulerListener listener) {
        listeners.remove(listener);
    }

    private void each(java.util.function.Consumer<SchedulerListener> call) {
        for (SchedulerListener listener : listeners) {
            try {
                call.accept(listener);
            } catch (RuntimeException e) {
                LOG.warn("Scheduler listener {} failed", listener, e);
            }
        }
    }

    @Override
    public void jobStarted(int jobId, String callSite, ResultStage finalStage) {
        each(l -> l.jobStarted(jobId, callSite, finalStage));
    }

    @Override
    public void jobStarted(int jobId, String callSite, ResultStage finalStage,
            io.weft.planner.JobProperties properties) {
        each(l -> l.jobStarted(jobId, callSite, finalStage, properties));
    }

    @Override
    public void jobEnded(int jobId, Throwable error) {
        each(l -> l.jobEnded(jobId, error));
    }

    @Override
    public void stageSubmitted(Stage stage, int attempt, int tasks) {
        each(l -> l.stageSubmitted(stage, attempt, tasks));
    }

    @Override
    public void stageCompleted(Stage stage) {
        each(l -> l.stageCompleted(stage));
    }

    @Override
    public void taskStarted(TaskDescription task, String executorId) {
        each(l -> l.taskStarted(task, executorId));
    }

    @Override
    public void taskStarted(TaskDescription task, String executorId, boolean speculative) {
        each(l -> l.taskStarted(task, executorId, speculative));
    }

    @Override
    public void taskStarted(TaskDescription task, String executorId, boolean speculative,
            io.weft.planner.TaskLocality locality) {
        each(l -> l.taskStarted(task, executorId, speculative, locality));
    }

    @Override
    public void executorExcluded(String executorId, String host, boolean wholeNode) {
        each(l -> l.executorExcluded(executorId, host, wholeNode));
    }

    @Override
    public void mapOutputsRecovered(io.weft.planner.ShuffleMapStage stage, int outputs) {
        each(l -> l.mapOutputsRecovered(stage, outputs));
    }

    @Override
    public void taskEnded(TaskDescription task, String executorId, TaskOutcome outcome) {
        each(l -> l.taskEnded(task, executorId, outcome));
    }

    @Override
    public void executorAdded(String executorId, String host, int cores, String containerId, String logUrl) {
        each(l -> l.executorAdded(executorId, host, cores, containerId, logUrl));
    }

    @Override
    public void executorRemoved(String executorId, String reason) {
        each(l -> l.executorRemoved(executorId, reason));
    }

    @Override
    public void executorMetrics(String executorId, io.weft.planner.ExecutorJvmMetrics metrics) {
        each(l -> l.executorMetrics(executorId, metrics));
    }
}
