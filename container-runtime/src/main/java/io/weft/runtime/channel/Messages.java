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
            TokensUpdated.class, DropScope.class,
            ShippedJar.class, SessionAttach.class, SessionNeeds.class, SessionUpload.class, SessionAttached.class,
            SessionCall.class, SessionReply.class);

    private Messages() {
    }

    /** Any protocol message. */
    public sealed interface Message permits RegisterExecutor, Registered, LaunchTask, KillTask, StatusUpdate,
            Heartbeat, Unpersist, UnpersistBroadcast, Shutdown, ExecutorExited, TokensUpdated, DropScope,
            SessionAttach, SessionNeeds, SessionUpload, SessionAttached, SessionCall, SessionReply {
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

    // ---- a program attached to a long-running session (PeerRole.SESSION_CLIENT) ----

    /**
     * A file a session client ships (a jar of its class path, or one given to {@code addJar}/{@code addFile}),
     * identified by content so that the session keeps one copy per SHA-256 whoever ships it.
     *
     * @param name its file name (no directory)
     * @param length its length in bytes
     * @param sha256 its SHA-256, lower-case hex
     */
    public record ShippedJar(String name, long length, String sha256) {
    }

    /**
     * Session client to session, the first message after authentication; answered with {@link SessionNeeds}.
     *
     * @param appName the attached program's name, for logs
     * @param settings the program's settings (informational: the session's own settings govern its engine)
     * @param jars the program's jars
     */
    public record SessionAttach(String appName, Map<String, String> settings, List<ShippedJar> jars)
            implements Message {
    }

    /**
     * Session to client: which of the files just offered (by {@link SessionAttach}, or by an {@code offer} call)
     * the session does not hold yet; the client sends each with {@link SessionUpload}s, in this order.
     *
     * @param requestId 0 for the attachment's jars, else the {@code offer} call's id
     * @param sha256s the files to upload
     */
    public record SessionNeeds(long requestId, List<String> sha256s) implements Message {
    }

    /**
     * Client to session: a piece of a file the session asked for. Pieces of one file arrive in order; the last
     * one has {@code last} set, after which the session checks the length and SHA-256 it was offered.
     *
     * @param sha256 the file
     * @param bytes the next bytes
     * @param last whether this is its final piece
     */
    public record SessionUpload(String sha256, byte[] bytes, boolean last) implements Message {
    }

    /**
     * Session to client: the attachment is ready (its jars are all present and its scope open).
     *
     * @param attachmentId the attachment's id, which is also its scheduler pool
     * @param defaultParallelism the session's default parallelism
     */
    public record SessionAttached(String attachmentId, int defaultParallelism) implements Message {
    }

    /**
     * Client to session: one request. Requests of one connection may be in flight concurrently; each is answered
     * by one {@link SessionReply} with its id.
     *
     * @param requestId unique within the connection, positive
     * @param operation what to do (the session's operation names)
     * @param properties the calling thread's job properties (job group, description, ...)
     * @param payload the operation's arguments, serialized with the attachment's serializers (opaque here)
     */
    public record SessionCall(long requestId, String operation, Map<String, String> properties, byte[] payload)
            implements Message {
    }

    /**
     * Session to client: the outcome of one {@link SessionCall}.
     *
     * @param requestId the call answered
     * @param payload the result, serialized with the attachment's serializers, or null on failure
     * @param failure null on success; else the kind of failure ({@code failed}, {@code cancelled}, {@code closure},
     *     {@code argument}, {@code state} or {@code error})
     * @param message the failure's message, intact
     * @param snapshot orders the accumulator values of concurrent jobs' replies: the client keeps the values of
     *     the highest snapshot it has seen (0: no values)
     * @param accumulators the current values of the attachment's accumulators after a job (by id, serialized
     *     with the attachment's serializers); empty otherwise
     */
    public record SessionReply(long requestId, byte[] payload, String failure, String message, long snapshot,
            Map<Long, byte[]> accumulators) implements Message {
    }
}
