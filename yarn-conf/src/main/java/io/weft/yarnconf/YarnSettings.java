package io.weft.yarnconf;

import io.weft.api.WeftException;
import io.weft.conf.ConfigKey;
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
 * @param executorInAm whether one of the executors runs in the ApplicationMaster's JVM
 *     ({@code weft.yarn.executorInAm})
 */
public record YarnSettings(String deployMode, int executorInstances, int executorMemoryMb, int executorOverheadMb,
        int executorCores, int amMemoryMb, int amCores, int amMaxAttempts, String queue, int priority,
        String executorNodeLabel, String amNodeLabel, Set<String> tags, boolean executorInAm) {

    /** Minimum container memory beyond the heap, as Spark uses. */
    public static final int MIN_OVERHEAD_MB = 384;

    /** The smallest heap a Weft JVM starts with. */
    public static final int MIN_HEAP_MB = 64;

    private static final long MIB = 1L << 20;

    /**
     * @param conf validated settings
     * @return the YARN settings
     */
    public static YarnSettings from(WeftConf conf) {
        int executorMb = heapMb(conf, YarnConfigKeys.EXECUTOR_MEMORY);
        int overheadMb = conf.get(YarnConfigKeys.EXECUTOR_MEMORY_OVERHEAD) != null
                ? toMb(conf, YarnConfigKeys.EXECUTOR_MEMORY_OVERHEAD) : Math.max(MIN_OVERHEAD_MB, executorMb / 10);
        if ((long) executorMb + overheadMb > Integer.MAX_VALUE) {
            throw new WeftException("weft.executor.memory plus weft.executor.memoryOverhead is more than any"
                    + " container can have. Fix: lower them.");
        }
        boolean executorInAm = conf.get(YarnConfigKeys.EXECUTOR_IN_AM);
        if (executorInAm && conf.get(io.weft.conf.AllocationConfigKeys.ENABLED)) {
            throw new WeftException(YarnConfigKeys.EXECUTOR_IN_AM.name() + "=true cannot be combined with "
                    + io.weft.conf.AllocationConfigKeys.ENABLED.name() + "=true: the ApplicationMaster's executor"
                    + " lives as long as the AM, so it could not be given back when idle. Fix: turn one of them"
                    + " off.");
        }
        Set<String> tags = new LinkedHashSet<>();
        Arrays.stream(conf.get(YarnConfigKeys.TAGS).split(",")).map(String::trim).filter(t -> !t.isEmpty())
                .forEach(tags::add);
        return new YarnSettings(conf.get(YarnConfigKeys.DEPLOY_MODE), conf.get(YarnConfigKeys.EXECUTOR_INSTANCES),
                executorMb, overheadMb, conf.get(YarnConfigKeys.EXECUTOR_CORES),
                heapMb(conf, YarnConfigKeys.AM_MEMORY), conf.get(YarnConfigKeys.AM_CORES),
                conf.get(YarnConfigKeys.AM_MAX_ATTEMPTS), conf.get(YarnConfigKeys.QUEUE),
                conf.get(YarnConfigKeys.PRIORITY), conf.get(YarnConfigKeys.NODE_LABEL),
                conf.get(YarnConfigKeys.AM_NODE_LABEL), Set.copyOf(tags), executorInAm);
    }

    /** A heap setting in MB: at least {@link #MIN_HEAP_MB}, so that a number given in the wrong unit fails here. */
    private static int heapMb(WeftConf conf, ConfigKey<Long> key) {
        int mb = toMb(conf, key);
        if (mb < MIN_HEAP_MB) {
            throw new WeftException(key.name() + " = " + conf.asMap().get(key.name()) + " gives a heap of " + mb
                    + " MB; a JVM needs at least " + MIN_HEAP_MB + " MB. Fix: give the size with its unit, such as"
                    + " 2g or 512m (a bare number is MiB).");
        }
        return mb;
    }

    /** A memory setting in MB, rounded up; refused when it does not fit a container's size (an int of MB). */
    private static int toMb(WeftConf conf, ConfigKey<Long> key) {
        long bytes = conf.get(key);
        long mb = bytes / MIB + (bytes % MIB == 0 ? 0 : 1);
        if (mb > Integer.MAX_VALUE) {
            throw new WeftException(key.name() + " = " + conf.asMap().get(key.name()) + " is " + mb
                    + " MB, more than any container can have (" + Integer.MAX_VALUE + " MB). Fix: lower it.");
        }
        return (int) Math.max(1, mb);
    }

    /** @return the executor container's memory: heap plus overhead */
    public int executorContainerMb() {
        return executorMemoryMb + executorOverheadMb;
    }

    /**
     * @return the AM container's memory: its heap ({@link #amHeapMb()}) plus the overhead of the AM's own heap
     *     setting
     */
    public int amContainerMb() {
        return (int) Math.min(Integer.MAX_VALUE, (long) amHeapMb() + Math.max(MIN_OVERHEAD_MB, amMemoryMb / 10));
    }

    /**
     * @return the AM JVM's heap: {@code weft.am.memory}, plus {@code weft.executor.memory} when an executor runs
     *     in it
     */
    public int amHeapMb() {
        return (int) Math.min(Integer.MAX_VALUE, (long) amMemoryMb + (executorInAm ? executorMemoryMb : 0));
    }

    /** @return the AM container's vcores: {@code weft.am.cores}, plus the executor's when one runs in it */
    public int amContainerCores() {
        return amCores + (executorInAm ? executorCores : 0);
    }

    /**
     * @param executors executors wanted in all (the instances, or dynamic allocation's initial number)
     * @return how many of them YARN is asked for as containers: one fewer when one runs in the AM
     */
    public int executorContainers(int executors) {
        return Math.max(0, executors - (executorInAm ? 1 : 0));
    }
}
