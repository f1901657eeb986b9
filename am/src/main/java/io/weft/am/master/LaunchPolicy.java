package io.weft.am.master;

import io.weft.conf.ConfigKeys;
import io.weft.conf.WeftConf;
import io.weft.yarnconf.YarnConfigKeys;

/**
 * How the ApplicationMaster treats failing executor containers: the failure budget and node exclusion.
 *
 * @param maxFailures container failures (within the window) that end the application
 * @param failuresValidityMillis how long a failure counts; 0 for ever
 * @param excludeNodes whether hosts where containers keep failing are excluded
 * @param maxFailuresPerNode container failures on one host that exclude it
 * @param excludeTimeoutMillis how long a host stays excluded
 */
public record LaunchPolicy(int maxFailures, long failuresValidityMillis, boolean excludeNodes, int maxFailuresPerNode,
        long excludeTimeoutMillis) {

    /**
     * @param conf validated settings
     * @param executors executor instances (the default budget is twice that, at least 3; with dynamic allocation
     *     twice {@code weft.dynamicAllocation.maxExecutors} when that is more)
     * @return the policy
     */
    public static LaunchPolicy from(WeftConf conf, int executors) {
        Integer dynamicMax = conf.get(io.weft.conf.AllocationConfigKeys.ENABLED)
                ? conf.get(io.weft.conf.AllocationConfigKeys.MAX_EXECUTORS) : null;
        if (dynamicMax != null) {
            executors = Math.max(executors, dynamicMax);
        }
        Integer max = conf.get(YarnConfigKeys.EXECUTOR_MAX_FAILURES);
        Long validity = conf.get(YarnConfigKeys.EXECUTOR_FAILURES_VALIDITY);
        return new LaunchPolicy(max != null ? max : Math.max(3, 2 * executors), validity != null ? validity : 0,
                conf.get(ConfigKeys.EXCLUDE_ENABLED), conf.get(YarnConfigKeys.EXCLUDE_MAX_CONTAINER_FAILURES_PER_NODE),
                conf.get(ConfigKeys.EXCLUDE_TIMEOUT));
    }

    /** @return one command-line argument for the client-mode launcher */
    public String encode() {
        return maxFailures + ":" + failuresValidityMillis + ":" + excludeNodes + ":" + maxFailuresPerNode + ":"
                + excludeTimeoutMillis;
    }

    /**
     * @param text what {@link #encode()} made
     * @return the policy
     */
    static LaunchPolicy decode(String text) {
        String[] parts = text.split(":");
        return new LaunchPolicy(Integer.parseInt(parts[0]), Long.parseLong(parts[1]), Boolean.parseBoolean(parts[2]),
                Integer.parseInt(parts[3]), Long.parseLong(parts[4]));
    }
}
