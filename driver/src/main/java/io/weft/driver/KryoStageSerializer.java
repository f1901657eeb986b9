package io.weft.driver;

import io.weft.api.SerializableFunction;
import io.weft.api.lineage.Node;
import io.weft.api.lineage.ShuffleDependency;
import io.weft.planner.StageSerializer;
import io.weft.runtime.executor.MapStagePayload;
import io.weft.runtime.executor.ResultStagePayload;
import io.weft.runtime.executor.StageBinaries;
import io.weft.runtime.files.ShippedFile;
import io.weft.runtime.serial.KryoPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Serializes stages with Kryo, warning when a stage's closure is large. Thread-safe. */
final class KryoStageSerializer implements StageSerializer {

    private static final Logger LOG = LoggerFactory.getLogger(KryoStageSerializer.class);

    private final KryoPool kryo;
    private final long warnSize;
    private final java.util.function.Supplier<java.util.List<ShippedFile>> files;

    /**
     * @param kryo the driver's serializers
     * @param warnSize closure size above which a warning is logged
     * @param files the files and jars added so far, which each stage's binary carries
     */
    KryoStageSerializer(KryoPool kryo, long warnSize, java.util.function.Supplier<java.util.List<ShippedFile>> files) {
        this.kryo = kryo;
        this.warnSize = warnSize;
        this.files = files;
    }

    @Override
    public byte[] serializeMapStage(Node<?> node, ShuffleDependency<?, ?, ?> dependency) {
        return checked(node, StageBinaries.serialize(kryo, files.get(), new MapStagePayload(node, dependency)));
    }

    @Override
    public byte[] serializeResultStage(Node<?> node, SerializableFunction<?, ?> function) {
        return checked(node, StageBinaries.serialize(kryo, files.get(), new ResultStagePayload(node, function)));
    }

    @Override
    public byte[] serializeTaskData(Object slices) {
        return kryo.serialize(slices);
    }

    private byte[] checked(Node<?> node, byte[] bytes) {
        if (bytes.length > warnSize) {
            LOG.warn("The stage ending at {} serializes to {} bytes; large closures slow every task. Capture less, or"
                    + " use a broadcast for large values.", node.name(),
                    bytes.length);
        }
        return bytes;
    }
}
