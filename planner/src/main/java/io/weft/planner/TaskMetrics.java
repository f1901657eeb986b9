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
 * @param gcMillis garbage-collection time of the executor JVM while the task ran (shared by the tasks running
 *     at the same time, as in Spark)
 * @param resultBytes bytes of a result task's serialized result
 * @param recordsRead records read from file splits and shuffles
 * @param inputBytes bytes of the file splits the task read
 * @param deserializeNanos part of {@code runNanos} spent deserializing the stage's binary
 * @param shuffleReadNanos part of {@code runNanos} spent opening and reading shuffle files (waiting for bytes, not
 *     decoding records)
 * @param shuffleWriteNanos part of {@code runNanos} spent committing the map output (its final sort, write and
 *     merge of spills)
 * @param resultNanos part of {@code runNanos} spent serializing a result task's result
 */
public record TaskMetrics(long runNanos, long recordsWritten, long shuffleBytesWritten, long shuffleBytesRead,
        int spillCount, long gcMillis, long resultBytes, long recordsRead, long inputBytes, long deserializeNanos,
        long shuffleReadNanos, long shuffleWriteNanos, long resultNanos) implements Serializable {

    /** Metrics of a task that reported none. */
    public static final TaskMetrics EMPTY = new TaskMetrics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
