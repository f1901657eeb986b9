package io.weft.driver;

import io.weft.api.WeftException;
import io.weft.conf.AllocationConfigKeys;
import io.weft.conf.WeftConf;
import io.weft.planner.AllocationSettings;
import java.util.Optional;

/**
 * Reads {@code weft.dynamicAllocation.*} into the scheduler's {@link AllocationSettings}, refusing settings that
 * contradict each other with an error naming the key to change. Stateless.
 */
public final class DynamicAllocationSettings {

    private DynamicAllocationSettings() {
    }

    /**
     * @param conf validated settings
     * @return whether {@code weft.dynamicAllocation.enabled} is true
     */
    public static boolean enabled(WeftConf conf) {
        return conf.get(AllocationConfigKeys.ENABLED);
    }

    /**
     * @param conf validated settings
     * @param coresPerExecutor each executor's task threads
     * @return the settings, or empty when dynamic allocation is off
     * @throws WeftException when the minimum, initial and maximum numbers contradict each other
     */
    public static Optional<AllocationSettings> from(WeftConf conf, int coresPerExecutor) {
        if (!enabled(conf)) {
            return Optional.empty();
        }
        int min = conf.get(AllocationConfigKeys.MIN_EXECUTORS);
        Integer maxSetting = conf.get(AllocationConfigKeys.MAX_EXECUTORS);
        int max = maxSetting == null ? Integer.MAX_VALUE : maxSetting;
        Integer initialSetting = conf.get(AllocationConfigKeys.INITIAL_EXECUTORS);
        int initial = initialSetting == null ? min : initialSetting;
        if (min > max) {
            throw new WeftException(AllocationConfigKeys.MIN_EXECUTORS.name() + " = " + min + " is more than "
                    + AllocationConfigKeys.MAX_EXECUTORS.name() + " = " + max + ". Fix: lower the minimum or raise"
                    + " the maximum.");
        }
        if (initial < min || initial > max) {
            throw new WeftException(AllocationConfigKeys.INITIAL_EXECUTORS.name() + " = " + initial + " is outside "
                    + AllocationConfigKeys.MIN_EXECUTORS.name() + " = " + min + " to "
                    + AllocationConfigKeys.MAX_EXECUTORS.name() + " = " + (maxSetting == null ? "no limit" : max)
                    + ". Fix: set it between them.");
        }
        Long cached = conf.get(AllocationConfigKeys.CACHED_EXECUTOR_IDLE_TIMEOUT);
        long backlog = conf.get(AllocationConfigKeys.SCHEDULER_BACKLOG_TIMEOUT);
        Long sustained = conf.get(AllocationConfigKeys.SUSTAINED_SCHEDULER_BACKLOG_TIMEOUT);
        return Optional.of(new AllocationSettings(min, max, initial, coresPerExecutor,
                conf.get(AllocationConfigKeys.EXECUTOR_IDLE_TIMEOUT), cached == null ? Long.MAX_VALUE : cached,
                backlog, sustained == null ? backlog : sustained));
    }

    /**
     * @param conf validated settings
     * @param instances {@code weft.executor.instances}
     * @return the executors to start with: {@code weft.executor.instances}, or with dynamic allocation its initial
     *     number
     */
    public static int initialExecutors(WeftConf conf, int instances) {
        return from(conf, 1).map(AllocationSettings::initialExecutors).orElse(instances);
    }

    /**
     * @param conf validated settings
     * @param instances {@code weft.executor.instances}
     * @param cores {@code weft.executor.cores}
     * @return the default partition count on YARN: all executors' cores; with dynamic allocation the initial
     *     executors' cores, at least 2, since executors come and go
     */
    public static int defaultParallelism(WeftConf conf, int instances, int cores) {
        return enabled(conf) ? Math.max(2, initialExecutors(conf, instances) * cores) : instances * cores;
    }
}
