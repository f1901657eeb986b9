package io.weft.runtime.executor;

import io.weft.runtime.serial.KryoPool;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The accumulator updates of a task that ran in a class-loader scope, serialized with the scope's serializers:
 * the updates may hold the scope's classes (an accumulator of its own, a collection accumulator of its records),
 * which neither the executor's channel nor the driver's scheduler can load. They travel as the single entry
 * {@link #KEY} of the task's update map, and the driver decodes them with its loader of the same scope
 * ({@link #unwrap}). Immutable.
 *
 * @param scope the scope's key ({@link StageScope#id()})
 * @param bytes the update map, serialized with the scope's serializers
 */
public record ScopedAccumulatorUpdates(String scope, byte[] bytes) {

    /** The update map's key for scoped updates (accumulator ids are never negative). */
    public static final long KEY = Long.MIN_VALUE;

    /**
     * @param scope the task's scope, or null
     * @param kryo the scope's serializers
     * @param updates the task's accumulator updates
     * @return {@code updates} as they are without a scope or without updates, else the wrapped form
     */
    public static Map<Long, Object> wrap(StageScope scope, KryoPool kryo, Map<Long, Object> updates) {
        if (scope == null || updates.isEmpty()) {
            return updates;
        }
        Map<Long, Object> wrapped = new LinkedHashMap<>();
        wrapped.put(KEY, new ScopedAccumulatorUpdates(scope.id(), kryo.serialize(new LinkedHashMap<>(updates))));
        return wrapped;
    }

    /**
     * Driver side, on the scheduler's thread.
     *
     * @param updates a task's update map, as it arrived
     * @param scopes the serializers of an open scope by key, or null when the scope is closed
     * @return the updates, decoded with their scope's serializers when wrapped; empty when their scope is closed
     *     (its jobs are over, nothing reads its accumulators)
     */
    public static Map<Long, ?> unwrap(Map<Long, ?> updates, Function<String, KryoPool> scopes) {
        if (updates == null || updates.size() != 1
                || !(updates.get(KEY) instanceof ScopedAccumulatorUpdates scoped)) {
            return updates;
        }
        KryoPool kryo = scopes.apply(scoped.scope());
        if (kryo == null) {
            return Map.of();
        }
        return kryo.deserialize(scoped.bytes());
    }
}
