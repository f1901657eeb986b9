package io.weft.planner;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;

/**
 * The waiting tasks of one task set, indexed by where their input is, and the task set's delay-scheduling state.
 *
 * <p>Index: a waiting task is listed under each host holding its input, under those hosts' racks, under "no
 * preference" when it has none, and in one list of all tasks. Taking a task for an executor looks at the lists of
 * its host, then "no preference", then its rack, then all, as far as the locality level allows; so an offer costs
 * O(1) amortized instead of a scan of every waiting task. A task taken from one list stays in the others until a
 * later look finds it there and drops it (lazy removal, as Spark's {@code TaskSetManager} does): every entry is
 * dropped at most once. A retried task goes to the front of its lists, so retries go first.
 *
 * <p>Delay scheduling: the task set starts at {@link TaskLocality#NODE_LOCAL} and only launches tasks whose input
 * is on the executor's host (or that have no preference); after {@link SchedulerConfig.Locality#nodeWaitMillis()}
 * without a launch at that level it also takes rack-local tasks, and after
 * {@link SchedulerConfig.Locality#rackWaitMillis()} more, any. A level at which no waiting task could run on any
 * live executor is skipped at once (local mode, with one host, never waits). A task that cannot do better than a
 * level never waits for it either: one whose input hosts have no executor runs at once on its input's rack, one whose
 * input racks have none runs at once anywhere (each was so when listed; an executor that comes later is not looked
 * for). {@link #resetWait} moves the level back when a more local task launched and no free core was turned away.
 *
 * <p>Used only on the scheduler thread.
 */
final class PendingTasks {

    private final IntFunction<List<String>> preferredHosts;
    private final ClusterHosts hosts;
    private final SchedulerConfig.Locality waits;
    private final BitSet waiting = new BitSet();
    private final Map<String, IntDeque> byHost = new HashMap<>();
    private final Map<String, IntDeque> byRack = new HashMap<>();
    private final IntDeque noPreference = new IntDeque();
    /** By rack: tasks none of whose input hosts had an executor when listed; they cannot run node-locally. */
    private final Map<String, IntDeque> noLiveHost = new HashMap<>();
    /** Tasks none of whose input hosts' racks had an executor when listed; they cannot run rack-locally. */
    private final IntDeque noLiveRack = new IntDeque();
    private final IntDeque all = new IntDeque();
    private int waitingCount;
    private TaskLocality level = TaskLocality.NODE_LOCAL;
    private long levelSince;

    /**
     * @param indexes the task indexes waiting at first, in launch order
     * @param preferredHosts the hosts holding a task index's input
     * @param hosts live executors' hosts and racks
     * @param waits how long each level waits
     * @param now the time in milliseconds
     */
    PendingTasks(List<Integer> indexes, IntFunction<List<String>> preferredHosts, ClusterHosts hosts,
            SchedulerConfig.Locality waits, long now) {
        this.preferredHosts = preferredHosts;
        this.hosts = hosts;
        this.waits = waits;
        this.levelSince = now;
        List<List<String>> preferred = new ArrayList<>(indexes.size());
        Set<String> distinct = new HashSet<>();
        for (int index : indexes) {
            List<String> where = preferredHosts.apply(index);
            preferred.add(where);
            distinct.addAll(where);
        }
        hosts.resolve(distinct);
        for (int i = 0; i < indexes.size(); i++) {
            add(indexes.get(i), preferred.get(i), false);
        }
    }

    boolean hasWaiting() {
        return waitingCount > 0;
    }

    /** Puts a task back, ahead of the others. */
    void retry(int index) {
        if (!waiting.get(index)) {
            add(index, preferredHosts.apply(index), true);
        }
    }

    /** Forgets every waiting task (the task set launches nothing more). */
    void clear() {
        waiting.clear();
        waitingCount = 0;
        byHost.clear();
        byRack.clear();
        noLiveHost.clear();
        noLiveRack.clear();
        noPreference.clear();
        all.clear();
    }

    /**
     * A task taken, and how local its launch is.
     *
     * @param index the task
     * @param locality how close to its input it runs
     * @param waited whether it was taken at a level delay scheduling allowed (false: no preference, or no better
     *     level was possible for it), so its launch counts for the task set's wait
     */
    record Taken(int index, TaskLocality locality, boolean waited) {
    }

    /**
     * Takes the most local waiting task for an executor, no less local than {@code max}.
     *
     * @param host the executor's host
     * @param rack its rack
     * @param max the least local level allowed
     * @param avoid tasks not to take for this executor (they stay waiting)
     * @return the task, or null
     */
    Taken take(String host, String rack, TaskLocality max, IntPredicate avoid) {
        int index = takeFrom(byHost, host, avoid);
        if (index >= 0) {
            return new Taken(index, TaskLocality.NODE_LOCAL, true);
        }
        boolean noWait = TaskLocality.NO_PREF.allowedUnder(max);
        if (noWait && (index = takeFrom(noPreference, avoid)) >= 0) {
            return new Taken(index, TaskLocality.NO_PREF, false);
        }
        if (noWait && (index = takeFrom(noLiveHost, rack, avoid)) >= 0) {
            return new Taken(index, TaskLocality.RACK_LOCAL, false);
        }
        if (TaskLocality.RACK_LOCAL.allowedUnder(max) && (index = takeFrom(byRack, rack, avoid)) >= 0) {
            return new Taken(index, TaskLocality.RACK_LOCAL, true);
        }
        if (noWait && (index = takeFrom(noLiveRack, avoid)) >= 0) {
            return new Taken(index, TaskLocality.ANY, false);
        }
        if (TaskLocality.ANY.allowedUnder(max) && (index = takeFrom(all, avoid)) >= 0) {
            return new Taken(index, TaskLocality.ANY, true);
        }
        return null;
    }

