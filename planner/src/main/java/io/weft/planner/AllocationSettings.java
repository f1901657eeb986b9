package io.weft.planner;

/**
 * How many executors dynamic allocation keeps, and how fast it changes that ({@code weft.dynamicAllocation.*}).
 *
 * @param minExecutors executors kept however idle they are
 * @param maxExecutors most executors asked for; {@link Integer#MAX_VALUE} for no limit
 * @param initialExecutors executors asked for at start
 * @param tasksPerExecutor tasks one executor runs at once (its cores)
 * @param idleTimeoutMillis idle time after which an executor is released
 * @param cachedIdleTimeoutMillis the same for an executor that may hold cached partitions; {@link Long#MAX_VALUE}
 *     for never
 * @param backlogTimeoutMillis how long tasks wait for a core before more executors are asked for
 * @param sustainedBacklogTimeoutMillis how long after that, while tasks still wait, the next (doubled) round is
 *     asked for
 */
public record AllocationSettings(int minExecutors, int maxExecutors, int initialExecutors, int tasksPerExecutor,
        long idleTimeoutMillis, long cachedIdleTimeoutMillis, long backlogTimeoutMillis,
        long sustainedBacklogTimeoutMillis) {

    /**
     * @throws IllegalArgumentException when the numbers contradict each other (the driver checks the settings
     *     first and names the key to change)
     */
    public AllocationSettings {
        if (minExecutors < 0 || minExecutors > maxExecutors || initialExecutors < minExecutors
                || initialExecutors > maxExecutors || tasksPerExecutor < 1) {
            throw new IllegalArgumentException("need 0 <= min (" + minExecutors + ") <= initial ("
                    + initialExecutors + ") <= max (" + maxExecutors + ") and tasks per executor ("
                    + tasksPerExecutor + ") >= 1");
        }
    }
}
