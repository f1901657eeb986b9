package io.weft.status;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Map;

/**
 * What happened in a driver, as plain data: the status pages are built from these events, and the event log is
 * these events as JSON lines (one object per line, its kind in the {@code event} field), so a finished
 * application's pages can be rebuilt from its log. Times are epoch milliseconds.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "event")
@JsonSubTypes({
    @JsonSubTypes.Type(value = StatusEvent.ApplicationStarted.class, name = "ApplicationStarted"),
    @JsonSubTypes.Type(value = StatusEvent.ApplicationEnded.class, name = "ApplicationEnded"),
    @JsonSubTypes.Type(value = StatusEvent.JobStarted.class, name = "JobStarted"),
    @JsonSubTypes.Type(value = StatusEvent.JobEnded.class, name = "JobEnded"),
    @JsonSubTypes.Type(value = StatusEvent.StageSubmitted.class, name = "StageSubmitted"),
    @JsonSubTypes.Type(value = StatusEvent.StageCompleted.class, name = "StageCompleted"),
    @JsonSubTypes.Type(value = StatusEvent.TaskStarted.class, name = "TaskStarted"),
    @JsonSubTypes.Type(value = StatusEvent.TaskEnded.class, name = "TaskEnded"),
    @JsonSubTypes.Type(value = StatusEvent.ExecutorAdded.class, name = "ExecutorAdded"),
    @JsonSubTypes.Type(value = StatusEvent.ExecutorRemoved.class, name = "ExecutorRemoved"),
    @JsonSubTypes.Type(value = StatusEvent.ExecutorMetrics.class, name = "ExecutorMetrics"),
    @JsonSubTypes.Type(value = StatusEvent.ExecutorExcluded.class, name = "ExecutorExcluded"),
    @JsonSubTypes.Type(value = StatusEvent.MapOutputsRecovered.class, name = "MapOutputsRecovered")
})
public sealed interface StatusEvent {

    /** @return when it happened */
    long time();

    /**
     * @param time when
     * @param applicationId the application
     * @param name its name
     * @param settings its effective {@code weft.*} settings, secrets masked
     * @param user the user who owns the application (whom its view ACLs always admit); null in logs written
     *     before it was recorded
     */
    record ApplicationStarted(long time, String applicationId, String name, Map<String, String> settings,
            String user) implements StatusEvent {
    }

    /**
     * @param time when
     * @param succeeded whether the driver ended normally
     */
    record ApplicationEnded(long time, boolean succeeded) implements StatusEvent {
    }

    /**
     * A stage as a job first knows it.
     *
     * @param stageId the stage
     * @param name what it computes and where in the program
     * @param numTasks its partitions
     * @param parentIds the stages whose shuffle output it reads
     */
    record StageRef(int stageId, String name, int numTasks, List<Integer> parentIds) {
    }

    /**
     * @param time when
     * @param jobId the job
     * @param name the action and its call site
     * @param stages its stages, parents first
     * @param description the description its thread set ({@code setJobDescription}), or null
     * @param jobGroup the job group its thread set ({@code setJobGroup}), or null
     */
    record JobStarted(long time, int jobId, String name, List<StageRef> stages, String description,
            String jobGroup) implements StatusEvent {
    }

    /**
     * @param time when
     * @param jobId the job
     * @param error why it failed, or null when it succeeded
     */
    record JobEnded(long time, int jobId, String error) implements StatusEvent {
    }

    /**
     * @param time when
     * @param stageId the stage
     * @param attempt the attempt number
     * @param tasks tasks this attempt runs
     */
    record StageSubmitted(long time, int stageId, int attempt, int tasks) implements StatusEvent {
    }

    /**
     * @param time when
     * @param stageId a stage whose outputs are all available
     */
    record StageCompleted(long time, int stageId) implements StatusEvent {
    }

    /**
     * @param time when
     * @param taskId the attempt
     * @param stageId its stage
     * @param stageAttempt the stage attempt
     * @param partition the partition it computes
     * @param attempt 0 for the partition's first attempt in this stage attempt
     * @param executorId where it runs
     * @param speculative whether it is a speculative copy of a slow attempt
     * @param locality NODE_LOCAL, NO_PREF, RACK_LOCAL or ANY: how close to its input it runs; null in event logs
     *     written before it was recorded
     */
    record TaskStarted(long time, long taskId, int stageId, int stageAttempt, int partition, int attempt,
            String executorId, boolean speculative, String locality) implements StatusEvent {
    }

    /**
     * @param time when
     * @param executorId an executor that gets no tasks for a while after repeated task failures
     * @param host its host
     * @param wholeNode whether the whole host is excluded
     */
    record ExecutorExcluded(long time, String executorId, String host, boolean wholeNode) implements StatusEvent {
    }

    /**
     * @param time when
     * @param stageId a map stage whose outputs an earlier driver attempt committed
     * @param outputs how many were reused
     */
    record MapOutputsRecovered(long time, int stageId, int outputs) implements StatusEvent {
    }

    /**
     * @param time when
     * @param taskId the attempt
     * @param stageId its stage
     * @param executorId where it ran
     * @param status SUCCESS, FAILED, FETCH_FAILED, EXECUTOR_LOST or KILLED
     * @param error the failure with its stack trace, or null
     * @param runMillis time running on the executor
     * @param recordsWritten records written to the shuffle
     * @param shuffleBytesWritten bytes of committed map output
     * @param shuffleBytesRead bytes of shuffle input read
     * @param spills times the task spilled to local disk
     * @param gcMillis the executor JVM's garbage-collection time while the task ran
     * @param resultBytes a result task's serialized result
     * @param recordsRead records read from file splits and shuffles
     * @param inputBytes bytes of the file splits it read
     * @param deserializeMicros part of {@code runMillis} deserializing the stage's code (0 in older event logs)
     * @param shuffleReadMicros part of {@code runMillis} opening and reading shuffle files
     * @param shuffleWriteMicros part of {@code runMillis} committing the map output
     * @param resultMicros part of {@code runMillis} serializing a result task's result
     */
    record TaskEnded(long time, long taskId, int stageId, String executorId, String status, String error,
            long runMillis, long recordsWritten, long shuffleBytesWritten, long shuffleBytesRead, int spills,
            long gcMillis, long resultBytes, long recordsRead, long inputBytes, long deserializeMicros,
            long shuffleReadMicros, long shuffleWriteMicros, long resultMicros) implements StatusEvent {
    }

    /**
     * @param time when
     * @param executorId the executor
     * @param host its host
     * @param cores tasks it runs at once
     * @param containerId its YARN container, or null
     * @param logUrl its logs on the NodeManager, or null
     */
    record ExecutorAdded(long time, String executorId, String host, int cores, String containerId, String logUrl)
            implements StatusEvent {
    }

    /**
     * @param time when
     * @param executorId the executor
     * @param reason why it is gone
     */
    record ExecutorRemoved(long time, String executorId, String reason) implements StatusEvent {
    }

    /**
     * @param time when the heartbeat arrived
     * @param executorId the executor
     * @param heapUsed heap bytes in use
     * @param heapMax the heap's limit
     * @param gcMillis total garbage-collection time
     * @param threads live threads
     */
    record ExecutorMetrics(long time, String executorId, long heapUsed, long heapMax, long gcMillis, int threads)
            implements StatusEvent {
    }
}
