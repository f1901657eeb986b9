package io.weft.planner;

import io.weft.planner.ExecutorPool.Slots;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One offer of free cores to the active task sets ({@link TaskScheduler#offer()}), one core at a time in the order
 * {@link SchedulingPools} gives. A task set is offered the free cores level by level (input host, no preference,
 * rack, any) up to the level its delay scheduling allows, so a core near a task's input takes it before a core
 * elsewhere does; each task set keeps a cursor per round over the free executors, which visits them in the same
 * order whether its turns come back to back (FIFO) or between other pools' (FAIR), and ends a level after a whole
 * pass launches nothing (within a round, cores and waiting tasks only get fewer, so a miss stays a miss).
 * Speculative copies come last, on cores no waiting task could use.
 *
 * <p>Used only on the scheduler thread, for one call of {@code offer}.
 */
final class OfferRound {

    private static final TaskLocality[] LEVELS = TaskLocality.values();

    /** What the round needs from the task layer. Called on the scheduler thread. */
    interface Ports {

        /** @return whether the task set's stage attempt runs nothing more on the executor */
        boolean excludedFor(TaskSet taskSet, String executorId);

        /** @return false, after resubmitting the stage, when a map output the task set reads has gone missing */
        boolean inputsReady(TaskSet taskSet);

        /** @return executors neither excluded for the application nor for this task set */
        int usableExecutors(TaskSet taskSet, long now);

        /** Launches an attempt; {@code locality} null for a speculative copy. */
        void launch(Slots slots, TaskSet taskSet, int index, TaskLocality locality, long now);
    }

    private final List<Slots> free;
    private final long now;
    private final Ports ports;
    private final Map<TaskSet, TaskLocality> bestLaunched = new LinkedHashMap<>();
    private final Map<TaskSet, Cursor> cursors = new HashMap<>();

    OfferRound(List<Slots> free, long now, Ports ports) {
        this.free = free;
        this.now = now;
        this.ports = ports;
    }

    /**
     * Offers the free cores until no task set takes one, then speculative copies, then restarts the delay-scheduling
     * waits of task sets that launched locally and turned no free core away.
     *
     * @param active the active task sets in submission order, asked again after each pass: a task set whose input
     *     went missing resubmits the stage that makes it ({@link Ports#inputsReady}), and the new task set is
     *     offered in the same round, as the old one would have been
     * @param order the ordering policy
     * @param speculation whether speculative copies are launched
     */
    void run(Supplier<Collection<TaskSet>> active, SchedulingPools order, boolean speculation) {
        SchedulingPools.Round round = order.round();
        Set<TaskSet> offered = new HashSet<>();
        boolean newTaskSets = true;
        while (newTaskSets) {
            newTaskSets = false;
            for (TaskSet taskSet : new ArrayList<>(active.get())) {
                if (offered.add(taskSet)) {
                    newTaskSets = true;
                    if (taskSet.hasPending()) {
                        round.add(taskSet);
                    }
                }
            }
            for (TaskSet taskSet = round.next(); taskSet != null; taskSet = round.next()) {
                round.served(launchOne(taskSet));
            }
        }
        if (speculation) {
            offerSpeculative(active.get());
        }
        // Delay scheduling's wait restarts after local launches only when no free core was turned away: a task
        // set that keeps launching locally on some executors must not leave others idle for ever.
        bestLaunched.forEach((taskSet, best) -> {
            if (!turnsAwayFreeCores(taskSet)) {
                taskSet.resetLocalityWait(best, now);
            }
        });
    }

    /** @return whether an attempt of the task set launched; if not, it takes nothing more this round */
    private boolean launchOne(TaskSet taskSet) {
        Cursor c = cursors.computeIfAbsent(taskSet, t -> new Cursor());
        while (c.level < LEVELS.length) {
            TaskLocality level = LEVELS[c.level];
            if (!c.entered) {
                // Asked again at each level: the launches so far may have taken the last task a level waited for.
                if (level != TaskLocality.NO_PREF && !level.allowedUnder(taskSet.allowedLocality(now))) {
                    c.level = LEVELS.length;
                    return false;
                }
                c.entered = true;
                c.position = 0;
                c.misses = 0;
            }
            while (c.misses < free.size() && taskSet.hasPending()) {
                Slots slots = free.get(c.position);
                c.position = c.position + 1 == free.size() ? 0 : c.position + 1;
                if (slots.takes(level) && !ports.excludedFor(taskSet, slots.id)) {
                    if (!c.inputsChecked) {
                        if (!ports.inputsReady(taskSet)) {
                            c.level = LEVELS.length;
                            return false;
                        }
                        c.inputsChecked = true;
                    }
                    PendingTasks.Taken taken = taskSet.poll(slots.id, slots.host, slots.rack, level,
                            () -> ports.usableExecutors(taskSet, now) > 1);
                    if (taken != null) {
                        ports.launch(slots, taskSet, taken.index(), taken.locality(), now);
                        if (taken.waited()) {
                            bestLaunched.merge(taskSet, taken.locality(), (a, b) -> a.compareTo(b) <= 0 ? a : b);
                        }
                        c.misses = 0;
                        return true;
                    }
                }
                c.misses++;
            }
            c.level++;
            c.entered = false;
        }
        return false;
    }

    /** Speculative copies only go to cores that no task waiting for its first attempt could use. */
    private void offerSpeculative(Collection<TaskSet> active) {
        boolean launched = true;
        while (launched) {
            launched = false;
            for (Slots slots : free) {
                if (slots.free == 0 || !slots.hasIdleCore()) {
                    continue; // a copy queued behind other attempts would not catch up
                }
                for (TaskSet taskSet : new ArrayList<>(active)) {
                    if (ports.excludedFor(taskSet, slots.id)) {
                        continue;
                    }
                    Integer index = taskSet.pollSpeculative(slots.id);
                    if (index != null) {
                        ports.launch(slots, taskSet, index, null, now);
                        launched = true;
                        break;
                    }
                }
            }
        }
    }

    /** @return whether the task set still waits for locality while a usable executor has a free core */
    private boolean turnsAwayFreeCores(TaskSet taskSet) {
        if (!taskSet.hasPending() || taskSet.allowedLocality(now) == TaskLocality.ANY) {
            return false;
        }
        for (Slots slots : free) {
            if (slots.free > 0 && slots.hasIdleCore() && !ports.excludedFor(taskSet, slots.id)) {
                return true;
            }
        }
        return false;
    }

    /** Where a task set's offers stand in this round: the level, the next free executor, the misses since a launch. */
    private static final class Cursor {
        int level;
        boolean entered;
        int position;
        int misses;
        boolean inputsChecked;
    }
}
