package io.weft.planner;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Dynamic allocation's policy, with no threads and no cluster in it: from the executors, their tasks and the tasks
 * waiting for a core, it decides how many executors the application should hold and which idle ones to release.
 *
 * <ul>
 * <li>Growing: once tasks have waited {@link AllocationSettings#backlogTimeoutMillis()}, the target grows by one
 * executor; while they keep waiting, by 2, 4, 8, ... every {@link AllocationSettings#sustainedBacklogTimeoutMillis()},
 * as Spark does, never beyond what the running and waiting tasks could use nor the maximum. A round that is cut
 * short by that cap starts the doubling again from one.
 * <li>Shrinking: the target never exceeds what the running and waiting tasks could use (nor goes below the
 * minimum), so requests not yet satisfied are withdrawn as soon as the backlog goes. An executor that has run no
 * task for {@link AllocationSettings#idleTimeoutMillis()} (or the cached-block timeout, if it may hold cached
 * partitions) is released, oldest idle first, as long as the executors left are at least the target and the
 * minimum. An executor running a task is never released.
 * <li>Starting: the target stays at {@link AllocationSettings#initialExecutors()} until the first task runs or
 * waits, or an executor has been idle for its timeout, so the executors asked for at start are not withdrawn
 * before the program submits its first job.
 * </ul>
 *
 * <p>Not thread-safe: one thread (the scheduler's) makes every call. The clock is injected, so tests drive time.
 */
public final class ExecutorAllocationPolicy {

    /**
     * What to do now.
     *
     * @param target executors wanted in all (running ones included)
     * @param release idle executors to release, oldest idle first
     */
    public record Decision(int target, List<String> release) {
    }

    private final AllocationSettings settings;
    private final LongSupplier clock;
    /** Registered executors not being released, in registration order. */
    private final Map<String, Executor> executors = new LinkedHashMap<>();
    private int target;
    private long nextRoundAt = -1;
    private int nextRound = 1;
    /** Until the first task or the first idle timeout, the target stays at the initial number. */
    private boolean initializing = true;

    /**
     * @param settings the limits and timeouts
     * @param clock the time in milliseconds
     */
    public ExecutorAllocationPolicy(AllocationSettings settings, LongSupplier clock) {
        this.settings = settings;
        this.clock = clock;
        this.target = settings.initialExecutors();
    }

    /** @return the settings */
    public AllocationSettings settings() {
        return settings;
    }

    /** @return the executors wanted now */
    public int target() {
        return target;
    }

    /** @param executorId an executor that registered; it is idle from now */
    public void executorAdded(String executorId) {
        executors.putIfAbsent(executorId, new Executor(clock.getAsLong()));
    }

    /** @param executorId an executor that is gone, or being released; it is forgotten */
    public void executorRemoved(String executorId) {
        executors.remove(executorId);
    }

    /** @param executorId where a task attempt started */
    public void taskStarted(String executorId) {
        Executor executor = executors.get(executorId);
        if (executor != null) {
            executor.running++;
        }
    }

    /** @param executorId where a task attempt ended; with none left running there, its idle time starts now */
    public void taskEnded(String executorId) {
        Executor executor = executors.get(executorId);
        if (executor != null && executor.running > 0 && --executor.running == 0) {
            executor.idleSince = clock.getAsLong();
        }
    }

    /**
     * @param executorId an executor
     * @param holds whether it may hold cached partitions of a node still persisted (its idle timeout is then
     *     {@link AllocationSettings#cachedIdleTimeoutMillis()})
     */
    public void holdsCachedBlocks(String executorId, boolean holds) {
        Executor executor = executors.get(executorId);
        if (executor != null) {
            executor.cached = holds;
        }
    }

    /** @return the executors that may hold cached partitions */
    public List<String> cachingExecutors() {
        List<String> ids = new ArrayList<>();
        executors.forEach((id, e) -> {
            if (e.cached) {
                ids.add(id);
            }
        });
        return ids;
    }

    /**
     * Decides the target and the executors to release. The caller releases them (or those of them that are still
     * idle) and reports each through {@link #executorRemoved}.
     *
     * @param waitingTasks tasks waiting for a core
     * @param runningTasks task attempts running
     * @return the decision
     */
    public Decision decide(int waitingTasks, int runningTasks) {
        long now = clock.getAsLong();
        int useful = clamp(divideRoundingUp((long) waitingTasks + runningTasks, settings.tasksPerExecutor()));
        if (initializing && (waitingTasks + runningTasks > 0 || !expired(now).isEmpty())) {
            initializing = false;
        }
        if (waitingTasks > 0) {
            if (nextRoundAt < 0) {
                nextRoundAt = now + settings.backlogTimeoutMillis();
            }
            if (now >= nextRoundAt) {
                grow(useful);
                nextRoundAt = now + settings.sustainedBacklogTimeoutMillis();
            }
        } else {
            nextRoundAt = -1;
            nextRound = 1;
        }
        if (!initializing) {
            target = Math.max(settings.minExecutors(), Math.min(target, useful));
        }
        return new Decision(target, idleToRelease(now));
    }

    private void grow(int useful) {
        int room = useful - target;
        if (room <= 0) {
            nextRound = 1;
            return;
        }
        int added = Math.min(nextRound, room);
        target += added;
        nextRound = added == nextRound ? nextRound * 2 : 1;
    }

    private List<String> idleToRelease(long now) {
        int keep = Math.max(target, settings.minExecutors());
        int removable = executors.size() - keep;
        if (removable <= 0) {
            return List.of();
        }
        List<Map.Entry<String, Executor>> idle = expired(now);
        idle.sort(Comparator.comparingLong(entry -> entry.getValue().idleSince));
        List<String> release = new ArrayList<>();
        for (int i = 0; i < idle.size() && release.size() < removable; i++) {
            release.add(idle.get(i).getKey());
        }
        return release;
    }

    /** @return executors idle for longer than their timeout */
    private List<Map.Entry<String, Executor>> expired(long now) {
        List<Map.Entry<String, Executor>> idle = new ArrayList<>();
        for (Map.Entry<String, Executor> entry : executors.entrySet()) {
            Executor e = entry.getValue();
            long timeout = e.cached ? settings.cachedIdleTimeoutMillis() : settings.idleTimeoutMillis();
            if (e.running == 0 && timeout != Long.MAX_VALUE && now - e.idleSince >= timeout) {
                idle.add(entry);
            }
        }
        return idle;
    }

    private int clamp(long executorsUseful) {
        return (int) Math.max(settings.minExecutors(), Math.min(settings.maxExecutors(), executorsUseful));
    }

    private static long divideRoundingUp(long tasks, int perExecutor) {
        return (tasks + perExecutor - 1) / perExecutor;
    }

    /** An executor's running attempts, since when it has been idle, and whether it may hold cached partitions. */
    private static final class Executor {
        int running;
        long idleSince;
        boolean cached;

        Executor(long idleSince) {
            this.idleSince = idleSince;
        }
    }
}
