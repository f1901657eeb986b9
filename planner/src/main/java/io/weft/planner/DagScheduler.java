package io.weft.planner;

import io.weft.api.SerializableFunction;
import io.weft.api.lineage.Node;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.function.Function;
import java.util.function.LongSupplier;

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
 * that finds every executor excluded for longer than {@link SchedulerConfig.Exclusion#unschedulableTimeoutMillis()}
 * fails its jobs with a message saying so. With speculation on, a slow task gets one copy on another executor;
 * the first attempt to succeed wins, the other is killed, and accumulators and outputs count once. Committed map
 * outputs are recorded in a {@link MapOutputJournal}, from which a later driver attempt recovers them.
 *
 * <p>Layers, as Spark's scheduler has them: this class is the front door and owns the {@link SchedulerLoop};
 * {@link StageScheduler} is the DAG (jobs, stages, map outputs, fetch-failure resubmission);
 * {@link TaskScheduler} schedules tasks (offers, launches, retries, exclusion, speculation);
 * {@link StageFingerprint} identifies map stages across driver attempts.
 *
 * <p>Threading: one thread ("weft-scheduler") owns the state of every layer. Every public method only enqueues an
 * event and may be called from any thread; {@link TaskLauncher}, {@link StageSerializer}, {@link AccumulatorSink}
 * and {@link SchedulerListener} are called on the scheduler thread.
 */
public final class DagScheduler implements ClusterEvents, AutoCloseable {

    private static final long TICK_MILLIS = 100;

    private final SchedulerConfig config;
    private final SchedulerLoop loop;
    private final StageScheduler stages;
    private final TaskScheduler tasks;
    private final ListenerTee events;
    private final LongSupplier clock;
    /** Set on the scheduler thread by {@link #startDynamicAllocation}; null without dynamic allocation. */
    private DynamicAllocation allocation;
    private volatile boolean timerRunning;

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
        this(config, launcher, serializer, accumulators, listener, journal, clock, Topology.SINGLE_RACK,
                threadFactory);
    }

    /**
     * @param config limits and policies
     * @param launcher the cluster backend
     * @param serializer makes stage binaries
     * @param accumulators receives accumulator updates
     * @param listener observes progress
     * @param journal remembers committed map outputs across driver attempts
     * @param clock the time in milliseconds, for task durations, speculation, exclusion timeouts and locality
     *     waits
     * @param topology the racks of hosts, for rack-local scheduling; called on the scheduler thread
     * @param threadFactory makes the scheduler thread
     */
    public DagScheduler(SchedulerConfig config, TaskLauncher launcher, StageSerializer serializer,
            AccumulatorSink accumulators, SchedulerListener listener, MapOutputJournal journal, LongSupplier clock,
            Topology topology, ThreadFactory threadFactory) {
        this.config = config;
        this.clock = clock;
        this.events = new ListenerTee(listener);
        this.stages = new StageScheduler(config, serializer, accumulators, events, journal);
        this.tasks = new TaskScheduler(config, launcher, events, clock, stages, topology);
        stages.setTasks(tasks);
        this.loop = new SchedulerLoop(threadFactory, "weft-scheduler-timer",
                error -> stages.failAll("Internal scheduler error: " + error, error));
    }

    /**
     * Starts the scheduler thread, and the timer that checks for slow tasks and expired exclusions, and offers free
     * cores again so a locality wait that ends is noticed within {@value #TICK_MILLIS} ms.
     */
    public void start() {
        boolean needsTimer = config.speculation().enabled() || config.exclusion().enabled()
                || config.locality().waits();
        loop.start(needsTimer ? this::handleTick : null, TICK_MILLIS);
        timerRunning = needsTimer;
    }

    /**
     * Checks for slow tasks to speculate, exclusions that have expired and stages that cannot be scheduled, then
     * offers free cores (a locality wait may have ended). Any thread; the timer calls it every
     * {@value #TICK_MILLIS} ms.
     */
    public void tick() {
        loop.post(this::handleTick);
    }

    private void handleTick() {
        tasks.tick();
        if (allocation != null) {
            allocation.tick();
        }
        tasks.offer();
    }

    /**
     * Turns on dynamic allocation: from now on, every {@value #TICK_MILLIS} ms on the scheduler thread, the client
     * hears how many executors the work in hand could use, ramped up as {@link ExecutorAllocationPolicy} says,
     * and idle executors are released through it (only ones running no task, which get no task afterwards).
     * Executors registered before this call are seen idle from now. Call once, after {@link #start} (without it,
     * only {@link #tick} drives the policy, as tests do); any thread.
     *
     * @param settings the limits and timeouts
     * @param client asks the cluster for executors and releases them; called on the scheduler thread
     */
    public void startDynamicAllocation(AllocationSettings settings, ExecutorAllocationClient client) {
        loop.post(() -> {
            ExecutorAllocationPolicy policy = new ExecutorAllocationPolicy(settings, clock);
            allocation = new DynamicAllocation(policy, client, new DynamicAllocation.Port() {
                @Override
                public int waitingTasks() {
                    return tasks.activeTaskSets().stream().mapToInt(TaskSet::waiting).sum();
                }

                @Override
                public int runningTasks() {
                    return tasks.runningCount();
                }

                @Override
                public boolean retireIfIdle(String executorId) {
                    return tasks.executors().retireIfIdle(executorId);
                }
            });
            tasks.executors().all().forEach(slots -> allocation.executorAdded(slots.id, null, 0, null, null));
            events.setSecond(allocation);
        });
        if (loop.isStarted() && !timerRunning) {
            timerRunning = true;
            loop.every(this::handleTick, TICK_MILLIS);
        }
    }

    /** Stops the scheduler thread; jobs still running fail. Idempotent. */
    @Override
    public void close() {
        loop.stop(() -> stages.failAll("The session was closed while the job ran", null));
    }

    /**
     * Submits a job. Any thread.
     *
     * @param node the final node
     * @param function the per-partition function
     * @param partitions partitions to compute, in result order
     * @param callSite for logs
     * @return the serialized per-partition results, in order; fails with {@link io.weft.api.JobFailedException}
     */
    public CompletableFuture<List<byte[]>> submitJob(Node<?> node, SerializableFunction<?, ?> function,
            int[] partitions, String callSite) {
        return submitJob(node, function, partitions, callSite, JobProperties.NONE);
    }

    /**
     * Submits a job with its description and group. Any thread.
     *
     * @param node the final node
     * @param function the per-partition function
     * @param partitions partitions to compute, in result order
     * @param callSite for logs
     * @param properties the submitting thread's description and group
     * @return the serialized per-partition results, in order; fails with {@link io.weft.api.JobFailedException},
     *     or {@link io.weft.api.JobCancelledException} when cancelled
     */
    public CompletableFuture<List<byte[]>> submitJob(Node<?> node, SerializableFunction<?, ?> function,
            int[] partitions, String callSite, JobProperties properties) {
        CompletableFuture<List<byte[]>> future = new CompletableFuture<>();
        if (partitions.length == 0) {
            future.complete(List.of());
            return future;
        }
        post(() -> stages.submitJob(node, function, partitions, callSite, properties, future));
        return future;
    }

    /**
     * Cancels the running and waiting jobs of a group: they fail with {@link io.weft.api.JobCancelledException}
     * and their running tasks are killed, unless a job of another group needs them too. Jobs submitted after this
     * call (in queue order) are not affected. Any thread; does not wait.
     *
     * @param groupId the group
     */
    public void cancelJobGroup(String groupId) {
        java.util.Objects.requireNonNull(groupId, "groupId");
        post(() -> stages.cancelJobs(groupId));
    }

    /** Cancels every running and waiting job, as {@link #cancelJobGroup} does for a group. Any thread. */
    public void cancelAllJobs() {
        post(() -> stages.cancelJobs(null));
    }

    @Override
    public void abort(String reason) {
        loop.post(() -> stages.abort(reason));
    }

    /**
     * An executor can run tasks (outside YARN). Any thread.
     *
     * @param executorId its id
     * @param host its host
     * @param cores how many tasks it runs at once
     */
    public void executorAdded(String executorId, String host, int cores) {
        executorAdded(executorId, host, cores, null, null);
    }

    @Override
    public void executorAdded(String executorId, String host, int cores, String containerId, String logUrl) {
        post(() -> tasks.executorAdded(executorId, host, cores, containerId, logUrl));
    }

    @Override
    public void executorHeartbeat(String executorId, ExecutorJvmMetrics metrics) {
        loop.post(() -> tasks.executorHeartbeat(executorId, metrics));
    }

    @Override
    public void executorDisconnected(String executorId) {
        loop.post(() -> tasks.executorDisconnected(executorId));
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

    @Override
    public void executorLost(String executorId, String reason, boolean causedByTasks) {
        post(() -> tasks.executorLost(executorId, reason, causedByTasks));
    }

    @Override
    public void taskEnded(long taskId, TaskOutcome outcome) {
        post(() -> tasks.taskEnded(taskId, outcome));
    }

    /**
     * Reads scheduler state on the scheduler thread, for tests and status pages.
     *
     * @param query the read
     * @param <T> result type
     * @return a future of its result
     */
    public <T> CompletableFuture<T> inspect(Function<SchedulerView, T> query) {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.post(() -> result.complete(query.apply(new SchedulerView(stages.registry(), tasks.executorCount(),
                tasks.runningCount()))));
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
        loop.drain();
    }

    /** Posts an event after which free cores are offered to the task sets it may have changed. */
    private void post(Runnable event) {
        loop.post(() -> {
            event.run();
            tasks.offer();
        });
    }
}
