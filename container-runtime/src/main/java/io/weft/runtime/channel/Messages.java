package io.weft.runtime.channel;

import io.weft.planner.MapStatus;
import io.weft.planner.ShuffleBlock;
import io.weft.planner.StageBinary;
import io.weft.planner.TaskDescription;
import io.weft.planner.TaskMetrics;
import io.weft.planner.TaskOutcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The driver-executor protocol's messages. They travel Kryo-serialized in length-prefixed frames, and only after
 * both ends have authenticated (see {@link Handshake}); every class they hold is in {@link #REGISTERED}.
 */
public final class Messages {

    /**
     * Stage binaries an executor keeps, evicting the first received; the driver mirrors the same cache to know
     * which binaries it need not send again.
     */
    public static final int BINARY_CACHE = 64;

    /**
     * Every class that may appear in a message, in registration order (which numbers them on the wire, so both
     * ends must have the same list): the channel's Kryo requires registration, so a frame naming any other class
     * closes its connection without loading it. To add a message: add its record to {@link Message}'s permits and
     * append it, and any class its fields hold that is not here yet, at the end of this list. Primitives, their
     * wrappers and {@code String} are Kryo's own; any {@code List}, {@code Set} or {@code Map} travels as the
     * {@code ArrayList}, {@code LinkedHashSet} or {@code LinkedHashMap} below. {@link TaskOutcome.Success} and
     * {@link io.weft.api.RemoteTaskException} are registered after these, with serializers of their own
     * ({@link MessageKryo}).
     */
    public static final List<Class<?>> REGISTERED = List.of(
            RegisterExecutor.class, Registered.class, LaunchTask.class, KillTask.class, StatusUpdate.class,
            Heartbeat.class, Unpersist.class, UnpersistBroadcast.class, Shutdown.class, ExecutorExited.class,
            TaskDescription.class, StageBinary.class, TaskDescription.ShuffleOutput.class, ShuffleBlock.class,
            TaskOutcome.Failed.class, TaskOutcome.FetchFailed.class, TaskOutcome.ExecutorLost.class,
            TaskOutcome.Killed.class, MapStatus.class, TaskMetrics.class,
            byte[].class, long[].class, ArrayList.class, LinkedHashSet.class, LinkedHashMap.class,
            TokensUpdated.class, DropScope.class);

    private Messages() {
    }

    /** Any protocol message. */
    public sealed interface Message permits RegisterExecutor, Registered, LaunchTask, KillTask, StatusUpdate,
            Heartbeat, Unpersist, UnpersistBroadcast, Shutdown, ExecutorExited, TokensUpdated, DropScope {
    }

    /**
     * ApplicationMaster to driver (client mode, where they are different processes): why an executor's
     * container ended, as YARN reported it. Sent on its own authenticated connection, without registering.
     *
     * @param executorId the executor the container hosted
     * @param reason the classified exit, naming the setting to change where there is one
     * @param causedByTasks whether the loss counts against the tasks that were running there
     */
    public record ExecutorExited(String executorId, String reason, boolean causedByTasks) implements Message {
    }

    /**
     * Executor to driver, first message after authentication.
     *
     * @param executorId the executor's id
     * @param host its host
     * @param cores its task threads
     * @param pid its process id
     * @param containerId its YARN container, or null outside YARN
     * @param logUrl its logs on the NodeManager's web UI, or null
     * @param jvmStartMillis when its JVM started (epoch milliseconds, its host's clock), or 0 when unknown: a
     *     start-up timeline's "executor JVM start"
     */
    public record RegisterExecutor(String executorId, String host, int cores, long pid, String containerId,
            String logUrl, long jvmStartMillis) implements Message {

        /** A registration that does not say when the JVM started. */
        public RegisterExecutor(String executorId, String host, int cores, long pid, String containerId,
                String logUrl) {
            this(executorId, host, cores, pid, containerId, logUrl, 0);
        }
    }

    /**
     * Driver to executor: what it needs to run tasks.
     *
     * @param applicationId the application
     * @param settings the session's settings
     * @param shuffleDir the application's shuffle directory URI
     */
    public record Registered(String applicationId, Map<String, String> settings, String shuffleDir)
            implements Message {
    }

    /**
     * Driver to executor. The stage binary's bytes are sent with the first task of a stage an executor sees;
     * later tasks carry only its id ({@code bytes == null}).
     *
     * @param task the attempt
     */
    public record LaunchTask(TaskDescription task) implements Message {
    }

    /**
     * Driver to executor.
     *
     * @param taskId the attempt to interrupt
     */
    public record KillTask(long taskId) implements Message {
    }

    /**
     * Executor to driver: a task ended.
     *
     * @param taskId the attempt
     * @param outcome how it ended
     */
    public record StatusUpdate(long taskId, TaskOutcome outcome) implements Message {
    }

    /**
     * Executor to driver, periodically.
     *
     * @param executorId the executor
     * @param heapUsed bytes of heap in use
     * @param activeTasks attempts queued or running
     * @param heapMax the heap's limit in bytes
     * @param gcMillis total garbage-collection time since the JVM started
     * @param threads live threads
     */
    public record Heartbeat(String executorId, long heapUsed, int activeTasks, long heapMax, long gcMillis,
            int threads) implements Message {
    }

    /**
     * Driver to executor: drop a node's cached partitions.
     *
     * @param nodeId the node
     */
    public record Unpersist(int nodeId) implements Message {
    }

    /**
     * Driver to executor: drop a broadcast's value (it is fetched again if a task uses it).
     *
     * @param broadcastId the broadcast
     */
    public record UnpersistBroadcast(long broadcastId) implements Message {
    }

    /**
     * Driver to executor: fresh Hadoop delegation tokens (a Kerberos cluster, the driver logged in from a keytab),
     * which the executor adds to its process's credentials before the ones it has expire.
     *
     * @param credentials the tokens in Hadoop's token storage format ({@code Credentials.writeTokenStorageToStream})
     */
    public record TokensUpdated(byte[] credentials) implements Message {
    }

    /**
     * Driver to executor: a class-loader scope closed; drop its class loader, fetched jars and cached partitions
     * (a later task of it fails).
     *
     * @param scopeId the scope's key, as stage binaries carry it
     */
    public record DropScope(String scopeId) implements Message {
    }

    /** Driver to executor: stop. */
    public record Shutdown() implements Message {
    }
}
