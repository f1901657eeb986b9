package io.weft.am.master;

import io.weft.planner.SchedulerListener;
import io.weft.planner.Stage;
import io.weft.planner.TaskDescription;
import io.weft.planner.TaskOutcome;

/**
 * Turns scheduler events into the progress an ApplicationMaster reports to YARN: the fraction of the tasks
 * submitted so far that have succeeded (it can step back when a new stage is submitted, as the work grows).
 * Called on the scheduler thread.
 */
final class ProgressReporter implements SchedulerListener {

    private final java.util.function.Consumer<Float> sink;
    private long submitted;
    private long succeeded;

    ProgressReporter(java.util.function.Consumer<Float> sink) {
        this.sink = sink;
    }

    @Override
    public void stageSubmitted(Stage stage, int attempt, int tasks) {
        submitted += tasks;
        report();
    }

    @Override
    public void taskEnded(TaskDescription task, String executorId, TaskOutcome outcome) {
        if (outcome instanceof TaskOutcome.Success) {
            succeeded++;
            report();
        }
    }

    private void report() {
        sink.accept(submitted == 0 ? 0f : (float) succeeded / submitted);
    }
}
