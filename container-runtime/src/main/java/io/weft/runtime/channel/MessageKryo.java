package io.weft.runtime.channel;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import com.esotericsoftware.kryo.util.MapReferenceResolver;
import io.weft.api.RemoteTaskException;
import io.weft.planner.MapStatus;
import io.weft.planner.ShuffleBlock;
import io.weft.planner.TaskMetrics;
import io.weft.planner.TaskOutcome;
import io.weft.runtime.serial.KryoPool;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Kryo instance of one connection's message codec: registration required, so a frame can name only the
 * classes of {@link Messages#REGISTERED} (by number; a class written by name is refused before it is looked up),
 * and a peer cannot make this process load or instantiate anything else. What is the application's own travels
 * opaque: results and stage binaries as byte arrays, accumulator updates as bytes that the application's
 * {@link KryoPool} decodes only when the scheduler applies them (after the endpoint has checked that the task
 * was this executor's), task errors rebuilt field by field as {@link RemoteTaskException}s.
 *
 * <p>JDK collections in messages travel as their interface: any {@code List} arrives as an {@code ArrayList},
 * any {@code Set} as a {@code LinkedHashSet}, any {@code Map} as a {@code LinkedHashMap}, in the same order.
 *
 * <p>Not thread-safe: one per connection, used on its event loop.
 */
final class MessageKryo {

    /** Causes of a task error kept at most; deeper chains are cut (a peer cannot recurse us out of stack). */
    private static final int MAX_CAUSES = 32;

    private final Kryo kryo;

    /** @param application the application's serializers, for accumulator updates */
    MessageKryo(KryoPool application) {
        kryo = new Strict();
        kryo.setRegistrationRequired(true);
        kryo.setReferences(false);
        kryo.setClassLoader(MessageKryo.class.getClassLoader());
        for (Class<?> type : Messages.REGISTERED) {
            kryo.register(type);
        }
        // Keeps MapStatus's number in the list above; only its serializer changes.
        kryo.register(MapStatus.class, new MapStatusSerializer());
        kryo.register(ShuffleBlock.class, new ShuffleBlockSerializer());
        kryo.register(TaskOutcome.Success.class, new SuccessSerializer(application));
        kryo.register(RemoteTaskException.class, new ErrorSerializer());
    }

    byte[] serialize(Object message) {
        Output out = new Output(256, -1);
        kryo.writeClassAndObject(out, message);
        return out.toBytes();
    }

    Object deserialize(byte[] bytes) {
        return kryo.readClassAndObject(new Input(bytes));
    }

    /** Registration required; JDK collections mapped to their registered interface class; no class names. */
    private static final class Strict extends Kryo {
        Strict() {
            super(new NoNames(), new MapReferenceResolver());
        }

        @Override
        @SuppressWarnings("rawtypes")
        public Registration getRegistration(Class type) {
            if (getClassResolver().getRegistration(type) == null && type.getName().startsWith("java.util.")) {
                if (List.class.isAssignableFrom(type)) {
                    return super.getRegistration(ArrayList.class);
                }
                if (Set.class.isAssignableFrom(type)) {
                    return super.getRegistration(LinkedHashSet.class);
                }
                if (Map.class.isAssignableFrom(type)) {
                    return super.getRegistration(LinkedHashMap.class);
                }
            }
            return super.getRegistration(type);
        }
    }

    /** Refuses a class named in a frame rather than looking it up. */
    private static final class NoNames extends DefaultClassResolver {
        @Override
        protected Registration readName(Input input) {
            throw new KryoException("a class named by name, not by a registered number: refused");
        }
    }

    /**
     * A map status in its compact form (a few bytes per reduce partition, see {@link MapStatus}), checked as it is
     * read: malformed ranges fail the frame instead of reaching the scheduler.
     */
    private static final class MapStatusSerializer extends Serializer<MapStatus> {
        @Override
        public void write(Kryo kryo, Output out, MapStatus status) {
            out.writeVarInt(status.mapIndex(), true);
            out.writeLong(status.taskAttemptId());
            out.writeString(status.executorId());
            out.writeString(status.path());
            out.writeVarInt(status.numPartitions(), true);
            byte[] ranges = status.encodedPartitions();
            out.writeVarInt(ranges.length, true);
            out.writeBytes(ranges);
        }

        @Override
        public MapStatus read(Kryo kryo, Input in, Class<? extends MapStatus> type) {
            int mapIndex = in.readVarInt(true);
            long attempt = in.readLong();
            String executorId = in.readString();
            String path = in.readString();
            int partitions = in.readVarInt(true);
            int length = in.readVarInt(true);
            if (length < 0 || length > in.limit() - in.position()) {
                throw new KryoException("a map status claims " + length + " bytes of ranges; the frame has fewer");
            }
            try {
                return MapStatus.decode(mapIndex, attempt, executorId, path, partitions, in.readBytes(length));
            } catch (IllegalArgumentException e) {
                throw new KryoException(e.getMessage(), e);
            }
        }
    }

    /**
     * A reduce task's blocks, one per map output it reads (10,000 of them for a 10,000-map shuffle): each path is
     * written as the length of the prefix it shares with the previous block's path in the same message and the
     * rest, so the shuffle directory is written once per message, not once per block (about 25 bytes a block
     * instead of 100). A block whose path is the previous one's (several map outputs in one file) shares that
     * string on arrival. The previous path is kept in Kryo's graph context, which is cleared after each message.
     */
    private static final class ShuffleBlockSerializer extends Serializer<ShuffleBlock> {
        private static final Object PREVIOUS_PATH = new Object();

        @Override
        public void write(Kryo kryo, Output out, ShuffleBlock block) {
            String previous = (String) kryo.getGraphContext().get(PREVIOUS_PATH);
            String path = block.path();
            int shared = 0;
            if (previous != null && path != null) {
                int max = Math.min(previous.length(), path.length());
                while (shared < max && previous.charAt(shared) == path.charAt(shared)) {
                    shared++;
                }
            }
            out.writeVarInt(block.mapIndex(), true);
            out.writeVarInt(shared, true);
            out.writeString(path == null ? null : path.substring(shared));
            out.writeVarLong(block.offset(), true);
            out.writeVarLong(block.length(), true);
            if (path != null) {
                kryo.getGraphContext().put(PREVIOUS_PATH, path);
            }
        }

        @Override
        public ShuffleBlock read(Kryo kryo, Input in, Class<? extends ShuffleBlock> type) {
            String previous = (String) kryo.getGraphContext().get(PREVIOUS_PATH);
            int mapIndex = in.readVarInt(true);
            int shared = in.readVarInt(true);
            String rest = in.readString();
            if (shared < 0 || shared > (previous == null ? 0 : previous.length()) || (rest == null && shared > 0)) {
                throw new KryoException("a shuffle block shares " + shared + " characters with a path of "
                        + (previous == null ? "none" : previous.length()));
            }
            String path = shared == 0 ? rest
                    : rest.isEmpty() && shared == previous.length() ? previous
                    : previous.substring(0, shared) + rest;
            if (path != null) {
                kryo.getGraphContext().put(PREVIOUS_PATH, path);
            }
            return new ShuffleBlock(mapIndex, path, in.readVarLong(true), in.readVarLong(true));
        }
    }

    /** A task's success, with its accumulator updates kept as bytes until used. */
    private static final class SuccessSerializer extends Serializer<TaskOutcome.Success> {
        private final KryoPool application;

        SuccessSerializer(KryoPool application) {
            this.application = application;
        }

        @Override
        public void write(Kryo kryo, Output out, TaskOutcome.Success success) {
            kryo.writeObjectOrNull(out, success.result(), byte[].class);
            kryo.writeObjectOrNull(out, success.mapStatus(), MapStatus.class);
            Map<Long, ?> updates = success.accumulatorUpdates();
            byte[] bytes = updates instanceof DeferredUpdates deferred ? deferred.bytes
                    : updates == null ? null : application.serialize(new LinkedHashMap<>(updates));
            kryo.writeObjectOrNull(out, bytes, byte[].class);
            kryo.writeObjectOrNull(out, success.metrics(), TaskMetrics.class);
        }

        @Override
        public TaskOutcome.Success read(Kryo kryo, Input in, Class<? extends TaskOutcome.Success> type) {
            byte[] result = kryo.readObjectOrNull(in, byte[].class);
            MapStatus status = kryo.readObjectOrNull(in, MapStatus.class);
            byte[] updates = kryo.readObjectOrNull(in, byte[].class);
            TaskMetrics metrics = kryo.readObjectOrNull(in, TaskMetrics.class);
            return new TaskOutcome.Success(result, status, updates == null ? null
                    : new DeferredUpdates(updates, application), metrics);
        }
    }

    /**
     * Accumulator updates that the application's Kryo decodes on first use (on the scheduler's thread), not on
     * the connection's event loop as the message arrives. Thread-safe.
     */
    static final class DeferredUpdates extends AbstractMap<Long, Object> {
        private final byte[] bytes;
        private final KryoPool application;
        private Map<Long, Object> decoded;

        DeferredUpdates(byte[] bytes, KryoPool application) {
            this.bytes = bytes;
            this.application = application;
        }

        @Override
        public synchronized Set<Entry<Long, Object>> entrySet() {
            if (decoded == null) {
                decoded = application.deserialize(bytes);
            }
            return decoded.entrySet();
        }
    }

    /** A task's error as class name, message, stack trace and causes: no class of the task's is loaded. */
    private static final class ErrorSerializer extends Serializer<RemoteTaskException> {
        @Override
        public void write(Kryo kryo, Output out, RemoteTaskException error) {
            List<RemoteTaskException> chain = new ArrayList<>();
            for (Throwable t = error; t instanceof RemoteTaskException r && chain.size() < MAX_CAUSES;
                    t = t.getCause()) {
                chain.add(r);
            }
            out.writeVarInt(chain.size(), true);
            for (RemoteTaskException e : chain) {
                out.writeString(e.originalClassName());
                out.writeString(e.getMessage());
                StackTraceElement[] trace = e.getStackTrace();
                out.writeVarInt(trace.length, true);
                for (StackTraceElement frame : trace) {
                    out.writeString(frame.getClassName());
                    out.writeString(frame.getMethodName());
                    out.writeString(frame.getFileName());
                    out.writeInt(frame.getLineNumber());
                }
            }
        }

        @Override
        public RemoteTaskException read(Kryo kryo, Input in, Class<? extends RemoteTaskException> type) {
            int depth = in.readVarInt(true);
            if (depth < 1 || depth > MAX_CAUSES) {
                throw new KryoException("a task error with " + depth + " causes");
            }
            String[] names = new String[depth];
            String[] messages = new String[depth];
            StackTraceElement[][] traces = new StackTraceElement[depth][];
            for (int i = 0; i < depth; i++) {
                names[i] = in.readString();
                messages[i] = in.readString();
                int frames = in.readVarInt(true);
                if (frames < 0 || frames > in.limit()) {
                    throw new KryoException("a stack trace of " + frames + " frames");
                }
                traces[i] = new StackTraceElement[frames];
                for (int f = 0; f < frames; f++) {
                    traces[i][f] = new StackTraceElement(in.readString(), in.readString(), in.readString(),
                            in.readInt());
                }
            }
            RemoteTaskException built = null;
            for (int i = depth - 1; i >= 0; i--) {
                built = new RemoteTaskException(names[i], messages[i], traces[i], built);
            }
            return built;
        }
    }
}
