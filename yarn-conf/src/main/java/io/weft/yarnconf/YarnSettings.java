package io.weft.yarnconf;

import io.weft.conf.WeftConf;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The YARN settings of an application, parsed and with derived values (container sizes including overhead).
 *
 * @param deployMode client or cluster
 * @param executorInstances executor containers
 * @param executorMemoryMb executor heap, MB
 * @param executorOverheadMb executor container memory beyond the heap, MB
 * @param executorCores executor vcores and task threads
 * @param amMemoryMb AM heap, MB
 * @param amCores AM vcores
 * @param amMaxAttempts AM attempts
 * @param queue the queue
 * @param priority the priority
 * @param executorNodeLabel executor node label expression, or null
 * @param amNodeLabel AM node label expression, or null
 * @param tags application tags
 */
public record YarnSettings(String deployMode, int executorInstances, int executorMemoryMb, int executorOverheadMb,
        int executorCores, int amMemoryMb, int amCores, int amMaxAttempts, String queue, int priority,
        String executorNodeLabel, String amNodeLabel, Set<String> tags) {

    /** Minimum container memory beyond the heap, as Spark uses. */
    public static final int MIN_OVERHEAD_MB = 384;

    /**
     * @param conf validated settings
     * @return the YARN settings
     */
    public static YarnSettings from(WeftConf conf) {
        int executorMb = toMb(conf.get(YarnConfigKeys.EXECUTOR_MEMORY));
        Long overhead = conf.get(YarnConfigKeys.EXECUTOR_MEMORY_OVERHEAD);
        int overheadMb = overhead != null ? toMb(overhead) : Math.max(MIN_OVERHEAD_MB, executorMb / 10);
        Set<String> tags = new LinkedHashSet<>();
        Arrays.stream(conf.get(YarnConfigKeys.TAGS).split(",")).map(String::trim).filter(t -> !t.isEmpty())
                .forEach(tags::add);
        return new YarnSettings(conf.get(YarnConfigKeys.DEPLOY_MODE), conf.get(YarnConfigKeys.EXECUTOR_INSTANCES),
                executorMb, overheadMb, conf.get(YarnConfigKeys.EXECUTOR_CORES),
                toMb(conf.get(YarnConfigKeys.AM_MEMORY)), conf.get(YarnConfigKeys.AM_CORES),
                conf.get(YarnConfigKeys.AM_MAX_ATTEMPTS), conf.get(YarnConfigKeys.QUEUE),
                conf.get(YarnConfigKeys.PRIORITY), conf.get(YarnConfigKeys.NODE_LABEL),
                conf.get(YarnConfigKeys.AM_NODE_LABEL), Set.copyOf(tags));
    }

    private static int toMb(long bytes) {
        return (int) Math.max(1, (bytes + (1 << 20) - 1) >> 20);
    }

    /** @return the executor container's memory: heap plus overhead */
    public int executorContainerMb() {
        return executorMemoryMb + executorOverheadMb;
    }

    /** @return the AM container's memory: heap plus overhead */
    public int amContainerMb() {
        return amMemoryMb + Math.max(MIN_OVERHEAD_MB, amMemoryMb / 10);
    }
}
