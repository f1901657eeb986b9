package io.weft.planner;

/**
 * The scheduler's limits and policies.
 *
 * @param maxTaskFailures attempts of one partition before its stage, and the jobs that need it, fail
 *     ({@code weft.task.maxFailures})
 * @param maxStageAttempts consecutive fetch-failure resubmissions of one stage before its jobs fail
 *     ({@code weft.stage.maxConsecutiveAttempts})
 * @param exclusion when executors and nodes stop getting tasks after failures
 * @param speculation when slow tasks get a second attempt
 */
public record SchedulerConfig(int maxTaskFailures, int maxStageAttempts, Exclusion exclusion,
        Speculation speculation) {

    /** Spark's defaults: 4 attempts, 4 stage attempts; exclusion on, speculation off. */
    public static final SchedulerConfig DEFAULTS = new SchedulerConfig(4, 4);

    /**
     * Limits with default exclusion and no speculation.
     *
     * @param maxTaskFailures see the record
     * @param maxStageAttempts see the record
     */
    public SchedulerConfig(int maxTaskFailures, int maxStageAttempts) {
        this(maxTaskFailures, maxStageAttempts, Exclusion.DEFAULTS, Speculation.OFF);
    }

    /**
     * Excluding executors and nodes that keep failing tasks ({@code weft.exclude.*}).
     *
     * @param enabled whether failures exclude anything
     * @param maxFailuresPerExecutor task failures on one executor, within {@code timeoutMillis}, that exclude it
     * @param maxExcludedExecutorsPerNode excluded executors on one host that exclude the whole host
     * @param timeoutMillis how long an exclusion lasts (and how long a failure counts)
     * @param unschedulableTimeoutMillis how long a stage may wait with every executor excluded before its jobs
     *     fail
     */
    public record Exclusion(boolean enabled, int maxFailuresPerExecutor, int maxExcludedExecutorsPerNode,
            long timeoutMillis, long unschedulableTimeoutMillis) {

        /** On: 2 failures exclude an executor, 2 excluded executors their node, for an hour; give up after 10 s. */
        public static final Exclusion DEFAULTS = new Exclusion(true, 2, 2, 3_600_000L, 10_000L);

        /** Nothing is ever excluded. */
        public static final Exclusion OFF = new Exclusion(false, Integer.MAX_VALUE, Integer.MAX_VALUE, 0, 0);
    }

    /**
     * Speculative execution ({@code weft.speculation*}).
     *
     * @param enabled whether slow tasks get a second attempt
     * @param quantile fraction of a stage's tasks that must have succeeded before any is speculated
     * @param multiplier how many times the median successful duration a task must have run to be slow
     * @param minMillis a task is never slow before running this long
     */
    public record Speculation(boolean enabled, double quantile, double multiplier, long minMillis) {

        /** No speculation. */
        public static final Speculation OFF = new Speculation(false, 0.75, 1.5, 1_000L);
    }
}
