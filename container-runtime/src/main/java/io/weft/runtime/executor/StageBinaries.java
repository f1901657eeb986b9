package io.weft.runtime.executor;

import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.weft.runtime.files.ShippedFile;
import io.weft.runtime.serial.KryoPool;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The bytes of a stage: the files and jars the application had added when the stage was serialized, the
 * class-loader scope the stage belongs to (its id and jars, or none), then the stage's payload
 * ({@link MapStagePayload} or {@link ResultStagePayload}). The header comes first, written with the
 * application's serializers, so that an executor can fetch added jars onto its task class loader (and the
 * scope's jars onto the scope's loader) before it reads the payload, whose classes may be in them; the payload is
 * written with the scope's serializers when there is a scope. Thread-safe.
 */
public final class StageBinaries {

    private StageBinaries() {
    }

    /**
     * What precedes the payload.
     *
     * @param files the application's added files and jars
     * @param scope the stage's class-loader scope, or null for the application's task class loader
     * @param payloadOffset where the payload starts in the bytes
     */
    public record Header(List<ShippedFile> files, StageScope scope, int payloadOffset) {
    }

    /**
     * @param kryo the driver's serializers
     * @param files the application's added files and jars
     * @param payload the stage's payload
     * @return the stage's bytes
     */
    public static byte[] serialize(KryoPool kryo, List<ShippedFile> files, Object payload) {
        return serialize(kryo, files, null, kryo, payload);
    }

    /**
     * @param kryo the driver's serializers (for the header)
     * @param files the application's added files and jars
     * @param scope the stage's scope, or null
     * @param payloadKryo the scope's serializers, or {@code kryo} without a scope
     * @param payload the stage's payload
     * @return the stage's bytes
     */
    public static byte[] serialize(KryoPool kryo, List<ShippedFile> files, StageScope scope, KryoPool payloadKryo,
            Object payload) {
        Output out = new Output(256, -1);
        kryo.with(k -> {
            k.writeClassAndObject(out, files.toArray(new ShippedFile[0]));
            out.writeString(scope == null ? null : scope.id());
            if (scope != null) {
                k.writeClassAndObject(out, scope.jars().toArray(new ShippedFile[0]));
            }
            return null;
        });
        payloadKryo.with(k -> {
            k.writeClassAndObject(out, payload);
            return null;
        });
        return out.toBytes();
    }

    /**
     * @param kryo the executor's serializers
     * @param bytes from {@link #serialize}
     * @return the header, read without loading any class of the application's
     */
    public static Header readHeader(KryoPool kryo, byte[] bytes) {
        return kryo.with(k -> {
            Input in = new Input(bytes);
            ShippedFile[] files = (ShippedFile[]) k.readClassAndObject(in);
            String scopeId = in.readString();
            StageScope scope = scopeId == null ? null
                    : new StageScope(scopeId, List.of((ShippedFile[]) k.readClassAndObject(in)));
            return new Header(new ArrayList<>(List.of(files)), scope, in.position());
        });
    }

    /**
     * @param kryo the serializers of the stage's scope (the executor's own without a scope)
     * @param bytes from {@link #serialize}
     * @param header from {@link #readHeader}
     * @return the payload
     */
    public static Object readPayload(KryoPool kryo, byte[] bytes, Header header) {
        return kryo.with(k -> k.readClassAndObject(new Input(bytes, header.payloadOffset(),
                bytes.length - header.payloadOffset())));
    }

    /**
     * @param kryo the executor's serializers, whose class loader is the task class loader
     * @param bytes from {@link #serialize} of a stage without a scope
     * @param beforePayload given the added files before the payload is read (fetches them)
     * @return the payload
     */
    public static Object deserialize(KryoPool kryo, byte[] bytes, Consumer<List<ShippedFile>> beforePayload) {
        Header header = readHeader(kryo, bytes);
        beforePayload.accept(header.files());
        return readPayload(kryo, bytes, header);
    }
}
