package io.weft.runtime.executor;

import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.weft.runtime.files.ShippedFile;
import io.weft.runtime.serial.KryoPool;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The bytes of a stage: the files and jars the application had added when the stage was serialized, then the
 * stage's payload ({@link MapStagePayload} or {@link ResultStagePayload}). The list comes first so that an
 * executor can fetch added jars onto its task class loader before it reads the payload, whose classes may be in
 * them. Thread-safe.
 */
public final class StageBinaries {

    private StageBinaries() {
    }

    /**
     * @param kryo the driver's serializers
     * @param files the application's added files and jars
     * @param payload the stage's payload
     * @return the stage's bytes
     */
    public static byte[] serialize(KryoPool kryo, List<ShippedFile> files, Object payload) {
        return kryo.with(k -> {
            Output out = new Output(256, -1);
            k.writeClassAndObject(out, files.toArray(new ShippedFile[0]));
            k.writeClassAndObject(out, payload);
            return out.toBytes();
        });
    }

    /**
     * @param kryo the executor's serializers, whose class loader is the task class loader
     * @param bytes from {@link #serialize}
     * @param beforePayload given the added files before the payload is read (fetches them)
     * @return the payload
     */
    public static Object deserialize(KryoPool kryo, byte[] bytes, Consumer<List<ShippedFile>> beforePayload) {
        return kryo.with(k -> {
            Input in = new Input(bytes);
            ShippedFile[] files = (ShippedFile[]) k.readClassAndObject(in);
            beforePayload.accept(new ArrayList<>(List.of(files)));
            return k.readClassAndObject(in);
        });
    }
}
