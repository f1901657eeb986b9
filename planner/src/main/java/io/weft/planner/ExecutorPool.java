package io.weft.planner;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The registered executors, their free task slots and places (host, rack), with the executors that have a free slot
 * kept apart so an offer never looks at busy ones. An executor has {@code cores x tasksInFlightPerCore} slots
 * ({@code weft.scheduler.tasksInFlightPerCore}, 1 by default: one slot per core): it runs {@code cores} attempts at a
 * time and queues the rest, which start as soon as one of its task threads frees. A queued attempt counts as running
 * everywhere here (it holds a slot; its executor is not idle). Used only on the scheduler thread.
 */
final class ExecutorPool {

    private final ClusterHosts hosts;
    private final Map<String, Slots> executors = new LinkedHashMap<>();
    /** Executors with a free core, in the order they registered: the order offers go round them in. */
    private final TreeSet<Slots> withFreeCores = new TreeSet<>(Comparator.comparingLong(s -> s.order));
    private final int slotsPerCore;
    private long nextOrder;

    ExecutorPool(Topology topology) {
        this(topology, 1);
    }

    /**
     * @param topology racks of hosts
     * @param slotsPerCore attempts launched per core of an executor, at least 1
     * @throws IllegalArgumentException when {@code slotsPerCore} is below 1
     */
    ExecutorPool(Topology topology, int slotsPerCore) {
        if (slotsPerCore < 1) {
            throw new IllegalArgumentException("Tasks in flight per core must be at least 1, not " + slotsPerCore
                    + "; fix weft.scheduler.tasksInFlightPerCore");
        }
        this.hosts = new ClusterHosts(topology);
        this.slotsPerCore = slotsPerCore;
    }

    /** @return live hosts and racks, and the racks of hosts */
    ClusterHosts hosts() {
        return hosts;
    }

    /** Registers an executor (again: a second registration replaces the first). */
    void add(String executorId, String host, int cores) {
        remove(executorId);
        Slots slots = new Slots(executorId, host, hosts.rackOf(host), cores, cores * slotsPerCore, nextOrder++);
        executors.put(executorId, slots);
        hosts.executorAdded(host);
        freeChanged(slots);
    }

    /** @return the executor removed, or null when it was not registered */
    Slots remove(String executorId) {
        Slots gone = executors.remove(executorId);
        if (gone != null) {
            withFreeCores.remove(gone);
            hosts.executorRemoved(gone.host);
        }
        return gone;
    }

    /** @return the executor, or null */
    Slots get(String executorId) {
        return executors.get(executorId);
    }

    /** @return every executor, in registration order */
    Collection<Slots> all() {
        return executors.values();
    }

    int size() {
        return executors.size();
    }

    /** @return how many executors pass the test */
    int count(java.util.function.Predicate<Slots> test) {
        int count = 0;
        for (Slots slots : executors.values()) {
            if (test.test(slots)) {
                count++;
            }
        }
        return count;
    }

    /**
     * Takes an executor that runs no task out of offers for good (it is being released).
     *
     * @return whether it was registered, connected and idle
     */
    boolean retireIfIdle(String executorId) {
        Slots slots = executors.get(executorId);
        if (slots == null || slots.disconnected || slots.free < slots.slots) {
            return false;
        }
        slots.disconnected = true;
        withFreeCores.remove(slots);
        return true;
    }

    /** A task launched on the executor. */
    void occupy(Slots slots) {
        slots.free--;
        freeChanged(slots);
    }

    /** A task on the executor ended. */
    void release(Slots slots) {
        slots.free++;
        freeChanged(slots);
    }

    /**
     * @param exclusions executors and hosts excluded for the application
     * @param now the time in milliseconds
     * @return connected, not excluded executors with a free core, in registration order
     */
    List<Slots> usableWithFreeCores(ExclusionList exclusions, long now) {
        List<Slots> free = new ArrayList<>();
        for (Slots slots : withFreeCores) {
            if (!slots.disconnected && !exclusions.isExcluded(slots.id, slots.host, now)) {
                free.add(slots);
            }
        }
        return free;
    }

    private void freeChanged(Slots slots) {
        if (slots.free > 0) {
            withFreeCores.add(slots);
        } else {
            withFreeCores.remove(slots);
        }
    }

    /** An executor's place and free slots, and whether it may get tasks. */
    static final class Slots {
        final String id;
        final String host;
        final String rack;
        /** Registration order. */
        final long order;
        final int cores;
        /** Attempts it may hold at once, running or queued: at least {@link #cores}. */
        final int slots;
        /** Slots not holding an attempt. */
        int free;
        /** Its connection dropped; it gets no tasks while the reason is awaited. */
        boolean disconnected;

        Slots(String id, String host, String rack, int cores, int slots, long order) {
            this.id = id;
            this.host = host;
            this.rack = rack;
            this.free = slots;
            this.cores = cores;
            this.slots = slots;
            this.order = order;
        }

        /** @return whether an attempt launched now would start at once rather than queue behind others */
        boolean hasIdleCore() {
            return slots - free < cores;
        }

        /**
         * @param level the locality level of the task offered
         * @return whether a task at that level may take a slot now: a free core takes any level; a slot that
         *     would queue takes only a task on its input host or without a preference, so a queued attempt never
         *     runs less locally than it would have waiting for a core
         */
        boolean takes(TaskLocality level) {
            return free > 0 && (hasIdleCore() || level == TaskLocality.NODE_LOCAL || level == TaskLocality.NO_PREF);
        }
    }
}
