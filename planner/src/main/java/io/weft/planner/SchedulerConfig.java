package io.weft.planner;

/**
 * The scheduler's limits.
 *
 * @param maxTaskFailures attempts of one partition before its stage, and the jobs that need it, fail
 *     ({@code weft.task.maxFailures})
 * @param maxStageAttempts consecutive fetch-failure resubmissions of one stage before its jobs fail
 *     ({@code weft.stage.maxConsecutiveAttempts})
 */
public record SchedulerConfig(int maxTaskFailures, int maxStageAttempts) {

    /** Spark's defaults: 4 and 4. */
    public static final SchedulerConfig DEFAULTS = new SchedulerConfig(4, 4);
}
