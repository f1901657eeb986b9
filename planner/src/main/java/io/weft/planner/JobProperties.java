package io.weft.planner;

/**
 * What the submitting thread said about a job (Spark's local properties): shown with the job, and used to cancel
 * it by group. Travels with the job's submission, so it is the submitting thread's value at that moment.
 *
 * @param description a description for the status UI and event log, or null
 * @param groupId the job group, or null
 * @param interruptOnCancel Spark's flag, recorded; a cancelled job's tasks are killed by interrupt either way
 * @param pool the scheduler pool ({@code weft.scheduler.pool}) its tasks share cores in under
 *     {@link SchedulerConfig.Mode#FAIR}; null means {@link #DEFAULT_POOL}
 */
public record JobProperties(String description, String groupId, boolean interruptOnCancel, String pool) {

    /** The pool of a job that names none. */
    public static final String DEFAULT_POOL = "default";

    /** No description, no group, the default pool. */
    public static final JobProperties NONE = new JobProperties(null, null, false);

    /** Replaces a null pool with {@link #DEFAULT_POOL}. */
    public JobProperties {
        if (pool == null) {
            pool = DEFAULT_POOL;
        }
    }

    /**
     * Properties in the default pool.
     *
     * @param description see the record
     * @param groupId see the record
     * @param interruptOnCancel see the record
     */
    public JobProperties(String description, String groupId, boolean interruptOnCancel) {
        this(description, groupId, interruptOnCancel, null);
    }
}
