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
 * @param locality how long tasks wait for an executor near their input
 * @param tasksInFlightPerCore attempts launched per core of an executor ({@code weft.scheduler.tasksInFlightPerCore});
 *     those beyond its cores queue on it, and only tasks on their input host or without a preferred host take such
 *     a queued slot
 * @param mode how free cores are shared between the jobs' pools ({@code weft.scheduler.mode})
 */
public record SchedulerConfig(int maxTaskFailures, int maxStageAttempts, Exclusion exclusion,
        Speculation speculation, Locality locality, int tasksInFlightPerCore, Mode mode) {

    /**
     * @throws IllegalArgumentException when {@code tasksInFlightPerCore} is below 1
     * @throws NullPointerException when {@code mode} is null
     */
    public SchedulerConfig {
        if (tasksInFlightPerCore < 1) {
            throw new IllegalArgumentException("Tasks in flight per core must be at least 1, not "
                    + tasksInFlightPerCore + "; fix weft.scheduler.tasksInFlightPerCore");
        }
        java.util.Objects.requireNonNull(mode, "mode");
    }

    /**
     * Limits and policies under FIFO scheduling.
     *
     * @param maxTaskFailures see the record
     * @param maxStageAttempts see the record
     * @param exclusion see the record
     * @param speculation see the record
     * @param locality see the record
     * @param tasksInFlightPerCore see the record
     */
    public SchedulerConfig(int maxTaskFailures, int maxStageAttempts, Exclusion exclusion, Speculation speculation,
            Locality locality, int tasksInFlightPerCore) {
        this(maxTaskFailures, maxStageAttempts, exclusion, speculation, locality, tasksInFlightPerCore, Mode.FIFO);
    }

    /**
     * Limits and policies with one task in flight per core.
     *
     * @param maxTaskFailures see the record
     * @param maxStageAttempts see the record
     * @param exclusion see the record
     * @param speculation see the record
     * @param locality see the record
     */
    public SchedulerConfig(int maxTaskFailures, int maxStageAttempts, Exclusion exclusion, Speculation speculation,
            Locality locality) {
        this(maxTaskFailures, maxStageAttempts, exclusion, speculation, locality, 1);
    }

    /** Spark's defaults: 4 attempts, 4 stage attempts; exclusion on, speculation off, 3 s locality waits. */
    public static final SchedulerConfig DEFAULTS = new SchedulerConfig(4, 4);

    /**
     * Limits and policies with the default locality waits.
     *
     * @param maxTaskFailures see the record
     * @param maxStageAttempts see the record
     * @param exclusion see the record
     * @param speculation see the record
     */
    public SchedulerConfig(int maxTaskFailures, int maxStageAttempts, Exclusion exclusion, Speculation speculation) {
        this(maxTaskFailures, maxStageAttempts, exclusion, speculation, Locality.DEFAULTS);
    }

    /**
     * Limits with default exclusion and no speculation.
     *
     * @param maxTaskFailures see the record
     * @param maxStageAttempts see the record
     */
    public SchedulerConfig(int maxTaskFailures, int maxStageAttempts) {
        this(maxTaskFailures, maxStageAttempts, Exclusion.DEFAULTS, Speculation.OFF, Locality.DEFAULTS);
    }

    /** @return these limits with other locality waits */
    public SchedulerConfig withLocality(Locality waits) {
        return new SchedulerConfig(maxTaskFailures, maxStageAttempts, exclusion, speculation, waits,
                tasksInFlightPerCore, mode);
    }

    /** @return these limits with another number of attempts launched per core */
    public SchedulerConfig withTasksInFlightPerCore(int perCore) {
        return new SchedulerConfig(maxTaskFailures, maxStageAttempts, exclusion, speculation, locality, perCore,
                mode);
    }

    /** @return these limits with another way of sharing cores between pools */
    public SchedulerConfig withMode(Mode sharing) {
        return new SchedulerConfig(maxTaskFailures, maxStageAttempts, exclusion, speculation, locality,
                tasksInFlightPerCore, sharing);
    }

    /** How free cores are shared between jobs ({@code weft.scheduler.mode}). */
    public enum Mode {
        /** Task sets in the order their stages were submitted, whatever their jobs' pools. */
        FIFO,
        /**
         * Each free core to the pool ({@link JobProperties#pool()}) with the fewest running tasks, ties to the pool
         * whose waiting task set was submitted first; within a pool, FIFO. Nothing running is ever killed for it.
         */
        FAIR
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

    /**
     * Delay scheduling ({@code weft.locality.wait*}): how long a task set with input-local tasks waits for a free
     * core near the input before it takes a less local one. Tasks without a preferred host never wait.
     *
     * @param nodeWaitMillis how long, without a launch on an input host, before rack-local launches are allowed
     * @param rackWaitMillis how long, without a rack-local launch, before launches anywhere are allowed
     */
    public record Locality(long nodeWaitMillis, long rackWaitMillis) {

        /** Spark's default: 3 s at each level. */
        public static final Locality DEFAULTS = new Locality(3_000L, 3_000L);

        /** No waiting: every task launches on the first free core, still the most local one offered. */
        public static final Locality OFF = new Locality(0, 0);

        /** @throws IllegalArgumentException when a wait is negative */
        public Locality {
            if (nodeWaitMillis < 0 || rackWaitMillis < 0) {
                throw new IllegalArgumentException("Locality waits must not be negative: node " + nodeWaitMillis
                        + " ms, rack " + rackWaitMillis + " ms; fix weft.locality.wait*");
            }
        }

        /** @return whether any level waits, so the scheduler needs a timer to notice a wait ending */
        public boolean waits() {
            return nodeWaitMillis > 0 || rackWaitMillis > 0;
        }
    }
}
