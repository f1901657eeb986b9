package io.weft.planner;

import java.io.Serializable;

/**
 * Counters of one task attempt.
 *
 * @param runNanos wall time spent running the task on the executor
 * @param recordsWritten records written to the shuffle (map tasks)
 * @param shuffleBytesWritten bytes of the committed map output
 * @param shuffleBytesRead bytes of shuffle input read
 * @param spillCount how many times the task spilled to local disk
 */
public record TaskMetrics(long runNanos, long recordsWritten, long shuffleBytesWritten, long shuffleBytesRead,
        int spillCount) implements Serializable {

    /** Metrics of a task that reported none. */
    public static final TaskMetrics EMPTY = new TaskMetrics(0, 0, 0, 0, 0);
}
