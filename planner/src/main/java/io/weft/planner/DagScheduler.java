package io.weft.planner;

import io.weft.api.JobFailedException;
import io.weft.api.RemoteTaskException;
import io.weft.api.SerializableFunction;
import io.weft.api.lineage.Node;
import io.weft.api.lineage.ShuffleDependency;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs jobs: plans each into stages, submits stages whose parents' outputs are all available, launches one task
 * per missing partition on executors with free cores, and reacts to how tasks end.
 *
 * <p>Failures it handles: a task that throws is retried (preferably on another executor) up to
 * {@link SchedulerConfig#maxTaskFailures()} attempts, then its stage and every job needing it fail with the
 * executor's exception. A task that cannot read a map output (fetch failure) abandons its stage attempt; only the
 * missing map outputs are recomputed, then the stage resumes with its unfinished partitions, up to
 * {@link SchedulerConfig#maxStageAttempts()} times. A lost executor's running tasks are retried elsewhere; its
 * committed map outputs live on a shared file system and are kept. Executor loss detection, container
 * replacement and the like belong to the backend.
 *
 * <p>Executors where tasks keep failing are excluded, as Spark does: within a stage attempt, an executor with
 * {@link SchedulerConfig.Exclusion#maxFailuresPerExecutor()} failed tasks runs no more of its tasks; when the stage
 * attempt succeeds anyway, its failures count against the executors for the whole application, for a while
 * ({@link ExclusionList}), and may exclude their hosts, which are passed to the backend so it asks for no
 * containers there. Failures of a stage that fails are the tasks' fault, and exclude nothing beyond it. A stage
 * that finds every executor excluded for longer than
 * {@link SchedulerConfig.Exclusion#unschedulableTimeoutMillis()} fails its jobs with a message saying so. With speculation on, a slow task gets one copy on another executor; the first attempt to
 * succeed wins, the other is killed, and accumulators and outputs count once. Committed map outputs are recorded
 * in a {@link MapOutputJournal}, from which a later driver attempt recovers them.
 *
 * <p>Threading: one thread ("weft-scheduler") owns all state below. Every public method only enqueues an event
 * and may be called from any thread; {@link TaskLauncher}, {@link StageSerializer}, {@link AccumulatorSink} and
 * {@link SchedulerListener} are called on the scheduler thread.
 */
public final class DagScheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DagScheduler.class);
    private static final long TICK_MILLIS = 100;

    private final SchedulerConfig config;
    private final TaskLauncher launcher;
    private final StageSerializer serializer;
    private final AccumulatorSink accumulators;
    private final SchedulerListener listener;
    private final MapOutputJournal journal;
    private final LongSupplier clock;
    private final BlockingQueue<Runnable> events = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final ScheduledExecutorService ticker;
    private volatile boolean stopped;

    // ---- state owned by the scheduler thread -------------------------------------------------------------
    private final StagePlanner planner = new StagePlanner();
    private final MapOutputRegistry registry = new MapOutputRegistry();
    private final Map<Integer, Job> jobs = new LinkedHashMap<>();
    private final Set<Stage> waiting = new LinkedHashSet<>();
    private final Set<Stage> running = new LinkedHashSet<>();
    private final Map<Stage, TaskSet> activeTaskSets = new LinkedHashMap<>();
    private final Map<Long, RunningTask> runningTasks = new HashMap<>();
    private final Map<String, ExecutorSlots> executors = new LinkedHashMap<>();
    private final ExclusionList exclusions;
    private final Map<TaskSet, Long> unschedulableSince = new HashMap<>();
    private long nextTaskId;
    private String abortedBecause;
    private long nextBinaryId;
    private int nextJobId;

    /**
     * @param config limits
     * @param launcher the cluster backend
     * @param serializer makes stage binaries
     * @param accumulators receives accumulator updates
     * @param listener observes progress
     * @param threadFactory makes the scheduler thread
     */
    public DagScheduler(SchedulerConfig config, TaskLauncher launcher, StageSerializer serializer,
            AccumulatorSink accumulators, SchedulerListener listener, ThreadFactory threadFactory) {
        this(config, launcher, serializer, accumulators, listener, MapOutputJournal.NONE, System::currentTimeMillis,
                threadFactory);
    }

    /**
     * @param config limits and policies
     * @param launcher the cluster backend
     * @param serializer makes stage binaries
     * @param accumulators receives accumulator updates
     * @param listener observes progress
     * @param journal remembers committed map outputs across driver attempts
     * @param clock the time in milliseconds, for task durations, speculation and exclusion timeouts
     * @param threadFactory makes the scheduler thread
     */
    public DagScheduler(SchedulerConfig config, TaskLauncher launcher, StageSerializer serializer,
            AccumulatorSink accumulators, SchedulerListener listener, MapOutputJournal journal, LongSupplier clock,
            ThreadFactory threadFactory) {
        this.config = config;
        this.launcher = launcher;
        this.serializer = serializer;
        this.accumulators = accumulators;
        this.listener = listener;
        this.journal = journal;
        this.clock = clock;
        this.exclusions = new ExclusionList(config.exclusion());
        this.thread = threadFactory.newThread(this::loop);
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "weft-scheduler-timer");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the scheduler thread, and the timer that checks for slow tasks and expired exclusions. */
    public void start() {
        thread.start();
        if (config.speculation().enabled() || config.exclusion().enabled()) {
            ticker.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Checks for slow tasks to speculate, exclusions that have expired and stages that cannot be scheduled. Any
     * thread; the timer calls it every {@value #TICK_MILLIS} ms.
     */
    public void tick() {
        post(this::handleTick);
    }

    /** Stops the scheduler thread; jobs still running fail. Idempotent. */
    @Override
    public void close() {
        if (stopped) {
            return;
        }
        post(() -> {
            for (Job job : new ArrayList<>(jobs.values())) {
                failJob(job, new JobFailedException("The session was closed while the job ran", -1, -1, null));
            }
            stopped = true;
        });
        ticker.shutdownNow();
        if (thread.isAlive() && Thread.currentThread() != thread) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stopped = true;
    }

    /**
     * Submits a job. Any thread.
     *
     * @param node the final node
     * @param function the per-partition function
     * @param partitions partitions to compute, in result order
     * @param callSite for logs
     * @return the serialized per-partition results, in order; fails with {@link JobFailedException}
     */
    public CompletableFuture<List<byte[]>> submitJob(Node<?> node, SerializableFunction<?, ?> function,
            int[] partitions, String callSite) {
        CompletableFuture<List<byte[]>> future = new CompletableFuture<>();
        if (partitions.length == 0) {
            future.complete(List.of());
            return future;
        }
        post(() -> handleJobSubmitted(node, function, partitions, callSite, future));
        return future;
    }

    /**
     * Fails every running job, and every job submitted from now on, with the reason: the cluster backend can
     * never run tasks again (its executors keep failing, or the cluster application ended). Any thread.
     *
     * @param reason what happened and what to do about it
     */
    public void abort(String reason) {
        post(() -> {
            abortedBecause = reason;
            for (Job job : new ArrayList<>(jobs.values())) {
                failJob(job, new JobFailedException(reason, -1, -1, null));
            }
        });
    }

    /**
     * An executor can run tasks. Any thread.
     *
     * @param executorId its id
     * @param host its host
     * @param cores how many tasks it runs at once
     */
    public void executorAdded(String executorId, String host, int cores) {
        executorAdded(executorId, host, cores, null, null);
    }

    /**
     * An executor in a container can run tasks. Any thread.
     *
     * @param executorId its id
     * @param host its host
     * @param cores how many tasks it runs at once
     * @param containerId its YARN container, or null
     * @param logUrl where its logs are, or null
     */
    public void executorAdded(String executorId, String host, int cores, String containerId, String logUrl) {
        post(() -> {
            executors.put(executorId, new ExecutorSlots(host, cores));
            LOG.info("Executor {} on {} with {} cores added", executorId, host, cores);
            listener.executorAdded(executorId, host, cores, containerId, logUrl);
            offer();
        });
    }

    /**
     * An executor's heartbeat carried its JVM's health; passed on to listeners. Any thread.
     *
     * @param executorId its id
     * @param metrics its JVM's health
     */
    public void executorHeartbeat(String executorId, ExecutorJvmMetrics metrics) {
        post(() -> {
            if (executors.containsKey(executorId)) {
                listener.executorMetrics(executorId, metrics);
            }
        });
    }

    /**
     * An executor's connection dropped and the cluster has not yet said why: it gets no more tasks, but its
     * running tasks stay where they are until {@link #executorLost} gives the reason their failure will carry.
     * Any thread.
     *
     * @param executorId its id
     */
    public void executorDisconnected(String executorId) {
        post(() -> {
            ExecutorSlots slots = executors.get(executorId);
            if (slots != null) {
                slots.disconnected = true;
            }
        });
    }

    /**
     * An executor is gone; its running tasks are retried elsewhere, each counted as a failure. Any thread.
     *
     * @param executorId its id
     * @param reason why, for the tasks' failure messages
     */
    public void executorLost(String executorId, String reason) {
        executorLost(executorId, reason, true);
    }

    /**
     * An executor is gone; its running tasks are retried elsewhere. Any thread.
     *
     * @param executorId its id
     * @param reason why, for the tasks' failure messages
     * @param causedByTasks whether the loss counts as a failure of the tasks that were running there; false for
     *     losses no task can cause (preemption, a lost or decommissioned node)
     */
    public void executorLost(String executorId, String reason, boolean causedByTasks) {
        post(() -> {
            if (executors.remove(executorId) == null) {
                return;
            }
            LOG.warn("Executor {} lost: {}", executorId, reason);
            listener.executorRemoved(executorId, reason);
            List<Long> lost = new ArrayList<>();
            runningTasks.forEach((id, task) -> {
                if (task.executorId.equals(executorId)) {
                    lost.add(id);
                }
            });
            for (long id : lost) {
                handleTaskEnded(id, new TaskOutcome.ExecutorLost("executor " + executorId + " lost: " + reason,
                        causedByTasks));
            }
            offer();
        });
    }

    /**
     * A task attempt ended. Any thread; exactly once per launched attempt (later reports are ignored).
     *
     * @param taskId the attempt
     * @param outcome how it ended
     */
    public void taskEnded(long taskId, TaskOutcome outcome) {
        post(() -> {
            handleTaskEnded(taskId, outcome);
            offer();
        });
    }

    /**
     * Reads scheduler state on the scheduler thread, for tests and status pages.
     *
     * @param query the read
     * @param <T> result type
     * @return a future of its result
     */
    public <T> CompletableFuture<T> inspect(java.util.function.Function<SchedulerView, T> query) {
        CompletableFuture<T> result = new CompletableFuture<>();
        post(() -> result.complete(query.apply(new SchedulerView(registry, executors.size(), runningTasks.size()))));
        return result;
    }

    /**
     * What {@link #inspect} shows.
     *
     * @param mapOutputs the registry of committed map outputs
     * @param executors how many executors are registered
     * @param runningTasks how many attempts run
     */
    public record SchedulerView(MapOutputRegistry mapOutputs, int executors, int runningTasks) {
    }

    /** Runs queued events on the calling thread until the queue is empty; for tests without the thread. */
    void drainForTest() {
        Runnable event;
        while ((event = events.poll()) != null) {
            event.run();
        }
    }

    private void post(Runnable event) {
        events.add(event);
    }

    private void loop() {
        while (!stopped) {
            try {
                Runnable event = events.take();
                event.run();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | Error e) {
                // A bug here must not kill the only thread that can finish jobs: fail what is running instead.
                LOG.error("Scheduler event failed; failing running jobs", e);
                for (Job job : new ArrayList<>(jobs.values())) {
                    failJob(job, new JobFailedException("Internal scheduler error: " + e, -1, -1, e));
                }
            }
        }
    }

    // ---- jobs ---------------------------------------------------------------------------------------------

    private void handleJobSubmitted(Node<?> node, SerializableFunction<?, ?> function, int[] partitions,
            String callSite, CompletableFuture<List<byte[]>> future) {
        if (abortedBecause != null) {
            future.completeExceptionally(new JobFailedException(abortedBecause, -1, -1, null));
            return;
        }
        ResultStage stage;
        try {
            stage = planner.resultStage(node, function, partitions);
        } catch (RuntimeException e) {
            future.completeExceptionally(new JobFailedException("Could not plan " + callSite + ": " + e, -1, -1, e));
            return;
        }
        Job job = new Job(nextJobId++, stage, callSite, future);
        jobs.put(job.id, job);
        forEachStage(stage, s -> s.jobIds().add(job.id));
        LOG.info("Job {} ({}) submitted: {} output partitions", job.id, callSite, partitions.length);
        listener.jobStarted(job.id, callSite, stage);
        submitStage(stage);
        offer();
    }

    private void finishJob(Job job) {
        jobs.remove(job.id);
        forgetJob(job);
        LOG.info("Job {} ({}) finished", job.id, job.callSite);
        listener.jobEnded(job.id, null);
        job.future.complete(job.results());
    }

    private void failJob(Job job, JobFailedException error) {
        if (jobs.remove(job.id) == null) {
            return;
        }
        forgetJob(job);
        LOG.warn("Job {} ({}) failed: {}", job.id, job.callSite, error.getMessage());
        listener.jobEnded(job.id, error);
        job.future.completeExceptionally(error);
    }

    /** Drops the job's claim on its stages; stages no other job needs stop running. */
    private void forgetJob(Job job) {
        forEachStage(job.stage, stage -> {
            stage.jobIds().remove(job.id);
            if (stage.jobIds().isEmpty()) {
                waiting.remove(stage);
                running.remove(stage);
                TaskSet taskSet = activeTaskSets.remove(stage);
                if (taskSet != null) {
                    taskSet.markZombie();
                    killRunning(taskSet);
                }
            }
        });
    }

    private void killRunning(TaskSet taskSet) {
        runningTasks.forEach((id, task) -> {
            if (task.taskSet == taskSet) {
                launcher.killTask(task.executorId, id);
            }
        });
    }

    // ---- stages -------------------------------------------------------------------------------------------

    private void submitStage(Stage stage) {
        if (running.contains(stage) || waiting.contains(stage)) {
            return;
        }
        List<ShuffleMapStage> missingParents = new ArrayList<>();
        for (ShuffleMapStage parent : stage.parents()) {
            registerShuffle(parent);
            if (!registry.isComplete(parent.shuffleId())) {
                missingParents.add(parent);
            }
        }
        if (missingParents.isEmpty()) {
            submitMissingTasks(stage);
        } else {
            waiting.add(stage);
            missingParents.forEach(this::submitStage);
        }
    }

    private void submitMissingTasks(Stage stage) {
        List<Integer> indexes = new ArrayList<>();
        if (stage instanceof ShuffleMapStage map) {
            registerShuffle(map);
            indexes.addAll(registry.missing(map.shuffleId()));
            if (indexes.isEmpty()) {
                stageCompleted(stage);
                return;
            }
        } else {
            Job job = jobOf((ResultStage) stage);
            for (int i = 0; i < job.done.length; i++) {
                if (!job.done[i]) {
                    indexes.add(i);
                }
            }
        }
        if (stage.binary() == null) {
            try {
                serialize(stage);
            } catch (RuntimeException e) {
                abortStage(stage, "Could not serialize " + stage + ": " + e.getMessage(), -1, e);
                return;
            }
        }
        int attempt = stage.nextAttempt();
        TaskSet taskSet = new TaskSet(stage, attempt, indexes);
        activeTaskSets.put(stage, taskSet);
        running.add(stage);
        LOG.info("Submitting {} attempt {} with {} tasks", stage, attempt, indexes.size());
        listener.stageSubmitted(stage, attempt, indexes.size());
    }

    private void serialize(Stage stage) {
        byte[] bytes = stage instanceof ShuffleMapStage map
                ? serializer.serializeMapStage(map.node(), map.dependency())
                : serializer.serializeResultStage(stage.node(), ((ResultStage) stage).function());
        stage.setBinary(new StageBinary(nextBinaryId++, bytes));
    }

    /**
     * Makes the shuffle known to the registry, with whatever outputs an earlier driver attempt committed for the
     * same map stage.
     */
    private void registerShuffle(ShuffleMapStage map) {
        if (registry.contains(map.shuffleId())) {
            return;
        }
        registry.registerShuffle(map.shuffleId(), map.numPartitions());
        if (journal == MapOutputJournal.NONE) {
            return;
        }
        try {
            if (map.binary() == null) {
                serialize(map);
            }
        } catch (RuntimeException e) {
            return; // reported when the stage is submitted
        }
        int recovered = 0;
        for (MapStatus status : journal.recover(map.shuffleId(), fingerprint(map))) {
            if (status.mapIndex() < map.numPartitions() && registry.register(map.shuffleId(), status)) {
                recovered++;
            }
        }
        if (recovered > 0) {
            LOG.info("{}: recovered {} of {} map outputs committed by an earlier attempt", map, recovered,
                    map.numPartitions());
            listener.mapOutputsRecovered(map, recovered);
        }
    }

    /** Identifies a map stage across driver attempts: its shuffle, its partition counts and its serialized code. */
    private static String fingerprint(ShuffleMapStage map) {
        if (map.fingerprint() == null) {
            try {
                java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
                digest.update((map.shuffleId() + "/" + map.numPartitions() + "/"
                        + map.dependency().partitioner().numPartitions() + "/").getBytes(
                                java.nio.charset.StandardCharsets.UTF_8));
                digest.update(map.binary().bytes());
                map.setFingerprint(java.util.HexFormat.of().formatHex(digest.digest()));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JVM", e);
            }
        }
        return map.fingerprint();
    }

    private void stageCompleted(Stage stage) {
        running.remove(stage);
        TaskSet finished = activeTaskSets.remove(stage);
        if (finished != null) {
            promoteFailures(finished);
        }
        stage.resetFetchFailures();
        LOG.info("{} completed", stage);
        listener.stageCompleted(stage);
        for (Stage child : new ArrayList<>(waiting)) {
            if (child.parents().stream().allMatch(p -> registry.isComplete(p.shuffleId()))) {
                waiting.remove(child);
                submitMissingTasks(child);
            }
        }
    }

    private void abortStage(Stage stage, String message, int partition, Throwable cause) {
        for (Job job : new ArrayList<>(jobs.values())) {
            if (stage.jobIds().contains(job.id)) {
                failJob(job, new JobFailedException(message, stage.id(), partition, cause));
            }
        }
    }

    // ---- tasks --------------------------------------------------------------------------------------------

    private void offer() {
        long now = clock.getAsLong();
        boolean launched = true;
        while (launched) {
            launched = false;
            for (Map.Entry<String, ExecutorSlots> entry : executors.entrySet()) {
                ExecutorSlots slots = entry.getValue();
                if (slots.free > 0 && !slots.disconnected && !exclusions.isExcluded(entry.getKey(), slots.host, now)
                        && launchOne(entry.getKey(), slots, now)) {
                    launched = true;
                }
            }
        }
    }

    private boolean launchOne(String executorId, ExecutorSlots slots, long now) {
        for (TaskSet taskSet : new ArrayList<>(activeTaskSets.values())) {
            if (!taskSet.hasPending() || excludedFor(taskSet, executorId)) {
                continue;
            }
            if (!inputsAvailable(taskSet.stage)) {
                // Another stage's fetch failure removed an output this stage reads: wait for its recomputation.
                resubmit(taskSet);
                continue;
            }
            Integer index = taskSet.poll(executorId, slots.host, usableExecutors(taskSet, now) > 1);
            if (index == null) {
                continue;
            }
            launch(executorId, slots, taskSet, index, false, now);
            return true;
        }
        // Speculative copies only when no task waits for its first attempt.
        for (TaskSet taskSet : new ArrayList<>(activeTaskSets.values())) {
            if (excludedFor(taskSet, executorId)) {
                continue;
            }
            Integer index = taskSet.pollSpeculative(executorId);
            if (index != null) {
                launch(executorId, slots, taskSet, index, true, now);
                return true;
            }
        }
        return false;
    }

    private boolean excludedFor(TaskSet taskSet, String executorId) {
        return config.exclusion().enabled()
                && taskSet.excludes(executorId, config.exclusion().maxFailuresPerExecutor());
    }

    /** @return executors neither excluded for the application nor for this stage attempt */
    private int usableExecutors(TaskSet taskSet, long now) {
        int usable = 0;
        for (Map.Entry<String, ExecutorSlots> entry : executors.entrySet()) {
            if (!exclusions.isExcluded(entry.getKey(), entry.getValue().host, now)
                    && !excludedFor(taskSet, entry.getKey())) {
                usable++;
            }
        }
        return usable;
    }

    private boolean inputsAvailable(Stage stage) {
        for (ShuffleMapStage parent : stage.parents()) {
            if (!registry.isComplete(parent.shuffleId())) {
                return false;
            }
        }
        return true;
    }

    private void launch(String executorId, ExecutorSlots slots, TaskSet taskSet, int index, boolean speculative,
            long now) {
        Stage stage = taskSet.stage;
        int partition = taskSet.partitionOf(index);
        Map<Integer, List<ShuffleBlock>> inputs = new HashMap<>();
        for (ShuffleMapStage parent : stage.parents()) {
            inputs.put(parent.shuffleId(), registry.blocksFor(parent.shuffleId(), partition));
        }
        TaskDescription.ShuffleOutput output = null;
        if (stage instanceof ShuffleMapStage map) {
            ShuffleDependency<?, ?, ?> dep = map.dependency();
            output = new TaskDescription.ShuffleOutput(dep.shuffleId(), dep.partitioner().numPartitions());
        }
        int attemptNumber = taskSet.startAttempt(index, executorId, now);
        TaskDescription task = new TaskDescription(nextTaskId++, stage.id(), taskSet.stageAttempt, partition,
                attemptNumber, stage.binary(), inputs, output, stage.node().preferredLocations(partition));
        runningTasks.put(task.taskId(), new RunningTask(task, taskSet, index, executorId, now));
        slots.free--;
        if (speculative) {
            LOG.info("Speculating {} on executor {}", task, executorId);
        }
        listener.taskStarted(task, executorId, speculative);
        launcher.launchTask(executorId, task);
    }

    private void handleTaskEnded(long taskId, TaskOutcome outcome) {
        RunningTask task = runningTasks.remove(taskId);
        if (task == null) {
            return;
        }
        ExecutorSlots slots = executors.get(task.executorId);
        if (slots != null) {
            slots.free++;
        }
        task.taskSet.attemptEnded(task.index, task.executorId);
        listener.taskEnded(task.description, task.executorId, outcome);
        if (outcome instanceof TaskOutcome.Success success) {
            handleSuccess(task, success);
        } else if (outcome instanceof TaskOutcome.Failed failed) {
            noteFailureOn(task);
            handleFailure(task, failed.error());
        } else if (outcome instanceof TaskOutcome.ExecutorLost lost && !lost.causedByTask()) {
            retryUncounted(task, lost.reason());
        } else if (outcome instanceof TaskOutcome.ExecutorLost lost) {
            handleFailure(task,
                    new RemoteTaskException("io.weft.ExecutorLost", lost.reason(), new StackTraceElement[0], null));
        } else if (outcome instanceof TaskOutcome.FetchFailed fetch) {
            handleFetchFailure(task, fetch);
        } else {
            LOG.debug("{} killed", task.description);
        }
    }

    private void handleSuccess(RunningTask task, TaskOutcome.Success success) {
        Stage stage = task.taskSet.stage;
        task.taskSet.succeeded(task.index, clock.getAsLong() - task.startMillis);
        killOtherAttempts(task);
        if (stage instanceof ShuffleMapStage map) {
            if (!registry.contains(map.shuffleId())) {
                return;
            }
            if (registry.register(map.shuffleId(), success.mapStatus())) {
                accumulators.apply(success.accumulatorUpdates());
                journal.committed(map.shuffleId(), fingerprint(map), success.mapStatus());
            }
            if (running.contains(stage) && registry.isComplete(map.shuffleId())) {
                stageCompleted(stage);
            }
            return;
        }
        Job job = jobs.get(firstJobId(stage));
        if (job == null || job.done[task.index]) {
            return;
        }
        job.done[task.index] = true;
        job.resultBytes[task.index] = success.result();
        job.finished++;
        accumulators.apply(success.accumulatorUpdates());
        if (job.finished == job.done.length) {
            running.remove(stage);
            TaskSet finished = activeTaskSets.remove(stage);
            if (finished != null) {
                promoteFailures(finished);
            }
            LOG.info("{} completed", stage);
            listener.stageCompleted(stage);
            finishJob(job);
        }
    }

    private void handleFailure(RunningTask task, RemoteTaskException error) {
        TaskSet taskSet = task.taskSet;
        if (taskSet.isZombie() || isDone(task)) {
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
            abortStage(taskSet.stage, "Task for partition " + task.description.partition() + " of stage "
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
        if (taskSet.isZombie() || isDone(task) || taskSet.runningAttempts(task.index) > 0) {
            return;
        }
        LOG.info("{} will run again, not counted as a failure: {}", task.description, reason);
        taskSet.retry(task.index);
    }

    /** Counts a task failure against its executor within the stage attempt; may exclude it there. */
    private void noteFailureOn(RunningTask task) {
        ExecutorSlots slots = executors.get(task.executorId);
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

    /** The partition is done: other attempts of it (speculative copies) are killed; their results are ignored. */
    private void killOtherAttempts(RunningTask winner) {
        runningTasks.forEach((id, other) -> {
            if (other.taskSet == winner.taskSet && other.index == winner.index) {
                LOG.info("Killing {} on executor {}: {} finished first", other.description, other.executorId,
                        winner.description);
                launcher.killTask(other.executorId, id);
            }
        });
    }

    // ---- timer --------------------------------------------------------------------------------------------

    private void handleTick() {
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
        offer();
    }

    /**
     * Fails the jobs of stages that have waited too long with tasks to run while every executor is excluded. No
     * executors at all is not this case: the backend is still starting or replacing them.
     */
    private void abortUnschedulable(long now) {
        for (TaskSet taskSet : new ArrayList<>(activeTaskSets.values())) {
            boolean allExcluded = !executors.isEmpty() && usableExecutors(taskSet, now) == 0;
            if (!allExcluded || !taskSet.hasPending()) {
                unschedulableSince.remove(taskSet);
                continue;
            }
            long since = unschedulableSince.computeIfAbsent(taskSet, t -> now);
            if (now - since >= config.exclusion().unschedulableTimeoutMillis()) {
                unschedulableSince.remove(taskSet);
                taskSet.markZombie();
                killRunning(taskSet);
                List<String> where = new ArrayList<>();
                executors.forEach((id, slots) -> where.add(id + " on " + slots.host));
                RemoteTaskException last = taskSet.lastFailure();
                abortStage(taskSet.stage, taskSet.stage + " cannot run: every executor (" + String.join(", ", where)
                        + ") is excluded after repeated task failures, and none became usable within "
                        + config.exclusion().unschedulableTimeoutMillis() + " ms."
                        + (last == null ? "" : " Most recent failure: " + taskSet.lastFailureWhere() + ": " + last
                                + ".")
                        + " If the failures are not the executors' fault, raise weft.exclude.maxFailuresPerExecutor"
                        + " or set weft.exclude.enabled=false.", -1, last);
            }
        }
    }

    private boolean isDone(RunningTask task) {
        Stage stage = task.taskSet.stage;
        if (stage instanceof ShuffleMapStage map) {
            return registry.contains(map.shuffleId()) && registry.statuses(map.shuffleId())[task.index] != null;
        }
        Job job = jobs.get(firstJobId(stage));
        return job == null || job.done[task.index];
    }

    private void handleFetchFailure(RunningTask task, TaskOutcome.FetchFailed fetch) {
        LOG.warn("{} could not read map output {} of shuffle {}: {}", task.description, fetch.mapIndex(),
                fetch.shuffleId(), fetch.message());
        TaskSet taskSet = task.taskSet;
        if (taskSet.isZombie() || activeTaskSets.get(taskSet.stage) != taskSet) {
            // An abandoned attempt's report may be about an output that has been recomputed since; the current
            // attempt's tasks will report any output that is still unreadable.
            return;
        }
        registry.unregister(fetch.shuffleId(), fetch.mapIndex());
        Stage stage = taskSet.stage;
        int failures = stage.recordFetchFailure();
        if (failures > config.maxStageAttempts()) {
            taskSet.markZombie();
            abortStage(stage, stage + " failed " + failures + " times in a row because map outputs could not be"
                    + " read; last: map output " + fetch.mapIndex() + " of shuffle " + fetch.shuffleId() + ": "
                    + fetch.message(), task.description.partition(), null);
            return;
        }
        resubmit(taskSet);
    }

    /** Abandons a stage attempt and resubmits the stage, which first recomputes its missing parent outputs. */
    private void resubmit(TaskSet taskSet) {
        Stage stage = taskSet.stage;
        taskSet.markZombie();
        activeTaskSets.remove(stage);
        running.remove(stage);
        LOG.info("Resubmitting {}: parent map outputs are missing", stage);
        submitStage(stage);
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private Job jobOf(ResultStage stage) {
        return jobs.get(firstJobId(stage));
    }

    private static int firstJobId(Stage stage) {
        return stage.jobIds().isEmpty() ? -1 : stage.jobIds().iterator().next();
    }

    private static void forEachStage(Stage root, java.util.function.Consumer<Stage> action) {
        Set<Stage> seen = new HashSet<>();
        List<Stage> toVisit = new ArrayList<>(List.of(root));
        while (!toVisit.isEmpty()) {
            Stage stage = toVisit.remove(toVisit.size() - 1);
            if (seen.add(stage)) {
                action.accept(stage);
                toVisit.addAll(stage.parents());
            }
        }
    }

    private static final class ExecutorSlots {
        final String host;
        int free;
        /** Its connection dropped; it gets no tasks while the reason is awaited. */
        boolean disconnected;

        ExecutorSlots(String host, int cores) {
            this.host = host;
            this.free = cores;
        }
    }

    private record RunningTask(TaskDescription description, TaskSet taskSet, int index, String executorId,
            long startMillis) {
    }

    private static final class Job {
        final int id;
        final ResultStage stage;
        final String callSite;
        final CompletableFuture<List<byte[]>> future;
        final boolean[] done;
        final byte[][] resultBytes;
        int finished;

        Job(int id, ResultStage stage, String callSite, CompletableFuture<List<byte[]>> future) {
            this.id = id;
            this.stage = stage;
            this.callSite = callSite;
            this.future = future;
            this.done = new boolean[stage.numOutputs()];
            this.resultBytes = new byte[stage.numOutputs()][];
        }

        List<byte[]> results() {
            return java.util.Arrays.asList(resultBytes);
        }
    }
}
