package io.weft.planner;

import io.weft.api.RemoteTaskException;
import java.io.Serializable;
import java.util.Map;

/** How a task attempt ended, as reported by its executor (or by the backend when the executor is gone). */
public sealed interface TaskOutcome extends Serializable {

    /**
     * The task finished.
     *
     * @param result a result task's serialized result, or {@code null} for a map task
     * @param mapStatus a map task's committed output, or {@code null} for a result task
     * @param accumulatorUpdates accumulator id to the attempt's update (opaque to the planner: a task's copy of the
     *     accumulator), counted only for a partition's first success
     * @param metrics what the task did
     */
    record Success(byte[] result, MapStatus mapStatus, Map<Long, ?> accumulatorUpdates, TaskMetrics metrics)
            implements TaskOutcome {
    }

    /**
     * The task threw.
     *
     * @param error the exception as rebuilt from the executor
     */
    record Failed(RemoteTaskException error) implements TaskOutcome {
    }

    /**
     * A map output could not be read: only that output is recomputed.
     *
     * @param shuffleId the shuffle
     * @param mapIndex the map partition whose output is unreadable
     * @param message why
     */
    record FetchFailed(int shuffleId, int mapIndex, String message) implements TaskOutcome {
    }

    /**
     * The executor running the task was lost.
     *
     * @param reason why
     * @param causedByTask false when the loss cannot be the task's doing (the container was preempted, released,
     *     or its node was lost or decommissioned): the task is then retried without counting a failure
     */
    record ExecutorLost(String reason, boolean causedByTask) implements TaskOutcome {

        /** @param reason why; the loss counts as a failure of the tasks that were running there */
        public ExecutorLost(String reason) {
            this(reason, true);
        }
    }

    /** The task was killed by the driver (its stage or job ended). */
    record Killed() implements TaskOutcome {
    }
}
