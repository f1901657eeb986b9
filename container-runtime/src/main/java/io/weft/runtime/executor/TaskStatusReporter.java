package io.weft.runtime.executor;

import io.weft.planner.TaskOutcome;

/**
 * Where an executor reports how its task attempts end: straight to the scheduler in local mode, over the
 * network from an executor JVM. Called on task threads, exactly once per launched attempt.
 */
public interface TaskStatusReporter {

    /**
     * @param taskId the attempt
     * @param outcome how it ended
     */
    void taskEnded(long taskId, TaskOutcome outcome);
}
