package io.weft.driver.session;

import io.weft.api.Accumulator;
import io.weft.api.Broadcast;
import io.weft.api.Pair;
import io.weft.api.SerializableFunction;
import io.weft.api.WeftException;
import io.weft.api.lineage.DeferredPartitioners;
import io.weft.api.lineage.Node;
import io.weft.api.spi.Engine;
import io.weft.api.spi.HadoopInput;
import io.weft.api.spi.HadoopOutput;
import io.weft.driver.ClosureChecker;
import io.weft.runtime.broadcast.BroadcastLifecycle;
import io.weft.runtime.broadcast.FileBroadcast;
import io.weft.runtime.channel.Messages.SessionAttach;
import io.weft.runtime.channel.Messages.SessionAttached;
import io.weft.runtime.channel.Messages.SessionReply;
import io.weft.runtime.channel.Messages.ShippedJar;
import io.weft.runtime.serial.KryoPool;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engine of a program attached to a long-running session ({@code weft-session://}): every job, node id,
 * broadcast and accumulator registration is a request to the session's {@link SessionService} over one
 * authenticated connection, on which many of the program's threads may have requests in flight at once. Objects
 * travel serialized with the program's own serializers (its class loader); the session reads them in the
 * attachment's scope.
 *
 * <p>Failures: a job that fails throws {@link io.weft.api.JobFailedException}, one that is cancelled
 * {@link io.weft.api.JobCancelledException}, with the session's message intact; a lost connection fails every
 * request in flight with a {@link io.weft.api.WeftException} saying so. {@link #checkClosure} runs locally.
 * Accumulators registered here show, after each job, the values the session's registered copies hold. Job
 * properties are the calling thread's (inherited by threads it starts), sent with each job. {@link #close()}
 * detaches: the session and its executors stay up. Thread-safe.
 */
public final class SessionClientEngine implements Engine {

    /** How long connecting, authenticating and shipping the jars may take before {@link #connect} gives up. */
    static final long ATTACH_TIMEOUT_MILLIS = 300_000;

    private final SessionEndpoint endpoint;
    private final SessionConnection connection;
    private final KryoPool kryo;
    private final ClosureChecker closures;
    private final SessionAttached attachment;
    private final Map<Long, Accumulator<?, ?>> accumulators = new ConcurrentHashMap<>();
    /** The highest accumulator snapshot applied; guarded by {@link #accumulators}. */
    private long appliedSnapshot;
    private final io.weft.driver.JobLocalProperties properties = new io.weft.driver.JobLocalProperties();

    private SessionClientEngine(SessionEndpoint endpoint, SessionConnection connection, KryoPool kryo,
            SessionAttached attachment) {
        this.endpoint = endpoint;
        this.connection = connection;
        this.kryo = kryo;
        this.closures = new ClosureChecker(kryo);
        this.attachment = attachment;
    }

    /**
     * Connects, authenticates as {@link io.weft.runtime.channel.PeerRole#SESSION_CLIENT}, ships the jars the
     * session does not hold yet (by SHA-256), and waits until the attachment is ready. Blocks the calling thread.
     *
     * @param endpoint where the session listens, and its client secret
     * @param appName the program's name, for the session's logs
     * @param settings the program's settings
     * @param jars the program's jars (local files)
     * @return the attached engine
     * @throws io.weft.api.WeftException when the session cannot be reached, refuses the secret, or the jars
     *     cannot be read or shipped (naming which and the fix)
     */
    public static SessionClientEngine connect(SessionEndpoint endpoint, String appName, Map<String, String> settings,
            List<File> jars) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        KryoPool kryo = SessionWire.pool(loader != null ? loader : SessionClientEngine.class.getClassLoader());
        List<ShippedJar> offered = new ArrayList<>();
        Map<String, File> bySha = new HashMap<>();
        for (File jar : jars) {
            try {
                ShippedJar described = JarStore.describe(jar);
                offered.add(described);
                bySha.put(described.sha256(), jar);
            } catch (IOException e) {
                throw new WeftException("Cannot read jar " + jar + " to ship it to the session: " + e.getMessage()
                        + "; check the path given to --jars", e);
            }
        }
        SessionConnection connection = new SessionConnection(endpoint);
        try {
            connection.open(kryo, ATTACH_TIMEOUT_MILLIS);
            connection.send(new SessionAttach(appName, new LinkedHashMap<>(settings), offered));
            List<String> wanted = SessionConnection.await(connection.needsOf(0), ATTACH_TIMEOUT_MILLIS,
                    "attaching to session " + endpoint.applicationId());
            connection.upload(bySha, wanted);
            SessionAttached attached = SessionConnection.await(connection.attached(), ATTACH_TIMEOUT_MILLIS,
                    "attaching to session " + endpoint.applicationId());
            return new SessionClientEngine(endpoint, connection, kryo, attached);
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** @return the attachment's id (also its scheduler pool on the session) */
    public String attachmentId() {
        return attachment.attachmentId();
    }

    /** Sends a request and waits for its reply on the calling thread; throws the session's failure. */
    private <R> R call(String operation, Object... args) {
        long id = connection.newRequestId();
        SessionReply reply = SessionConnection.await(connection.call(id, operation,
                properties.snapshot(), kryo.serialize(args)), 0, operation + " on the session");
        return decode(reply);
    }

    private <R> R decode(SessionReply reply) {
        if (reply.snapshot() > 0) {
            synchronized (accumulators) {
                if (reply.snapshot() > appliedSnapshot) { // an older snapshot than one applied: stale, skip it
                    appliedSnapshot = reply.snapshot();
                    reply.accumulators().forEach((id, bytes) -> {
                        Accumulator<?, ?> local = accumulators.get(id);
                        if (local != null) {
                            AccumulatorValues.assign(local, AccumulatorValues.read(kryo, bytes));
                        }
                    });
                }
            }
        }
        if (reply.failure() != null) {
            Object detail = reply.payload() == null ? null : kryo.deserialize(reply.payload());
            throw SessionOps.toException(reply.failure(), reply.message(), detail);
        }
        return reply.payload() == null ? null : kryo.deserialize(reply.payload());
    }

    @Override
    public String applicationId() {
        return endpoint.applicationId();
    }

    @Override
    public int defaultParallelism() {
        return attachment.defaultParallelism();
    }

    @Override
    public int newNodeId() {
        return call(SessionOps.NEW_NODE_ID);
    }

    @Override
    public int newShuffleIds(int count) {
        return call(SessionOps.NEW_SHUFFLE_IDS, count);
    }

    @Override
    public void checkClosure(String operator, Object function) {
        closures.check(operator, function);
    }

    @Override
    public <T, U> List<U> runJob(Node<T> node, SerializableFunction<Iterator<T>, U> partitionFunction,
            int[] partitions, String callSite) {
        // The session's driver plans the job: the lineage must go with its partitioners chosen, here.
        DeferredPartitioners.chooseAll(node);
        return job(node, call(SessionOps.RUN_JOB, node, partitionFunction, partitions, callSite));
    }

    /**
     * Unpacks a job's reply ({result, checkpoints written}) and marks the program's own nodes checkpointed, so
     * that {@code isCheckpointed()} and {@code getCheckpointFile()} answer as they would in the program's own driver.
     */
    @SuppressWarnings("unchecked")
    private static <R> R job(Node<?> node, Object[] reply) {
        Lineages.markCheckpoints(node, (Map<Integer, io.weft.api.lineage.CheckpointedPartitions<?>>) reply[1]);
        return (R) reply[0];
    }

    @Override
    public Node<String> textFile(String path, int minPartitions, String callSite) {
        return call(SessionOps.TEXT_FILE, path, minPartitions, callSite);
    }

    @Override
    public void saveAsTextFile(Node<?> node, String path, String callSite) {
        DeferredPartitioners.chooseAll(node);
        job(node, call(SessionOps.SAVE_AS_TEXT_FILE, node, path, callSite));
    }

    @Override
    public <K, V> Node<Pair<K, V>> hadoopInput(HadoopInput input, String callSite) {
        return call(SessionOps.HADOOP_INPUT, input, callSite);
    }

    @Override
    public void saveAsHadoop(Node<? extends Pair<?, ?>> node, HadoopOutput output, String callSite) {
        DeferredPartitioners.chooseAll(node);
        job(node, call(SessionOps.SAVE_AS_HADOOP, node, output, callSite));
    }

    /** The value is shipped to the session once, which writes it for executors; the returned handle has it here. */
    @Override
    public <T> Broadcast<T> broadcast(T value) {
        Object[] created = call(SessionOps.BROADCAST, value);
        return new FileBroadcast<>((Long) created[0], (String) created[1], value, new BroadcastLifecycle() {
            @Override
            public void unpersist(long id) {
                call(SessionOps.UNPERSIST_BROADCAST, id);
            }

            @Override
            public void destroy(long id, String path) {
                call(SessionOps.DESTROY_BROADCAST, id);
            }
        });
    }

    /** Registers a copy on the session (which merges the tasks' updates); this one shows its value after jobs. */
    @Override
    public <A extends Accumulator<?, ?>> A register(A accumulator, String name) {
        if (accumulator.isRegistered()) {
            throw new IllegalStateException("Accumulator '" + accumulator.name() + "' is already registered (id "
                    + accumulator.id() + "); register each accumulator once");
        }
        long id = call(SessionOps.REGISTER_ACCUMULATOR, AccumulatorValues.write(kryo, accumulator), name);
        accumulator.registerAs(id, name);
        accumulators.put(id, accumulator);
        return accumulator;
    }

    @Override
    public void setCheckpointDir(String dir) {
        call(SessionOps.SET_CHECKPOINT_DIR, dir);
    }

    @Override
    public Optional<String> checkpointDir() {
        return Optional.ofNullable(call(SessionOps.CHECKPOINT_DIR));
    }

    @Override
    public void unpersist(Node<?> node) {
        call(SessionOps.UNPERSIST, node);
    }

    @Override
    public void setLocalProperty(String key, String value) {
        properties.set(key, value);
    }

    @Override
    public String getLocalProperty(String key) {
        return properties.get(key);
    }

    /** Cancels this program's jobs of the group; another program's group of the same name is not touched. */
    @Override
    public void cancelJobGroup(String groupId) {
        call(SessionOps.CANCEL_JOB_GROUP, groupId);
    }

    /** Cancels this program's jobs only. */
    @Override
    public void cancelAllJobs() {
        call(SessionOps.CANCEL_ALL_JOBS);
    }

    @Override
    public void addFile(String path) {
        call(SessionOps.ADD_FILE, ship(path));
    }

    @Override
    public void addJar(String path) {
        call(SessionOps.ADD_JAR, ship(path));
    }

    /** Ships a local file (unless the session has its bytes); @return the path the session adds. */
    private String ship(String path) {
        URI uri = URI.create(path.replace(" ", "%20"));
        if (uri.getScheme() != null && !uri.getScheme().equals("file")) {
            return path; // a cluster file system's path: the session reads it itself
        }
        File file = uri.getScheme() == null ? new File(path) : new File(uri);
        if (!file.isFile()) {
            throw new WeftException("Cannot ship " + path + ": it is not an existing file");
        }
        ShippedJar jar;
        try {
            jar = JarStore.describe(file);
        } catch (IOException e) {
            throw new WeftException("Cannot read " + path + " to ship it to the session: " + e.getMessage(), e);
        }
        long id = connection.newRequestId();
        var needs = connection.needsOf(id);
        var reply = connection.call(id, SessionOps.OFFER, new HashMap<>(),
                kryo.serialize(new Object[] {jar.name(), jar.length(), jar.sha256()}));
        List<String> wanted = SessionConnection.await(needs, ATTACH_TIMEOUT_MILLIS, "offering " + path);
        connection.upload(Map.of(jar.sha256(), file), wanted);
        return decode(SessionConnection.await(reply, ATTACH_TIMEOUT_MILLIS, "shipping " + path));
    }

    /** Detaches: closes the connection (the session cancels this program's running jobs); idempotent. */
    @Override
    public void close() {
        connection.close();
    }
}
