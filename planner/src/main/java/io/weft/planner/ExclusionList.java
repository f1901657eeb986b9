package io.weft.planner;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which executors and hosts get no tasks for a while because tasks keep failing there. An executor is excluded
 * after {@link SchedulerConfig.Exclusion#maxFailuresPerExecutor()} task failures within the timeout; a host after
 * {@link SchedulerConfig.Exclusion#maxExcludedExecutorsPerNode()} of its executors were excluded within the
 * timeout. Exclusions end when the timeout passes. Only task failures count: a lost executor, a fetch failure or a
 * kill says nothing about where a task ran.
 *
 * <p>Used only on the scheduler thread; time is passed in, so tests need no clock.
 */
final class ExclusionList {

    private final SchedulerConfig.Exclusion config;
    private final Map<String, Deque<Long>> failuresByExecutor = new HashMap<>();
    private final Map<String, Long> excludedExecutorsUntil = new HashMap<>();
    private final Map<String, Deque<Long>> exclusionsByHost = new HashMap<>();
    private final Map<String, Long> excludedHostsUntil = new HashMap<>();

    ExclusionList(SchedulerConfig.Exclusion config) {
        this.config = config;
    }

    /** What one failure changed. */
    enum Change { NONE, EXECUTOR_EXCLUDED, NODE_EXCLUDED }

    /**
     * Records a task failure.
     *
     * @param executorId where it failed
     * @param host the executor's host
     * @param now the time in milliseconds
     * @return whether the failure excluded the executor, or its whole host
     */
    Change taskFailed(String executorId, String host, long now) {
        if (!config.enabled() || isExecutorExcluded(executorId, now)) {
            return Change.NONE;
        }
        Deque<Long> failures = failuresByExecutor.computeIfAbsent(executorId, id -> new ArrayDeque<>());
        failures.addLast(now);
        dropOlderThan(failures, now - config.timeoutMillis());
        if (failures.size() < config.maxFailuresPerExecutor()) {
            return Change.NONE;
        }
        failures.clear();
        excludedExecutorsUntil.put(executorId, now + config.timeoutMillis());
        Deque<Long> hostExclusions = exclusionsByHost.computeIfAbsent(host, h -> new ArrayDeque<>());
        hostExclusions.addLast(now);
        dropOlderThan(hostExclusions, now - config.timeoutMillis());
        if (hostExclusions.size() >= config.maxExcludedExecutorsPerNode() && !isHostExcluded(host, now)) {
            excludedHostsUntil.put(host, now + config.timeoutMillis());
            return Change.NODE_EXCLUDED;
        }
        return Change.EXECUTOR_EXCLUDED;
    }

    /**
     * @param executorId an executor
     * @param host its host
     * @param now the time in milliseconds
     * @return whether it, or its host, is excluded
     */
    boolean isExcluded(String executorId, String host, long now) {
        return isExecutorExcluded(executorId, now) || isHostExcluded(host, now);
    }

    private boolean isExecutorExcluded(String executorId, long now) {
        Long until = excludedExecutorsUntil.get(executorId);
        return until != null && until > now;
    }

    private boolean isHostExcluded(String host, long now) {
        Long until = excludedHostsUntil.get(host);
        return until != null && until > now;
    }

    /**
     * @param now the time in milliseconds
     * @return the excluded hosts, sorted
     */
    Set<String> excludedHosts(long now) {
        Set<String> hosts = new TreeSet<>();
        excludedHostsUntil.forEach((host, until) -> {
            if (until > now) {
                hosts.add(host);
            }
        });
        return hosts;
    }

    /**
     * Forgets exclusions that have timed out.
     *
     * @param now the time in milliseconds
     * @return whether the set of excluded hosts changed
     */
    boolean expire(long now) {
        excludedExecutorsUntil.values().removeIf(until -> until <= now);
        return excludedHostsUntil.values().removeIf(until -> until <= now);
    }

    private static void dropOlderThan(Deque<Long> times, long cutoff) {
        while (!times.isEmpty() && times.peekFirst() <= cutoff) {
            times.removeFirst();
        }
    }

    /**
     * @param taskSet a task set that found every executor excluded for too long
     * @param executors every registered executor
     * @param timeoutMillis {@code weft.exclude.unschedulableTimeout}
     * @return why its stage fails: the executors, the last task failure, and the settings to change
     */
    static String unschedulableMessage(TaskSet taskSet, java.util.Collection<ExecutorPool.Slots> executors,
            long timeoutMillis) {
        List<String> where = new java.util.ArrayList<>();
        executors.forEach(slots -> where.add(slots.id + " on " + slots.host));
        io.weft.api.RemoteTaskException last = taskSet.lastFailure();
        return taskSet.stage + " cannot run: every executor (" + String.join(", ", where) + ") is excluded after"
                + " repeated task failures, and none became usable within " + timeoutMillis + " ms."
                + (last == null ? "" : " Most recent failure: " + taskSet.lastFailureWhere() + ": " + last + ".")
                + " If the failures are not the executors' fault, raise weft.exclude.maxFailuresPerExecutor"
                + " or set weft.exclude.enabled=false.";
    }
}