    /**
     * The least local level at which tasks may launch now: moves on from a level whose wait has passed, or at
     * which no waiting task could run on a live executor.
     *
     * @param now the time in milliseconds
     * @return {@link TaskLocality#NODE_LOCAL}, {@link TaskLocality#RACK_LOCAL} or {@link TaskLocality#ANY}
     */
    TaskLocality allowedLevel(long now) {
        while (level != TaskLocality.ANY) {
            if (!canRunAt(level)) {
                level = next(level);
                levelSince = now;
                continue;
            }
            long wait = level == TaskLocality.NODE_LOCAL ? waits.nodeWaitMillis() : waits.rackWaitMillis();
            if (now - levelSince < wait) {
                return level;
            }
            levelSince += wait;
            level = next(level);
        }
        return level;
    }

    /**
     * Tasks launched, the most local of them at {@code best}, and no free core was turned away for locality: the
     * wait starts again from that level.
     */
    void resetWait(TaskLocality best, long now) {
        if (best != TaskLocality.NO_PREF) {
            level = best;
        }
        levelSince = now;
    }

    /** @return the level currently allowed, without moving it (for tests and logs) */
    TaskLocality level() {
        return level;
    }

    private static TaskLocality next(TaskLocality level) {
        return level == TaskLocality.NODE_LOCAL ? TaskLocality.RACK_LOCAL : TaskLocality.ANY;
    }

    /** @return whether some waiting task has its input on a host (or rack) with an executor */
    private boolean canRunAt(TaskLocality at) {
        boolean node = at == TaskLocality.NODE_LOCAL;
        Map<String, IntDeque> lists = node ? byHost : byRack;
        Set<String> live = node ? hosts.hostsWithExecutors() : hosts.racksWithExecutors();
        if (live.size() < lists.size()) {
            for (String place : live) {
                IntDeque list = lists.get(place);
                if (list != null && dropTaken(list)) {
                    return true;
                }
            }
            return false;
        }
        for (Iterator<Map.Entry<String, IntDeque>> it = lists.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, IntDeque> entry = it.next();
            if (!dropTaken(entry.getValue())) {
                it.remove();
            } else if (live.contains(entry.getKey())) {
                return true;
            }
        }
        return false;
    }

    /** Drops entries of tasks no longer waiting from the front; @return whether a waiting task remains */
    private boolean dropTaken(IntDeque list) {
        while (!list.isEmpty() && !waiting.get(list.peekFirst())) {
            list.pollFirst();
        }
        return !list.isEmpty();
    }

    private void add(int index, List<String> preferred, boolean first) {
        waiting.set(index);
        waitingCount++;
        if (preferred.isEmpty()) {
            push(noPreference, index, first);
        }
        List<String> racks = new ArrayList<>(preferred.size());
        boolean liveHost = false;
        for (String host : preferred) {
            push(byHost.computeIfAbsent(host, h -> new IntDeque()), index, first);
            liveHost |= hosts.hostsWithExecutors().contains(host);
            String rack = hosts.rackOf(host);
            if (!racks.contains(rack)) {
                racks.add(rack);
                push(byRack.computeIfAbsent(rack, r -> new IntDeque()), index, first);
            }
        }
        if (!preferred.isEmpty() && !liveHost) {
            boolean liveRack = false;
            for (String rack : racks) {
                push(noLiveHost.computeIfAbsent(rack, r -> new IntDeque()), index, first);
                liveRack |= hosts.racksWithExecutors().contains(rack);
            }
            if (!liveRack) {
                push(noLiveRack, index, first);
            }
        }
        push(all, index, first);
    }

    private static void push(IntDeque list, int index, boolean first) {
        if (first) {
            list.addFirst(index);
        } else {
            list.addLast(index);
        }
    }

    private int takeFrom(Map<String, IntDeque> lists, String key, IntPredicate avoid) {
        IntDeque list = lists.get(key);
        if (list == null) {
            return -1;
        }
        int index = takeFrom(list, avoid);
        if (list.isEmpty()) {
            lists.remove(key);
        }
        return index;
    }

    /** Takes the first waiting task of the list that is not to be avoided; avoided ones keep their place. */
    private int takeFrom(IntDeque list, IntPredicate avoid) {
        IntDeque skipped = null;
        int found = -1;
        while (!list.isEmpty()) {
            int index = list.pollFirst();
            if (!waiting.get(index)) {
                continue;
            }
            if (avoid.test(index)) {
                if (skipped == null) {
                    skipped = new IntDeque();
                }
                skipped.addLast(index);
                continue;
            }
            found = index;
            waiting.clear(index);
            waitingCount--;
            break;
        }
        if (skipped != null) {
            int[] back = new int[skipped.size()];
            for (int i = 0; i < back.length; i++) {
                back[i] = skipped.pollFirst();
            }
            for (int i = back.length - 1; i >= 0; i--) {
                list.addFirst(back[i]);
            }
        }
        return found;
    }
}
