package io.weft.planner;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The tasks of one stage attempt: which partitions wait, run (where, since when), failed how often and where, and
 * which are done. A task set becomes a zombie when its stage attempt is abandoned (fetch failure, abort): it
 * launches nothing more, but the results of attempts still running are used. Used only on the scheduler thread.
 *
 * <p>Indexes are task indexes: the map partition for a map stage, the position in the job's partitions for a
 * result stage.
 */
final class TaskSet {

    final Stage stage;
    final int stageAttempt;
    /** The scheduler pool its cores are counted in under FAIR scheduling. */
    final String pool;
    private final int total;
    private final List<Integer> initial;
    private PendingTasks pending;
    private final Deque<Integer> speculatable = new ArrayDeque<>();
    private final Set<Integer> speculated = new HashSet<>();
    private final Set<Integer> finished = new HashSet<>();
    private final Map<Integer, Integer> attemptsStarted = new HashMap<>();
    private final Map<Integer, Integer> failures = new HashMap<>();
    private final Map<Integer, String> lastFailedExecutor = new HashMap<>();
    private final Map<Integer, Map<String, Long>> runningSince = new HashMap<>();
    /** Successful durations, split at the median so a timer tick never sorts them (100,000 of them in a big stage). */
    private final PriorityQueue<Long> shorterHalf = new PriorityQueue<>(Collections.reverseOrder());
    private final PriorityQueue<Long> longerHalf = new PriorityQueue<>();
    private final Map<String, Integer> failuresByExecutor = new HashMap<>();
    private final Map<String, String> hostOf = new HashMap<>();
    private io.weft.api.RemoteTaskException lastFailure;
    private String lastFailureWhere;
    private int running;
    private int remaining;
    private boolean zombie;

    TaskSet(Stage stage, int stageAttempt, List<Integer> partitions) {
        this(stage, stageAttempt, partitions, JobProperties.DEFAULT_POOL);
    }

    TaskSet(Stage stage, int stageAttempt, List<Integer> partitions, String pool) {
        this.stage = stage;
        this.stageAttempt = stageAttempt;
        this.pool = pool;
        initial = partitions;
        remaining = partitions.size();
        total = partitions.size();
    }

    /**
     * Indexes the waiting tasks by where their input is; called once, when the task set is submitted.
     *
     * @param hosts live executors' hosts and the racks of hosts
     * @param waits the delay-scheduling waits
     * @param now the time in milliseconds
     */
    void start(ClusterHosts hosts, SchedulerConfig.Locality waits, long now) {
        pending = new PendingTasks(initial, index -> stage.node().preferredLocations(partitionOf(index)), hosts,
                waits, now);
    }

    boolean hasPending() {
        return !zombie && pending != null && pending.hasWaiting();
    }

    /**
     * Takes a task to run on an executor: the most local one allowed, avoiding a partition that last failed on
     * this executor when other executors could take it.
     *
     * @param executorId the executor with a free core
     * @param host its host
     * @param rack its rack
     * @param max the least local level to take
     * @param otherExecutorsExist whether another executor could run the task; asked only when needed
     * @return the task and its locality, or null
     */
    PendingTasks.Taken poll(String executorId, String host, String rack, TaskLocality max,
            BooleanSupplier otherExecutorsExist) {
        if (!hasPending()) {
            return null;
        }
        return pending.take(host, rack, max,
                p -> executorId.equals(lastFailedExecutor.get(p)) && otherExecutorsExist.getAsBoolean());
    }

    /** @return the least local level at which tasks may launch now (delay scheduling) */
    TaskLocality allowedLocality(long now) {
        return pending == null ? TaskLocality.NODE_LOCAL : pending.allowedLevel(now);
    }

    /** Launches happened, the most local at {@code best}, and no free core was turned away: the wait restarts. */
    void resetLocalityWait(TaskLocality best, long now) {
        if (pending != null) {
            pending.resetWait(best, now);
        }
    }

    /**
     * Takes a slow partition for a speculative copy on an executor that does not already run it.
     *
     * @param executorId the executor with a free core
     * @return the index, or null
     */
    Integer pollSpeculative(String executorId) {
        if (zombie) {
            return null;
        }
        for (Iterator<Integer> it = speculatable.iterator(); it.hasNext(); ) {
            Integer p = it.next();
            if (finished.contains(p) || !runningSince.containsKey(p)) {
                it.remove(); // done, or its only attempt ended and it went back to pending
                continue;
            }
            if (!runningSince.get(p).containsKey(executorId)) {
                it.remove();
                return p;
            }
        }
        return null;
    }

