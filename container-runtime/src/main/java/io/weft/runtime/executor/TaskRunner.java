package io.weft.runtime.executor;

import io.weft.api.Pair;
import io.weft.api.Partitioner;
import io.weft.api.SerializableFunction;
import io.weft.api.lineage.Node;
import io.weft.api.lineage.ShuffleDependency;
import io.weft.api.lineage.TaskContexts;
import io.weft.planner.MapStatus;
import io.weft.planner.TaskDescription;
import io.weft.planner.TaskMetrics;
import io.weft.planner.TaskOutcome;
import io.weft.runtime.shuffle.FetchFailedException;
import io.weft.runtime.shuffle.MapOutputCommit;
import io.weft.runtime.shuffle.MapOutputWriter;
import java.util.Iterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one task attempt on an executor thread: deserializes the stage binary (a fresh copy per task, so
 * functions never share mutable state across threads), computes the partition, writes map output or serializes
 * the result, and reports the outcome exactly once. A stage of a class-loader scope ({@link StageScope}) is read
 * and run in the scope's environment ({@link ExecutorScopes}): its loader, and its serializers for every record,
 * value and result of the task.
 */
final class TaskRunner implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(TaskRunner.class);

    private final ExecutorEnvironment base;
    private final ExecutorScopes scopes;
    private final TaskDescription task;
    private final TaskStatusReporter reporter;
    private final Runnable onEnd;
    /** The environment of the stage's scope (the executor's own without one); set on the task's thread. */
    private ExecutorEnvironment env;
    private StageScope scope;

    TaskRunner(ExecutorEnvironment env, ExecutorScopes scopes, TaskDescription task, TaskStatusReporter reporter,
            Runnable onEnd) {
        this.base = env;
        this.env = env;
        this.scopes = scopes;
        this.task = task;
        this.reporter = reporter;
        this.onEnd = onEnd;
    }

    private volatile Thread thread;
    private volatile boolean killed;

    /** Interrupts the attempt if it runs, or makes it end as killed when it starts. Any thread. */
    void kill() {
        killed = true;
        Thread running = thread;
        if (running != null) {
            running.interrupt();
        }
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        if (killed) {
            onEnd.run();
            reporter.taskEnded(task.taskId(), new TaskOutcome.Killed());
            return;
        }
        long start = System.nanoTime();
        ExecutorTaskContext context = null;
        TaskOutcome outcome;
        try {
            // The header names the added files and the stage's scope; the payload is read with the scope's loader.
            byte[] bytes = task.binary().bytes();
            StageBinaries.Header header = StageBinaries.readHeader(base.kryo(), bytes);
            base.files().fetch(header.files());
            scope = header.scope();
            env = scope == null ? base : scopes.environment(scope);
            context = new ExecutorTaskContext(env, task);
            TaskContexts.set(context);
            Thread.currentThread().setContextClassLoader(env.kryo().classLoader());
            Object payload = StageBinaries.readPayload(env.kryo(), bytes, header);
            long deserializeNanos = System.nanoTime() - start;
            if (payload instanceof MapStagePayload map) {
                outcome = runMapTask(map, context, start, deserializeNanos);
            } else {
                outcome = runResultTask((ResultStagePayload) payload, context, start, deserializeNanos);
            }
        } catch (Throwable t) {
            outcome = failure(t);
        } finally {
            if (context != null) {
                context.close();
            }
            TaskContexts.clear();
            thread = null;
            Thread.interrupted();
        }
        onEnd.run();
        if (!(outcome instanceof TaskOutcome.Success) && !killed && shuttingDown()) {
            // The executor's JVM is going away (its container is being stopped) and took the task with it: the
            // driver sees the executor lost and reruns the task. Reporting the symptom (a read interrupted, a file
            // system closed) would blame the task or, worse, a map output that is fine.
            LOG.info("{} ended while this executor shuts down; not reported", task);
            return;
        }
        reporter.taskEnded(task.taskId(), outcome);
    }

    private TaskOutcome failure(Throwable t) {
        if (killed) {
            Thread.interrupted();
            return new TaskOutcome.Killed();
        }
        FetchFailedException fetch = findFetchFailure(t);
        if (fetch != null && !interrupted(fetch)) {
            LOG.warn("{}: fetch failure: {}", task, fetch.getMessage());
            return new TaskOutcome.FetchFailed(fetch.shuffleId(), fetch.mapIndex(), fetch.getMessage());
        }
        LOG.warn("{} failed", task, t);
        return new TaskOutcome.Failed(RemoteExceptions.of(t));
    }

    /** A read cut short by an interrupt says nothing about the map output it was reading. */
    private static boolean interrupted(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.io.InterruptedIOException || c instanceof InterruptedException
                    || c instanceof java.nio.channels.ClosedByInterruptException) {
                return true;
            }
        }
        return false;
    }

    /** @return whether this JVM has begun to shut down (a shutdown hook can no longer be added) */
    private static boolean shuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    private static long gcMillisSince(long before) {
        return Math.max(0, JvmGc.millis() - before);
    }

    private static FetchFailedException findFetchFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof FetchFailedException f) {
                return f;
            }
        }
        return null;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private TaskOutcome runMapTask(MapStagePayload payload, ExecutorTaskContext context, long start,
            long deserializeNanos) {
        long gcAtStart = JvmGc.millis();
        ShuffleDependency dep = payload.dependency();
        Partitioner partitioner = dep.partitioner();
        // Made before the task's input is computed, so the whole task counts as a live writer of the shuffle and
        // this executor's segment files of it stay open for the next commit however long the task runs. Ended on
        // every path: commit, or abort in the finally (which does nothing after a commit).
        MapOutputWriter writer = env.shuffleStore().newMapOutputWriter(dep.shuffleId(), task.partition(),
                task.taskId(), partitioner.numPartitions(), task.stageAttempt() > 0, env.kryo());
        long written = 0;
        MapOutputCommit commit;
        long commitStart;
        try {
            Node<Pair<Object, Object>> node = (Node<Pair<Object, Object>>) payload.node();
            Iterator<Pair<Object, Object>> records = node.iterator(task.partition(), context);
            if (dep.mapSideCombine()) {
                records = context.combineBeforeShuffle(records, dep.aggregator());
            }
            while (records.hasNext()) {
                Pair<Object, Object> record = records.next();
                writer.write(partitioner.getPartition(record.key()), record.key(), record.value());
                written++;
            }
            commitStart = System.nanoTime();
            commit = writer.commit();
        } finally {
            writer.abort();
        }
        long bytes = 0;
        for (long length : commit.partitionLengths()) {
            bytes += length;
        }
        MapStatus status = new MapStatus(task.partition(), task.taskId(), env.executorId(), commit.path(),
                commit.partitionOffsets(), commit.partitionLengths());
        long end = System.nanoTime();
        TaskMetrics metrics = new TaskMetrics(end - start, written, bytes, context.shuffleBytesRead(),
                context.spills() + writer.spillCount(), gcMillisSince(gcAtStart), 0, context.recordsRead(),
                context.inputBytes(), deserializeNanos, context.shuffleReadNanos(), end - commitStart, 0);
        return new TaskOutcome.Success(null, status, accumulatorUpdates(context), metrics);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private TaskOutcome runResultTask(ResultStagePayload payload, ExecutorTaskContext context, long start,
            long deserializeNanos) {
        long gcAtStart = JvmGc.millis();
        Node node = payload.node();
        SerializableFunction<Iterator<?>, ?> function = (SerializableFunction) payload.function();
        Object result = function.apply(node.iterator(task.partition(), context));
        long serializeStart = System.nanoTime();
        byte[] bytes = env.kryo().serialize(result);
        long end = System.nanoTime();
        TaskMetrics metrics = new TaskMetrics(end - start, 0, 0, context.shuffleBytesRead(),
                context.spills(), gcMillisSince(gcAtStart), bytes.length, context.recordsRead(),
                context.inputBytes(), deserializeNanos, context.shuffleReadNanos(), 0, end - serializeStart);
        return new TaskOutcome.Success(bytes, null, accumulatorUpdates(context), metrics);
    }

    /** A scoped task's updates travel serialized with its scope's serializers, which alone can read them. */
    private java.util.Map<Long, Object> accumulatorUpdates(ExecutorTaskContext context) {
        return ScopedAccumulatorUpdates.wrap(scope, env.kryo(), context.accumulatorUpdates());
    }
}
