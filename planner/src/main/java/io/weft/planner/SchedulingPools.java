package io.weft.planner;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The ordering policy of offer rounds ({@code weft.scheduler.mode}): which task set the next free core goes to.
 * Under {@link SchedulerConfig.Mode#FIFO} every task set is in one queue, in submission order, whatever its job's
 * pool. Under {@link SchedulerConfig.Mode#FAIR} each {@link TaskSet#pool} has its own FIFO queue, and each core goes
 * to the pool with the fewest running attempts (counted across all its task sets, zombies' included), ties to the
 * pool whose first waiting task set was submitted first. Counts change with every launch, so one round of 8 free
 * cores for two pools with backlogs splits 4/4. Nothing running is killed to make room: a pool that arrives late
 * gets the next cores that free.
 *
 * <p>Used only on the scheduler thread. The running counts are kept from {@link #launched} and {@link #ended};
 * a {@link Round} lives for one offer.
 */
final class SchedulingPools {

    private static final String ONE_QUEUE = "";

    private final SchedulerConfig.Mode mode;
    private final Map<String, Integer> running = new HashMap<>();

    SchedulingPools(SchedulerConfig.Mode mode) {
        this.mode = mode;
    }

    private String queueOf(TaskSet taskSet) {
        return mode == SchedulerConfig.Mode.FAIR ? taskSet.pool : ONE_QUEUE;
    }

    /** An attempt of the task set launched (speculative copies count too). */
    void launched(TaskSet taskSet) {
        running.merge(queueOf(taskSet), 1, Integer::sum);
    }

    /** An attempt of the task set ended, however it ended. */
    void ended(TaskSet taskSet) {
        running.computeIfPresent(queueOf(taskSet), (pool, n) -> n <= 1 ? null : n - 1);
    }

    /**
     * @param pool a pool name
     * @return its running attempts (under FIFO, every pool's are counted under one name, so this is 0)
     */
    int running(String pool) {
        return running.getOrDefault(pool, 0);
    }

    /** @return an empty order for one offer round */
    Round round() {
        return new Round();
    }

    /**
     * The order of one offer round. The caller {@link #add}s task sets with waiting tasks in submission order, then
     * asks {@link #next} for the task set to offer one core to and reports through {@link #served} whether it
     * launched anything; a task set that launched nothing is done for the round. Costs O(log pools) per call.
     */
    final class Round {

        private final Map<String, PoolQueue> queues = new HashMap<>();
        private final PriorityQueue<Turn> turns = new PriorityQueue<>(
                Comparator.comparingInt(Turn::running).thenComparingLong(Turn::firstSubmitted));
        private PoolQueue current;
        private long submitted;

        private Round() {
        }

        /** Adds a task set after those added before; not between {@link #next} and {@link #served}. */
        void add(TaskSet taskSet) {
            PoolQueue queue = queues.computeIfAbsent(queueOf(taskSet), PoolQueue::new);
            queue.taskSets.add(new Queued(taskSet, submitted++));
            if (queue.taskSets.size() == 1) {
                enqueue(queue);
            }
        }

        /** @return the task set the next free core is offered to, or null when none is left this round */
        TaskSet next() {
            if (current == null) {
                Turn turn = turns.poll();
                if (turn == null) {
                    return null;
                }
                current = turn.queue();
            }
            return current.taskSets.peek().taskSet();
        }

        /** @param launched whether the task set {@link #next} returned launched an attempt; if not, it is done */
        void served(boolean launched) {
            if (!launched) {
                current.taskSets.poll();
            }
            if (!current.taskSets.isEmpty()) {
                enqueue(current);
            }
            current = null;
        }

        private void enqueue(PoolQueue queue) {
            turns.add(new Turn(running(queue.name), queue.taskSets.peek().submitted(), queue));
        }
    }

    private record Queued(TaskSet taskSet, long submitted) {
    }

    /** A pool's place in the round, with the values it is ordered by when it was queued. */
    private record Turn(int running, long firstSubmitted, PoolQueue queue) {
    }

    private static final class PoolQueue {
        final String name;
        final ArrayDeque<Queued> taskSets = new ArrayDeque<>();

        PoolQueue(String name) {
            this.name = name;
        }
    }
}