    /**
     * Marks running partitions as slow: once {@code quantile} of this set's tasks have succeeded, any partition
     * with a single attempt running longer than {@code multiplier} times the median success (and at least
     * {@code minMillis}) gets one speculative copy.
     *
     * @param now the time in milliseconds
     * @param policy the thresholds
     * @return the partitions newly marked
     */
    List<Integer> findSlow(long now, SchedulerConfig.Speculation policy) {
        int successes = shorterHalf.size() + longerHalf.size();
        if (zombie || successes == 0 || successes < Math.ceil(policy.quantile() * total)) {
            return List.of();
        }
        long median = longerHalf.peek(); // the element at index n / 2 of the sorted durations
        long threshold = Math.max(policy.minMillis(), (long) (policy.multiplier() * median));
        List<Integer> slow = new ArrayList<>();
        runningSince.forEach((p, attempts) -> {
            if (attempts.size() == 1 && !speculated.contains(p) && !finished.contains(p)
                    && now - attempts.values().iterator().next() > threshold) {
                slow.add(p);
            }
        });
        Collections.sort(slow);
        speculated.addAll(slow);
        speculatable.addAll(slow);
        return slow;
    }

    /** @return the node partition a task index computes (result stages may compute a subset) */
    int partitionOf(int index) {
        return stage instanceof ResultStage result ? result.partition(index) : index;
    }

    /** @return the attempt number of the new attempt */
    int startAttempt(int index, String executorId, long now) {
        running++;
        runningSince.computeIfAbsent(index, p -> new HashMap<>()).put(executorId, now);
        return attemptsStarted.merge(index, 1, Integer::sum) - 1;
    }

    /** An attempt of the partition ended, however it ended. */
    void attemptEnded(int index, String executorId) {
        running--;
        Map<String, Long> attempts = runningSince.get(index);
        if (attempts != null) {
            attempts.remove(executorId);
            if (attempts.isEmpty()) {
                runningSince.remove(index);
            }
        }
    }

    /**
     * @param index a partition
     * @return how many of its attempts are running
     */
    int runningAttempts(int index) {
        Map<String, Long> attempts = runningSince.get(index);
        return attempts == null ? 0 : attempts.size();
    }

    /**
     * The partition's first successful attempt.
     *
     * @param index the partition
     * @param durationMillis how long the attempt ran
     */
    void succeeded(int index, long durationMillis) {
        if (finished.add(index)) {
            remaining--;
            if (!longerHalf.isEmpty() && durationMillis >= longerHalf.peek()) {
                longerHalf.add(durationMillis);
            } else {
                shorterHalf.add(durationMillis);
            }
            int half = (shorterHalf.size() + longerHalf.size()) / 2;
            while (shorterHalf.size() > half) {
                longerHalf.add(shorterHalf.poll());
            }
            while (shorterHalf.size() < half) {
                shorterHalf.add(longerHalf.poll());
            }
        }
    }

    /** @return the partition's failure count after this failure */
    int failed(int partition, String executorId) {
        lastFailedExecutor.put(partition, executorId);
        return failures.merge(partition, 1, Integer::sum);
    }

    /**
     * Counts a task failure on an executor within this stage attempt.
     *
     * @return the executor's failures in this attempt
     */
    int executorFailed(String executorId, String host) {
        hostOf.put(executorId, host);
        return failuresByExecutor.merge(executorId, 1, Integer::sum);
    }

    /**
     * @param executorId an executor
     * @param maxFailures failures that exclude an executor
     * @return whether this stage attempt runs nothing more there
     */
    boolean excludes(String executorId, int maxFailures) {
        return failuresByExecutor.getOrDefault(executorId, 0) >= maxFailures;
    }

    /** @return executor to its task failures in this attempt */
    Map<String, Integer> failuresByExecutor() {
        return failuresByExecutor;
    }

    /** @return the host of an executor where a task of this attempt failed */
    String hostOf(String executorId) {
        return hostOf.get(executorId);
    }

    /** Remembers the most recent task failure, for a stage that ends up unable to run anywhere. */
    void noteFailure(io.weft.api.RemoteTaskException error, String where) {
        lastFailure = error;
        lastFailureWhere = where;
    }

    io.weft.api.RemoteTaskException lastFailure() {
        return lastFailure;
    }

    String lastFailureWhere() {
        return lastFailureWhere;
    }

    void retry(int partition) {
        if (!zombie) {
            pending.retry(partition);
        }
    }

    int running() {
        return running;
    }

    /** @return partitions neither finished nor running: the tasks waiting for a core */
    int waiting() {
        return zombie ? 0 : Math.max(0, remaining - runningSince.size());
    }

    int remaining() {
        return remaining;
    }

    boolean isZombie() {
        return zombie;
    }

    void markZombie() {
        zombie = true;
        if (pending != null) {
            pending.clear();
        }
        speculatable.clear();
    }
}
