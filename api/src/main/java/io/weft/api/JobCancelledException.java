package io.weft.api;

/**
 * A job was cancelled before it finished: its job group was cancelled ({@link WeftSession#cancelJobGroup}) or all
 * jobs were ({@link WeftSession#cancelAllJobs}). Thrown by the action in the thread that ran it; its running tasks
 * were killed on the executors.
 *
 * <p>A subclass of {@link JobFailedException}, so code that handles failed jobs handles cancelled ones too; catch
 * this one first to tell them apart. The session stays usable: later jobs run normally, and shuffle outputs the
 * cancelled job completed are reused when its lineage runs again.
 */
public class JobCancelledException extends JobFailedException {

    private static final long serialVersionUID = 1L;

    private final String cancelledGroup;

    /**
     * @param message which job was cancelled, by which call, and that the session stays usable
     * @param cancelledGroup the job group that was cancelled, or {@code null} when all jobs were
     */
    public JobCancelledException(String message, String cancelledGroup) {
        super(message, -1, -1, null);
        this.cancelledGroup = cancelledGroup;
    }

    /** @return the job group whose cancellation ended the job, or {@code null} for {@code cancelAllJobs()} */
    public String cancelledGroup() {
        return cancelledGroup;
    }
}
