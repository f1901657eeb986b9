package io.weft.status;

import io.weft.planner.JobProperties;
import io.weft.planner.ResultStage;
import io.weft.planner.SchedulerListener;
import io.weft.planner.Stage;
import io.weft.planner.TaskDescription;
import io.weft.planner.TaskMetrics;
import io.weft.planner.TaskOutcome;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Turns the scheduler's callbacks, which carry live planner objects, into {@link StatusEvent}s, which are plain
 * data, and hands each to a sink. Called on the scheduler thread, like every {@link SchedulerListener}; the sink
 * must be quick.
 */
public final class SchedulerEvents implements SchedulerListener {

    private final Clock clock;
    private final Consumer<StatusEvent> sink;

    /**
     * @param clock event times
     * @param sink where events go
     */
    public SchedulerEvents(Clock clock, Consumer<StatusEvent> sink) {
        this.clock = clock;
        this.sink = sink;
    }

    @Override
    public void jobStarted(int jobId, String callSite, ResultStage finalStage) {
        jobStarted(jobId, callSite, finalStage, JobProperties.NONE);
    }

    @Override
    public void jobStarted(int jobId, String callSite, ResultStage finalStage, JobProperties properties) {
        Set<Stage> ordered = new LinkedHashSet<>();
        collect(finalStage, ordered);
        List<StatusEvent.StageRef> stages = new ArrayList<>();
        for (Stage stage : ordered) {
            stages.add(new StatusEvent.StageRef(stage.id(), stage.describe(), stage.numPartitions(),
                    stage.parents().stream().map(Stage::id).toList()));
        }
        sink.accept(new StatusEvent.JobStarted(clock.millis(), jobId, callSite, stages, properties.description(),
                properties.groupId()));
    }

    private static void collect(Stage stage, Set<Stage> ordered) {
        for (Stage parent : stage.parents()) {
            collect(parent, ordered);
        }
        ordered.add(stage);
    }

    @Override
    public void jobEnded(int jobId, Throwable error) {
        sink.accept(new StatusEvent.JobEnded(clock.millis(), jobId, error == null ? null : String.valueOf(
                error.getMessage())));
    }

    @Override
    public void stageSubmitted(Stage stage, int attempt, int tasks) {
        sink.accept(new StatusEvent.StageSubmitted(clock.millis(), stage.id(), attempt, tasks));
    }

    @Override
    public void stageCompleted(Stage stage) {
        sink.accept(new StatusEvent.StageCompleted(clock.millis(), stage.id()));
    }

    @Override
    public void taskStarted(TaskDescription task, String executorId, boolean speculative) {
        taskStarted(task, executorId, speculative, null);
    }

    @Override
    public void taskStarted(TaskDescription task, String executorId, boolean speculative,
            io.weft.planner.TaskLocality locality) {
        sink.accept(new StatusEvent.TaskStarted(clock.millis(), task.taskId(), task.stageId(), task.stageAttempt(),
                task.partition(), task.attemptNumber(), executorId, speculative,
                locality == null ? null : locality.name()));
    }

    @Override
    public void executorExcluded(String executorId, String host, boolean wholeNode) {
        sink.accept(new StatusEvent.ExecutorExcluded(clock.millis(), executorId, host, wholeNode));
    }

    @Override
    public void mapOutputsRecovered(io.weft.planner.ShuffleMapStage stage, int outputs) {
        sink.accept(new StatusEvent.MapOutputsRecovered(clock.millis(), stage.id(), outputs));
    }

    @Override
    public void taskEnded(TaskDescription task, String executorId, TaskOutcome outcome) {
        TaskMetrics metrics = outcome instanceof TaskOutcome.Success success && success.metrics() != null
                ? success.metrics() : TaskMetrics.EMPTY;
        String status;
        String error = null;
        if (outcome instanceof TaskOutcome.Success) {
            status = "SUCCESS";
        } else if (outcome instanceof TaskOutcome.Failed failed) {
            status = "FAILED";
            StringWriter trace = new StringWriter();
            failed.error().printStackTrace(new PrintWriter(trace));
            error = trace.toString();
        } else if (outcome instanceof TaskOutcome.FetchFailed fetch) {
            status = "FETCH_FAILED";
            error = "shuffle " + fetch.shuffleId() + " map " + fetch.mapIndex() + ": " + fetch.message();
        } else if (outcome instanceof TaskOutcome.ExecutorLost lost) {
            status = "EXECUTOR_LOST";
            error = lost.reason();
        } else {
            status = "KILLED";
        }
        sink.accept(new StatusEvent.TaskEnded(clock.millis(), task.taskId(), task.stageId(), executorId, status,
                error, TimeUnit.NANOSECONDS.toMillis(metrics.runNanos()), metrics.recordsWritten(),
                metrics.shuffleBytesWritten(), metrics.shuffleBytesRead(), metrics.spillCount(), metrics.gcMillis(),
                metrics.resultBytes(), metrics.recordsRead(), metrics.inputBytes(),
                micros(metrics.deserializeNanos()),
                micros(metrics.shuffleReadNanos()),
                micros(metrics.shuffleWriteNanos()),
                micros(metrics.resultNanos())));
    }

    /**
     * Rounds up, so a phase that took place shows as at least 1 µs and 0 keeps meaning "did not happen" (serializing
     * a small result takes well under a microsecond).
     */
    private static long micros(long nanos) {
        return nanos <= 0 ? 0 : (nanos + 999) / 1000;
    }

    @Override
    public void executorAdded(String executorId, String host, int cores, String containerId, String logUrl) {
        sink.accept(new StatusEvent.ExecutorAdded(clock.millis(), executorId, host, cores, containerId, logUrl));
    }

    @Override
    public void executorRemoved(String executorId, String reason) {
        sink.accept(new StatusEvent.ExecutorRemoved(clock.millis(), executorId, reason));
    }

    @Override
    public void executorMetrics(String executorId, io.weft.planner.ExecutorJvmMetrics metrics) {
        sink.accept(new StatusEvent.ExecutorMetrics(clock.millis(), executorId, metrics.heapUsed(),
                metrics.heapMax(), metrics.gcMillis(), metrics.threads()));
    }
}
