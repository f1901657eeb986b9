package io.weft.api;

/**
 * A job failed: a task of one of its stages failed more often than {@code weft.task.maxFailures} allows, or the
 * job could not be run at all. When a user function threw, {@link #getCause()} is a {@link RemoteTaskException}
 * carrying the original exception's class, message and stack trace from the executor.
 *
 * <p>The session stays usable after a failed job.
 */
public class JobFailedException extends WeftException {

    private static final long serialVersionUID = 1L;

    private final int stageId;
    private final int partition;

    /**
     * @param message what failed, naming the stage, partition and attempt count
     * @param stageId the stage that failed, or -1
     * @param partition the partition whose task failed, or -1
     * @param cause the task's failure
     */
    public JobFailedException(String message, int stageId, int partition, Throwable cause) {
        super(message, cause);
        this.stageId = stageId;
        this.partition = partition;
    }

    /**
     * @return the failed stage's id, or -1 when no single stage failed
     */
    public int stageId() {
        return stageId;
    }

    /**
     * @return the failed task's partition, or -1 when no single task failed
     */
    public int partition() {
        return partition;
    }
}
