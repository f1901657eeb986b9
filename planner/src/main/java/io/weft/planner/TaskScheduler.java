package io.weft.planner;

import io.weft.api.RemoteTaskException;
import io.weft.planner.ExecutorPool.Slots;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task layer of the scheduler: executors and their free cores, the active {@link TaskSet} of each running
 * stage, and every running attempt. It offers free cores to task sets, with delay scheduling: a task runs on a host
 * holding its input, else on that host's rack, else anywhere, each level allowed only after the task set has waited
 * {@link SchedulerConfig#locality()} for the more local one ({@link PendingTasks}; racks from the {@link Topology}).
 * Which task set a free core goes to first is the {@link SchedulingPools}' policy (FIFO, or FAIR between pools).
 * It launches attempts through the {@link TaskLauncher}, and sorts out how they end: a success or a fetch failure goes to
 * the {@link Owner} (the DAG layer); a failure is retried, elsewhere when possible, up to
 * {@link SchedulerConfig#maxTaskFailures()}; a lost executor's attempts run again. It also runs the policies that
 * need a clock: speculative copies of slow tasks, exclusion of executors and hosts where tasks keep failing, and
 * failing a stage that finds every executor excluded for too long.
 *
 * <p>Used only on the scheduler thread.
 */
final class TaskScheduler {

    private static final Logger LOG = LoggerFactory.getLogger(TaskScheduler.class);

    /** The DAG layer, as the task layer reports to it. Called on the scheduler thread. */
    interface Owner {

        /** A partition's first successful attempt. */
        void taskSucceeded(TaskSet taskSet, int index, TaskOutcome.Success success);

        /** An attempt could not read a map output. */
        void fetchFailed(TaskSet taskSet, TaskDescription task, TaskOutcome.FetchFailed fetch);

        /** The stage cannot succeed: its jobs fail with the message. */
        void abortStage(Stage stage, String message, int partition, Throwable cause);

        /** @return whether the partition already has its output (a late attempt's failure then does not count) */
        boolean isDone(TaskSet taskSet, int index);

        /** @return false, after resubmitting the stage, when a map output the task set reads has gone missing */
        boolean inputsReady(TaskSet taskSet);

        /** @return the blocks a task of the stage reads for its partition, by shuffle */
        Map<Integer, List<ShuffleBlock>> inputBlocks(Stage stage, int partition);
    }

    private final SchedulerConfig config;
    private final TaskLauncher launcher;
    private final SchedulerListener listener;
    private final LongSupplier clock;
    private final Owner owner;
    private final ExclusionList exclusions;
    private final ExecutorPool executors;
    private final Map<Stage, TaskSet> activeTaskSets = new LinkedHashMap<>();
    private final Map<Long, RunningTask> runningTasks = new HashMap<>();
    private final Map<TaskSet, Long> unschedulableSince = new HashMap<>();
    private final SchedulingPools pools;
    private final Ports ports = new Ports();
    private long nextTaskId;

    TaskScheduler(SchedulerConfig config, TaskLauncher launcher, SchedulerListener listener, LongSupplier clock,
            Owner owner, Topology topology) {
        this.config = config;
        this.launcher = launcher;
        this.listener = listener;
        this.clock = clock;
        this.owner = owner;
        this.exclusions = new ExclusionList(config.exclusion());
        this.executors = new ExecutorPool(topology, config.tasksInFlightPerCore());
        this.pools = new SchedulingPools(config.mode());
    }

    // ---- task sets, as the DAG layer hands them over ------------------------------------------------------

    /** Makes a stage attempt's task set the stage's active one. */
    void submit(TaskSet taskSet) {
        taskSet.start(executors.hosts(), config.locality(), clock.getAsLong());
        activeTaskSets.put(taskSet.stage, taskSet);
    }

    /** @return the stage's active task set, or null */
    TaskSet active(Stage stage) {
        return activeTaskSets.get(stage);
    }

    /**
     * The stage succeeded: its task set is done, and the failures it saw count against their executors for the
     * whole application.
     */
    void finish(Stage stage) {
        TaskSet finished = activeTaskSets.remove(stage);
        if (finished != null) {
            promoteFailures(finished);
        }
    }

    /**
     * The stage's attempt is abandoned: it launches nothing more.
     *
     * @param stage the stage
     * @param killRunning whether its running attempts are killed too (no job needs them), or may still finish
     *     and be used (a resubmitted stage)
     */
    void abandon(Stage stage, boolean killRunning) {
        TaskSet taskSet = activeTaskSets.remove(stage);
        if (taskSet != null) {
            taskSet.markZombie();
            if (killRunning) {
                killRunning(taskSet);
            }
        }
    }

    // ---- executors ----------------------------------------------------------------------------------------

    void executorAdded(String executorId, String host, int cores, String containerId, String logUrl) {
        executors.add(executorId, host, cores);
        LOG.info("Executor {} on {} with {} cores added", executorId, host, cores);
        listener.executorAdded(executorId, host, cores, containerId, logUrl);
    }

    void executorHeartbeat(String executorId, ExecutorJvmMetrics metrics) {
        if (executors.get(executorId) != null) {
            listener.executorMetrics(executorId, metrics);
        }
    }

    void executorDisconnected(String executorId) {
        Slots slots = executors.get(executorId);
        if (slots != null) {
            slots.disconnected = true;
        }
    }

    void executorLost(String executorId, String reason, boolean causedByTasks) {
        if (executors.remove(executorId) == null) {
            return;
        }
        // A loss no task caused (preemption, a release by dynamic allocation) is routine, not a warning.
        (causedByTasks ? LOG.atWarn() : LOG.atInfo()).log("Executor {} lost: {}", executorId, reason);
        listener.executorRemoved(executorId, reason);
        List<Long> lost = new ArrayList<>();
        runningTasks.forEach((id, task) -> {
            if (task.executorId.equals(executorId)) {
                lost.add(id);
            }
        });
        for (long id : lost) {
            taskEnded(id, new TaskOutcome.ExecutorLost("executor " + executorId + " lost: " + reason,
                    causedByTasks));
        }
    }

    /** @return how many executors are registered */
    int executorCount() {
        return executors.size();
    }

    /** @return how many attempts run */
    int runningCount() {
        return runningTasks.size();
    }

    /** @return the executors and their free cores, for dynamic allocation */
    ExecutorPool executors() {
        return executors;
    }

    /** @return the active task sets, for dynamic allocation */
    java.util.Collection<TaskSet> activeTaskSets() {
        return activeTaskSets.values();
    }

    // ---- offers and launches ------------------------------------------------------------------------------

    /**
     * Gives free cores of usable executors tasks, until no task set has one to run on them, one core at a time to
     * the task set {@link SchedulingPools} picks (FIFO: submission order; FAIR: the pool with the fewest running
     * attempts, FIFO within it). Each task set is offered the free cores level by level (input host, no preference,
     * rack, any), up to the level its delay scheduling allows now ({@link OfferRound}). Speculative copies come
     * last, on cores no waiting task could use. Costs about O(task sets x free executors x levels) plus O(log
     * pools) per launched task (O(1) under FIFO): busy executors are not looked at, and waiting tasks are found
     * through {@link PendingTasks}' index, never by a scan.
     */
    void offer() {
        long now = clock.getAsLong();
        List<Slots> free = executors.usableWithFreeCores(exclusions, now);
        if (free.isEmpty()) {
            return;
        }
        new OfferRound(free, now, ports).run(activeTaskSets::values, pools, config.speculation().enabled());
    }

    /** The task layer as an offer round uses it. */
    private final class Ports implements OfferRound.Ports {

        @Override
        public boolean excludedFor(TaskSet taskSet, String executorId) {
            return TaskScheduler.this.excludedFor(taskSet, executorId);
        }

        @Override
        public boolean inputsReady(TaskSet taskSet) {
            return owner.inputsReady(taskSet);
        }

        @Override
        public int usableExecutors(TaskSet taskSet, long now) {
            return TaskScheduler.this.usableExecutors(taskSet, now);
        }

        @Override
        public void launch(Slots slots, TaskSet taskSet, int index, TaskLocality locality, long now) {
            TaskScheduler.this.launch(slots, taskSet, index, locality, now);
        }
    }

    /** @param locality how local the launch is, or null for a speculative copy */
    private void launch(Slots slots, TaskSet taskSet, int index, TaskLocality locality, long now) {
        String executorId = slots.id;
        boolean speculative = locality == null;
        Stage stage = taskSet.stage;
        int partition = taskSet.partitionOf(index);
        TaskDescription.ShuffleOutput output = null;
        if (stage instanceof ShuffleMapStage map) {
            output = new TaskDescription.ShuffleOutput(map.shuffleId(),
                    map.dependency().partitioner().numPartitions());
        }
        int attemptNumber = taskSet.startAttempt(index, executorId, now);
        TaskDescription task = new TaskDescription(nextTaskId++, stage.id(), taskSet.stageAttempt, partition,
                attemptNumber, stage.binary(), owner.inputBlocks(stage, partition), output,
                stage.node().preferredLocations(partition), stage.partitionData(partition));
        // Only the executor reads the blocks and slices; the driver's record of the attempt drops them.
        runningTasks.put(task.taskId(), new RunningTask(task.withoutInputs(), taskSet, index, executorId, now));
        executors.occupy(slots);
        pools.launched(taskSet);
        if (speculative) {
            LOG.info("Speculating {} on executor {}", task, executorId);
        }
        listener.taskStarted(task, executorId, speculative, speculative
                ? executors.hosts().localityOf(task.preferredHosts(), slots.host) : locality);
        launcher.launchTask(executorId, task);
    }

    // ---- how attempts end ---------------------------------------------------------------------------------

    /** An attempt ended; reports of attempts that are not running (any more) are ignored. */
    void taskEnded(long taskId, TaskOutcome outcome) {
        RunningTask task = runningTasks.remove(taskId);
        if (task == null) {
            return;
        }
        Slots slots = executors.get(task.executorId);
        if (slots != null) {
            executors.release(slots);
        }
        task.taskSet.attemptEnded(task.index, task.executorId);
        pools.ended(task.taskSet);
        listener.taskEnded(task.description, task.executorId, outcome);
        if (outcome instanceof TaskOutcome.Success success) {
            task.taskSet.succeeded(task.index, clock.getAsLong() - task.startMillis);
            killOtherAttempts(task);
            owner.taskSucceeded(task.taskSet, task.index, success);
        } else if (outcome instanceof TaskOutcome.Failed failed) {
            noteFailureOn(task);
            handleFailure(task, failed.error());
        } else if (outcome instanceof TaskOutcome.ExecutorLost lost && !lost.causedByTask()) {
            retryUncounted(task, lost.reason());
        } else if (outcome instanceof TaskOutcome.ExecutorLost lost) {
            handleFailure(task,
                    new RemoteTaskException("io.weft.ExecutorLost", lost.reason(), new StackTraceElement[0], null));
        } else if (outcome instanceof TaskOutcome.FetchFailed fetch) {
            owner.fetchFailed(task.taskSet, task.description, fetch);
        } else {
            LOG.debug("{} killed", task.description);
        }
    }

    private void handleFailure(RunningTask task, RemoteTaskException error) {
        TaskSet taskSet = task.taskSet;
        if (taskSet.isZombie() || owner.isDone(taskSet, task.index)) {
            return;
        }
        int failures = taskSet.failed(task.index, task.executorId);
        taskSet.noteFailure(error, task.description + " on executor " + task.executorId);
        LOG.warn("{} failed on executor {} ({} of {} allowed): {}", task.description, task.executorId, failures,
                config.maxTaskFailures(), error.toString());
        if (taskSet.runningAttempts(task.index) > 0 && failures < config.maxTaskFailures()) {
            return; // a speculative copy still runs; it may yet succeed, and is the retry
        }
        if (failures >= config.maxTaskFailures()) {
            taskSet.markZombie();
            killRunning(taskSet);
            owner.abortStage(taskSet.stage, "Task for partition " + task.description.partition() + " of stage "
                    + taskSet.stage.id() + " (" + taskSet.stage.node().name() + ") failed " + failures
                    + " times; most recent failure on executor " + task.executorId + ": " + error,
                    task.description.partition(), error);
        } else {
            taskSet.retry(task.index);
        }
    }

    /** The task's executor went away through no fault of the task: it runs again, and no failure is counted. */
    private void retryUncounted(RunningTask task, String reason) {
        TaskSet taskSet = task.taskSet;
        if (taskSet.isZombie() || owner.isDone(taskSet, task.index) || taskSet.runningAttempts(task.index) > 0) {
            return;
        }
        LOG.info("{} will run again, not counted as a failure: {}", task.description, reason);
        taskSet.retry(task.index);
    }

    /** The partition is done: other attempts of it (speculative copies) are killed; their results are ignored. */
    private void killOtherAttempts(RunningTask winner) {
        if (winner.taskSet.runningAttempts(winner.index) == 0) {
            return; // the common case, checked without looking at every running attempt
        }
        runningTasks.forEach((id, other) -> {
            if (other.taskSet == winner.taskSet && other.index == winner.index) {
                LOG.info("Killing {} on executor {}: {} finished first", other.description, other.executorId,
                        winner.description);
                launcher.killTask(other.executorId, id);
            }
        });
    }

    /**
     * Kills the newest attempts first: an attempt queued on its executor behind a running one must be marked
     * killed before the running one frees the thread, or the queued one would start.
     */
    private void killRunning(TaskSet taskSet) {
        runningTasks.entrySet().stream().filter(e -> e.getValue().taskSet == taskSet)
                .sorted(Map.Entry.<Long, RunningTask>comparingByKey().reversed())
                .forEach(e -> launcher.killTask(e.getValue().executorId, e.getKey()));
    }

    // ---- exclusion ----------------------------------------------------------------------------------------

    /** Counts a task failure against its executor within the stage attempt; may exclude it there. */
    private void noteFailureOn(RunningTask task) {
        Slots slots = executors.get(task.executorId);
        if (slots == null || !config.exclusion().enabled()) {
            return;
        }
        if (task.taskSet.executorFailed(task.executorId, slots.host) == config.exclusion().maxFailuresPerExecutor()) {
            LOG.warn("{}: executor {} on {} runs no more of its tasks after {} failures", task.taskSet.stage,
                    task.executorId, slots.host, config.exclusion().maxFailuresPerExecutor());
        }
    }

    /**
     * A stage attempt succeeded despite task failures: the executors where they happened are to blame, and the
     * failures count for the application; enough of them exclude an executor, or its host, for a while.
     */
    private void promoteFailures(TaskSet taskSet) {
        long now = clock.getAsLong();
        taskSet.failuresByExecutor().forEach((executorId, failures) -> {
            String host = taskSet.hostOf(executorId);
            for (int i = 0; i < failures; i++) {
                ExclusionList.Change change = exclusions.taskFailed(executorId, host, now);
                if (change == ExclusionList.Change.NONE) {
                    continue;
                }
                boolean node = change == ExclusionList.Change.NODE_EXCLUDED;
                LOG.warn("Excluding {} for {} ms after repeated task failures", node ? "host " + host
                        : "executor " + executorId + " on " + host, config.exclusion().timeoutMillis());
                listener.executorExcluded(executorId, host, node);
                if (node) {
                    launcher.excludedNodesChanged(exclusions.excludedHosts(now));
                }
            }
        });
    }

    private boolean excludedFor(TaskSet taskSet, String executorId) {
        return config.exclusion().enabled()
                && taskSet.excludes(executorId, config.exclusion().maxFailuresPerExecutor());
    }

    /** @return executors neither excluded for the application nor for this stage attempt */
    private int usableExecutors(TaskSet taskSet, long now) {
        return executors.count(s -> !exclusions.isExcluded(s.id, s.host, now) && !excludedFor(taskSet, s.id));
    }

    // ---- the timer ----------------------------------------------------------------------------------------

    /** Expires exclusions, marks slow tasks for speculation, and fails stages that cannot be scheduled. */
    void tick() {
        long now = clock.getAsLong();
        unschedulableSince.keySet().retainAll(activeTaskSets.values());
        if (exclusions.expire(now)) {
            launcher.excludedNodesChanged(exclusions.excludedHosts(now));
        }
        if (config.speculation().enabled()) {
            for (TaskSet taskSet : activeTaskSets.values()) {
                List<Integer> slow = taskSet.findSlow(now, config.speculation());
                if (!slow.isEmpty()) {
                    LOG.info("{}: tasks {} are slow; each gets a speculative copy", taskSet.stage, slow);
                }
            }
        }
        abortUnschedulable(now);
    }

    /**
     * Fails the jobs of stages that have waited too long with tasks to run while every executor is excluded. No
     * executors at all is not this case: the backend is still starting or replacing them.
     */
    private void abortUnschedulable(long now) {
        for (TaskSet taskSet : new ArrayList<>(activeTaskSets.values())) {
            boolean allExcluded = executors.size() > 0 && usableExecutors(taskSet, now) == 0;
            if (!allExcluded || !taskSet.hasPending()) {
                unschedulableSince.remove(taskSet);
                continue;
            }
            long since = unschedulableSince.computeIfAbsent(taskSet, t -> now);
            if (now - since >= config.exclusion().unschedulableTimeoutMillis()) {
                unschedulableSince.remove(taskSet);
                taskSet.markZombie();
                killRunning(taskSet);
                owner.abortStage(taskSet.stage, ExclusionList.unschedulableMessage(taskSet, executors.all(),
                        config.exclusion().unschedulableTimeoutMillis()), -1, taskSet.lastFailure());
            }
        }
    }

    /** A launched attempt: what it runs, for which task set and partition index, where and since when. */
    private record RunningTask(TaskDescription description, TaskSet taskSet, int index, String executorId,
            long startMillis) {
    }
}
