package io.weft.driver.session;

import io.weft.api.Accumulator;
import io.weft.api.Broadcast;
import io.weft.api.Pair;
import io.weft.api.SerializableFunction;
import io.weft.api.WeftSession;
import io.weft.api.lineage.Node;
import io.weft.api.spi.Engine;
import io.weft.api.spi.HadoopInput;
import io.weft.api.spi.HadoopOutput;
import io.weft.runtime.channel.Messages.SessionCall;
import io.weft.runtime.channel.Messages.ShippedJar;
import io.weft.runtime.serial.KryoPool;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one attachment's requests do on the session's engine. Arguments arrive as an {@code Object[]} serialized
 * with the scope's serializers, results leave the same way. Each request runs on the calling (request) thread
 * inside the scope ({@link SessionScopes.SessionScope#call}), with the program thread's job properties, the job
 * group namespaced by the attachment ({@code <attachment>/<group>}; a job without a group gets one of its own,
 * so {@link #cancelAll} can reach it) and {@code weft.scheduler.pool} = the attachment. Thread-safe.
 */
final class SessionOperations {

    private static final Logger LOG = LoggerFactory.getLogger(SessionOperations.class);

    private final Engine engine;
    private final SessionScopes.SessionScope scope;
    /** The wire's serializers, over the scope's class loader. */
    private final KryoPool wire;
    private final String attachmentId;
    /** Running requests' job groups (namespaced), by request id. */
    private final Map<Long, String> running = new ConcurrentHashMap<>();
    private final Map<Long, Accumulator<?, ?>> accumulators = new ConcurrentHashMap<>();
    private final Map<Long, Broadcast<?>> broadcasts = new ConcurrentHashMap<>();
    /**
     * Checkpoints written by this attachment's jobs, by node id: each job brings a fresh copy of the program's
     * lineage, whose nodes do not know that an earlier job wrote them, so they are marked written before the job.
     */
    private final Map<Integer, io.weft.api.lineage.CheckpointedPartitions<?>> checkpoints = new ConcurrentHashMap<>();
    private volatile boolean cancelledAll;
    private final java.util.concurrent.atomic.AtomicLong snapshots = new java.util.concurrent.atomic.AtomicLong();

    SessionOperations(Engine engine, SessionScopes.SessionScope scope, String attachmentId) {
        this.engine = engine;
        this.scope = scope;
        this.wire = SessionWire.pool(scope.kryo().classLoader());
        this.attachmentId = attachmentId;
    }

    private static final Set<String> JOBS = Set.of(SessionOps.RUN_JOB, SessionOps.SAVE_AS_TEXT_FILE,
            SessionOps.SAVE_AS_HADOOP);

    /**
     * Runs one request on this thread.
     *
     * @return the serialized result
     * @throws Exception whatever the engine threw (sent to the client as a failure)
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    byte[] run(SessionCall call) throws Exception {
        KryoPool kryo = wire;
        Object[] a = call.payload() == null ? new Object[0] : kryo.deserialize(call.payload());
        String op = call.operation();
        boolean job = JOBS.contains(op);
        if (job) {
            restoreCheckpoints((Node<?>) a[0]);
            if (cancelledAll) {
                throw new io.weft.api.JobCancelledException("Attachment " + attachmentId + " has detached", null);
            }
            running.put(call.requestId(), groupOf(call));
        }
        try {
            Object result = scope.call(() -> {
                List<String> set = job ? applyProperties(call) : List.of();
                try {
                    return switch (op) {
                        case SessionOps.NEW_NODE_ID -> engine.newNodeId();
                        case SessionOps.NEW_SHUFFLE_IDS -> engine.newShuffleIds((Integer) a[0]);
                        case SessionOps.RUN_JOB -> new ArrayList<>(engine.runJob((Node) a[0],
                                (SerializableFunction<Iterator<Object>, Object>) a[1], (int[]) a[2], (String) a[3]));
                        case SessionOps.TEXT_FILE -> engine.textFile((String) a[0], (Integer) a[1], (String) a[2]);
                        case SessionOps.HADOOP_INPUT -> engine.hadoopInput((HadoopInput) a[0], (String) a[1]);
                        case SessionOps.SAVE_AS_TEXT_FILE -> {
                            engine.saveAsTextFile((Node) a[0], (String) a[1], (String) a[2]);
                            yield null;
                        }
                        case SessionOps.SAVE_AS_HADOOP -> {
                            engine.saveAsHadoop((Node<? extends Pair<?, ?>>) a[0], (HadoopOutput) a[1], (String) a[2]);
                            yield null;
                        }
                        case SessionOps.BROADCAST -> {
                            long id = newBroadcast(a[0]);
                            yield new Object[] {id, broadcastPath(id)};
                        }
                        case SessionOps.UNPERSIST_BROADCAST -> {
                            handle((Long) a[0]).unpersist();
                            yield null;
                        }
                        case SessionOps.DESTROY_BROADCAST -> {
                            Broadcast<?> b = handle((Long) a[0]);
                            broadcasts.remove((Long) a[0]);
                            b.destroy();
                            yield null;
                        }
                        case SessionOps.REGISTER_ACCUMULATOR -> register((byte[]) a[0], (String) a[1]);
                        case SessionOps.SET_CHECKPOINT_DIR -> {
                            engine.setCheckpointDir((String) a[0]);
                            yield null;
                        }
                        case SessionOps.CHECKPOINT_DIR -> engine.checkpointDir().orElse(null);
                        case SessionOps.UNPERSIST -> {
                            engine.unpersist((Node) a[0]);
                            yield null;
                        }
                        case SessionOps.CANCEL_JOB_GROUP -> {
                            engine.cancelJobGroup(namespaced((String) a[0]));
                            yield null;
                        }
                        case SessionOps.CANCEL_ALL_JOBS -> {
                            cancelAll(engine);
                            yield null;
                        }
                        case SessionOps.ADD_FILE -> {
                            engine.addFile((String) a[0]);
                            yield null;
                        }
                        case SessionOps.ADD_JAR -> {
                            engine.addJar((String) a[0]);
                            yield null;
                        }
                        default -> throw new IllegalArgumentException("Unknown session operation '" + op + "'");
                    };
                } finally {
                    set.forEach(key -> engine.setLocalProperty(key, null));
                }
            });
            if (job) {
                // The program's own copy of the lineage learns from the reply what this job checkpointed.
                Map<Integer, io.weft.api.lineage.CheckpointedPartitions<?>> written =
                        Lineages.checkpointsOf((Node<?>) a[0]);
                checkpoints.putAll(written);
                return kryo.serialize(new Object[] {result, written});
            }
            return kryo.serialize(result);
        } finally {
            if (job) {
                running.remove(call.requestId());
            }
        }
    }

    private void restoreCheckpoints(Node<?> root) {
        Lineages.markCheckpoints(root, checkpoints);
    }

    private String groupOf(SessionCall call) {
        String group = call.properties() == null ? null : call.properties().get(WeftSession.JOB_GROUP_ID);
        return group != null ? namespaced(group) : attachmentId + "/#" + call.requestId();
    }

    private String namespaced(String group) {
        return attachmentId + "/" + group;
    }

    /** @return the group as the program named it (without the attachment's prefix) */
    String clientGroup(String group) {
        String prefix = attachmentId + "/";
        return group != null && group.startsWith(prefix) ? group.substring(prefix.length()) : group;
    }

    /** @return the failure's message, with the attachment's group prefix removed so the program sees its own */
    String clientMessage(Throwable t) {
        String message = t instanceof io.weft.api.WeftException || t instanceof IllegalArgumentException
                || t instanceof IllegalStateException ? String.valueOf(t.getMessage()) : t.toString();
        return message.replace(attachmentId + "/#", "#").replace(attachmentId + "/", "");
    }

    /** Sets the program thread's job properties on this thread; @return the keys set, to clear afterwards. */
    private List<String> applyProperties(SessionCall call) {
        List<String> set = new ArrayList<>();
        if (call.properties() != null) {
            call.properties().forEach((key, value) -> {
                if (!key.equals(WeftSession.JOB_GROUP_ID) && !key.equals(SessionOps.POOL_PROPERTY)) {
                    engine.setLocalProperty(key, value);
                    set.add(key);
                }
            });
        }
        engine.setLocalProperty(WeftSession.JOB_GROUP_ID, running.get(call.requestId()));
        engine.setLocalProperty(SessionOps.POOL_PROPERTY, attachmentId);
        set.add(WeftSession.JOB_GROUP_ID);
        set.add(SessionOps.POOL_PROPERTY);
        return set;
    }

    private long newBroadcast(Object value) {
        Broadcast<?> b = engine.broadcast(value);
        broadcasts.put(b.id(), b);
        return b.id();
    }

    private Broadcast<?> handle(long id) {
        Broadcast<?> b = broadcasts.get(id);
        if (b == null) {
            throw new IllegalArgumentException("Broadcast " + id + " is not one of attachment " + attachmentId);
        }
        return b;
    }

    /** @return the broadcast's file (for the client's handle) */
    String broadcastPath(long id) {
        Broadcast<?> b = handle(id);
        return b instanceof io.weft.runtime.broadcast.FileBroadcast<?> f ? f.path() : null;
    }

    private long register(byte[] accumulator, String name) {
        Accumulator<?, ?> fresh = AccumulatorValues.read(wire, accumulator);
        engine.register(fresh, name);
        accumulators.put(fresh.id(), fresh);
        return fresh.id();
    }

    /** The attachment's accumulator values at one moment; version 0 and no values when not after a job. */
    record Snapshot(long version, Map<Long, byte[]> values) {
        static final Snapshot NONE = new Snapshot(0, new LinkedHashMap<>());
    }

    /**
     * @return after a job, the attachment's accumulators' values, numbered in the order they were taken (replies
     *     of concurrent jobs may reach the client in another order); otherwise {@link Snapshot#NONE}
     */
    Snapshot accumulatorsAfter(String operation) {
        if (!JOBS.contains(operation) || accumulators.isEmpty()) {
            return Snapshot.NONE;
        }
        synchronized (accumulators) {
            Map<Long, byte[]> values = new LinkedHashMap<>();
            accumulators.forEach((id, acc) -> values.put(id, AccumulatorValues.write(wire, acc)));
            return new Snapshot(snapshots.incrementAndGet(), values);
        }
    }

    ShippedJar decodeOffer(byte[] payload) {
        Object[] a = wire.deserialize(payload);
        return new ShippedJar((String) a[0], (Long) a[1], (String) a[2]);
    }

    byte[] encode(Object value) {
        return wire.serialize(value);
    }

    int runningJobs() {
        return running.size();
    }

    /** Cancels every running job of this attachment (and only those). Any thread; does not wait. */
    void cancelAll(Engine target) {
        for (String group : Set.copyOf(running.values())) {
            target.cancelJobGroup(group);
        }
    }

    /** Waits up to {@code millis} for the running jobs to end. */
    void awaitJobs(long millis) {
        cancelledAll = true;
        try {
            io.weft.driver.Poll.until(() -> {
                cancelAll(engine);
                return running.isEmpty();
            }, millis, 20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (!running.isEmpty()) {
            LOG.warn("Attachment {}: {} jobs still running {} ms after it detached; closing its scope anyway",
                    attachmentId, running.size(), millis);
        }
    }

    /** Destroys the attachment's broadcasts and closes its scope (after its jobs ended). */
    void close(Engine target) {
        broadcasts.values().forEach(b -> {
            try {
                b.destroy();
            } catch (RuntimeException e) {
                LOG.debug("Attachment {}: destroying broadcast {} failed", attachmentId, b.id(), e);
            }
        });
        broadcasts.clear();
        scope.close();
    }
}
