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
    private final DriverScopes scopes;

    /**
     * @param kryo the driver's serializers
     * @param warnSize closure size above which a warning is logged
     * @param files the files and jars added so far, which each stage's binary carries
     * @param scopes the class-loader scopes stages may belong to
     */
    KryoStageSerializer(KryoPool kryo, long warnSize, java.util.function.Supplier<java.util.List<ShippedFile>> files,
            DriverScopes scopes) {
        this.kryo = kryo;
        this.warnSize = warnSize;
        this.files = files;
        this.scopes = scopes;
    }

    @Override
    public byte[] serializeMapStage(Node<?> node, ShuffleDependency<?, ?, ?> dependency) {
        return serialize(node, scopes.ofMapStage(node.id(), dependency.shuffleId()),
                new MapStagePayload(node, dependency));
    }

    @Override
    public byte[] serializeResultStage(Node<?> node, SerializableFunction<?, ?> function) {
        JobScope scope = scopes.ofResultStage(node.id(), function);
        SerializableFunction<?, ?> unwrapped = function instanceof DriverScopes.ScopedFunction<?, ?> scoped
                ? scoped.function() : function;
        return serialize(node, scope, new ResultStagePayload(node, unwrapped));
    }

    /** A stage of a scope is written with the scope's serializers, and its binary names the scope's jars. */
    private byte[] serialize(Node<?> node, JobScope scope, Object payload) {
        if (scope == null) {
            return checked(node, StageBinaries.serialize(kryo, files.get(), payload));
        }
        if (scope.isClosed()) {
            throw new IllegalStateException("Class-loader scope " + scope.id() + " was closed; its stages no longer"
                    + " run. Fix: close a scope only after its jobs end.");
        }
        return checked(node, StageBinaries.serialize(kryo, files.get(), scopes.published(scope), scope.kryo(),
                payload));
    }

    @Override
    public byte[] serializeTaskData(Object slices) {
        JobScope scope = scopes.ofSlices(slices);
        return (scope != null ? scope.kryo() : kryo).serialize(slices);
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
