package io.weft.conf;

import java.util.List;
import java.util.Locale;

/**
 * How the scheduler shares executor cores: tasks in flight per core, FIFO or FAIR between pools, and how many
 * executors it waits for before its first tasks. A
 * {@link ConfigKeySet} of its own (listed in {@code META-INF/services}).
 */
public final class SchedulerConfigKeys implements ConfigKeySet {

    /** Attempts launched per executor core; those beyond the cores queue on the executor. */
    public static final ConfigKey<Integer> TASKS_IN_FLIGHT_PER_CORE = ConfigKeys.positiveInt(
            "weft.scheduler.tasksInFlightPerCore", "1",
            "Tasks the scheduler launches per executor core; an executor runs as many as it has cores and queues the"
                    + " rest, which hides the round trip to the driver between short tasks. Queued slots only take"
                    + " tasks on their input host or without a preferred host, never speculative copies. 1 (Spark's"
                    + " behaviour) keeps a task from queueing behind a long one while another executor idles.");

    /** How free cores are shared between jobs: FIFO or FAIR between pools. */
    public static final ConfigKey<String> SCHEDULER_MODE = new ConfigKey<>("weft.scheduler.mode", "FIFO",
            "FIFO or FAIR", s -> {
                String mode = s.trim().toUpperCase(Locale.ROOT);
                if (!mode.equals("FIFO") && !mode.equals("FAIR")) {
                    throw new IllegalArgumentException("must be FIFO or FAIR");
                }
                return mode;
            }, "How free cores are shared between concurrent jobs. FIFO: stages in the order they were submitted."
                    + " FAIR: each free core goes to the pool (the job property weft.scheduler.pool, set with"
                    + " setLocalProperty; default 'default') with the fewest running tasks, FIFO within a pool;"
                    + " nothing running is killed to make room.");

    /** The share of the requested executors that must register before a session starts. */
    public static final ConfigKey<Double> MIN_REGISTERED_EXECUTORS_RATIO = new ConfigKey<>(
            "weft.scheduler.minRegisteredExecutorsRatio", "0.8", "a number in [0, 1]", s -> {
                double v = Double.parseDouble(s);
                if (!(v >= 0 && v <= 1)) {
                    throw new IllegalArgumentException("out of range");
                }
                return v;
            }, "local-cluster and YARN: the session starts, and its first job's tasks are scheduled, once this share"
                    + " of the executors it asked for at its start has registered (rounded up); the rest take tasks"
                    + " as they register. Spark's spark.scheduler.minRegisteredResourcesRatio, with its YARN default."
                    + " Fewer than that by weft.executor.registrationTimeout fails the session. 1: wait for every"
                    + " executor. Lower, for small jobs: their first tasks need not wait for the slowest container"
                    + " to start.");

    /** All keys of this set. */
    public static final List<ConfigKey<?>> ALL = List.of(TASKS_IN_FLIGHT_PER_CORE, SCHEDULER_MODE,
            MIN_REGISTERED_EXECUTORS_RATIO);

    @Override
    public List<ConfigKey<?>> keys() {
        return ALL;
    }
}
