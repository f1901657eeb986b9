package io.weft.planner;

/**
 * What the submitting thread said about a job (Spark's local properties): shown with the job, and used to cancel
 * it by group. Travels with the job's submission, so it is the submitting thread's value at that moment.
 *
 * @param description a description for the status UI and event log, or null
 * @param groupId the job group, or null
 * @param interruptOnCancel Spark's flag, recorded; a cancelled job's tasks are killed by interrupt either way
 */
public record JobProperties(String description, String groupId, boolean interruptOnCancel) {

    /** No description, no group. */
    public static final JobProperties NONE = new JobProperties(null, null, false);
}
