package io.weft.conf;

import java.util.List;

/**
 * The {@code weft.dynamicAllocation.*} settings: how many executors a YARN application holds as its work grows and
 * shrinks. A {@link ConfigKeySet} of its own (listed in {@code META-INF/services}), so the keys read together; the
 * driver turns them into the scheduler's allocation policy and checks that they agree with each other.
 */
public final class AllocationConfigKeys implements ConfigKeySet {

    /** Whether executors come and go with the work. */
    public static final ConfigKey<Boolean> ENABLED = ConfigKeys.bool("weft.dynamicAllocation.enabled", "false",
            "YARN only: whether the application asks for executors while tasks wait and gives idle ones back."
                    + " Ignored, with a warning, in local and local-cluster modes.");

    /** Fewest executors. */
    public static final ConfigKey<Integer> MIN_EXECUTORS = nonNegativeInt("weft.dynamicAllocation.minExecutors", "0",
            "Executors kept however idle they are.");

    /** Most executors. */
    public static final ConfigKey<Integer> MAX_EXECUTORS = ConfigKeys.positiveInt(
            "weft.dynamicAllocation.maxExecutors", null, "Most executors asked for at once. Default: no limit.");

    /** Executors at start. */
    public static final ConfigKey<Integer> INITIAL_EXECUTORS = nonNegativeInt(
            "weft.dynamicAllocation.initialExecutors", null,
            "Executors asked for when the application starts. Default: weft.dynamicAllocation.minExecutors.");

    /** Idle time before an executor is released. */
    public static final ConfigKey<Long> EXECUTOR_IDLE_TIMEOUT = ConfigKeys.duration(
            "weft.dynamicAllocation.executorIdleTimeout", "60s",
            "An executor that has run no task for this long is released (its map outputs stay on the shared"
                    + " file system).");

    /** Idle time before an executor holding cached partitions is released. */
    public static final ConfigKey<Long> CACHED_EXECUTOR_IDLE_TIMEOUT = ConfigKeys.duration(
            "weft.dynamicAllocation.cachedExecutorIdleTimeout", null,
            "The same for an executor that may hold cached partitions of a node still persisted. Default: for ever.");

    /** Backlog time before the first request. */
    public static final ConfigKey<Long> SCHEDULER_BACKLOG_TIMEOUT = ConfigKeys.duration(
            "weft.dynamicAllocation.schedulerBacklogTimeout", "1s",
            "Tasks that have waited this long for a core make the application ask for more executors.");

    /** Backlog time between further requests. */
    public static final ConfigKey<Long> SUSTAINED_SCHEDULER_BACKLOG_TIMEOUT = ConfigKeys.duration(
            "weft.dynamicAllocation.sustainedSchedulerBacklogTimeout", null,
            "While tasks keep waiting, the application asks again after this long, each time for twice as many"
                    + " executors as the time before (1, 2, 4, ...), never more than the waiting and running tasks"
                    + " need nor weft.dynamicAllocation.maxExecutors. Default:"
                    + " weft.dynamicAllocation.schedulerBacklogTimeout.");

    /** Every key of this set. */
    public static final List<ConfigKey<?>> ALL = List.of(ENABLED, MIN_EXECUTORS, MAX_EXECUTORS, INITIAL_EXECUTORS,
            EXECUTOR_IDLE_TIMEOUT, CACHED_EXECUTOR_IDLE_TIMEOUT, SCHEDULER_BACKLOG_TIMEOUT,
            SUSTAINED_SCHEDULER_BACKLOG_TIMEOUT);

    @Override
    public List<ConfigKey<?>> keys() {
        return ALL;
    }

    private static ConfigKey<Integer> nonNegativeInt(String name, String def, String doc) {
        return new ConfigKey<>(name, def, "a non-negative integer", s -> {
            int v = Integer.parseInt(s.trim());
            if (v < 0) {
                throw new IllegalArgumentException("negative");
            }
            return v;
        }, doc);
    }
}
