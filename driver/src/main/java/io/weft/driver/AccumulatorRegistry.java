package io.weft.driver;

import io.weft.api.Accumulator;
import io.weft.planner.AccumulatorSink;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's registered accumulators, and the sink that merges tasks' updates into them. The scheduler
 * calls {@link #apply} on its thread with the updates of each partition's first successful attempt only; each
 * merge holds the accumulator's monitor, so a user thread reading a built-in accumulator sees whole updates.
 */
final class AccumulatorRegistry implements AccumulatorSink {

    private static final Logger LOG = LoggerFactory.getLogger(AccumulatorRegistry.class);

    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Accumulator<?, ?>> accumulators = new ConcurrentHashMap<>();
    private final java.util.function.Function<String, io.weft.runtime.serial.KryoPool> scopes;

    /** @param scopes an open class-loader scope's serializers by key (null when closed), for scoped tasks' updates */
    AccumulatorRegistry(java.util.function.Function<String, io.weft.runtime.serial.KryoPool> scopes) {
        this.scopes = scopes;
    }

    /**
     * @param accumulator a new driver-side accumulator
     * @param name its name
     * @param <A> its type
     * @return the accumulator, registered
     * @throws IllegalStateException if it is already registered
     */
    <A extends Accumulator<?, ?>> A register(A accumulator, String name) {
        accumulator.registerAs(ids.getAndIncrement(), name);
        accumulators.put(accumulator.id(), accumulator);
        return accumulator;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void apply(Map<Long, ?> updates) {
        io.weft.runtime.executor.ScopedAccumulatorUpdates.unwrap(updates, scopes).forEach((id, update) -> {
            Accumulator target = accumulators.get(id);
            if (target == null || !(update instanceof Accumulator<?, ?> taskCopy)) {
                LOG.warn("Dropping an update for unknown accumulator {}: {}", id, update);
                return;
            }
            synchronized (target) {
                target.merge((Accumulator) taskCopy);
            }
        });
    }
}
