package io.weft.runtime.serial;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.FieldSerializer;
import io.weft.api.Accumulator;
import io.weft.api.lineage.TaskContext;

/**
 * Writes accumulators so that each task gets its own zero copy, and each copy read inside a task reports to it
 * (what Spark's {@code AccumulatorV2.writeReplace}/{@code readObject} do under Java serialization).
 *
 * <ul>
 *   <li>Writing the registered driver-side instance writes {@link Accumulator#copyAndReset()} instead: the
 *       driver's total never travels to tasks. Any other instance (a task's copy going back with its result) is
 *       written as it is.</li>
 *   <li>Reading on a thread running a task registers the copy with that task ({@link
 *       TaskContext#registerAccumulator}); its updates go back with the attempt's outcome.</li>
 *   <li>An accumulator no session registered is refused, naming the fix, when a function capturing it is
 *       defined (the closure check serializes it).</li>
 * </ul>
 */
final class AccumulatorSerializer extends Serializer<Accumulator<?, ?>> {

    private final FieldSerializer<Accumulator<?, ?>> fields;

    @SuppressWarnings({"unchecked", "rawtypes"})
    AccumulatorSerializer(Kryo kryo, Class<?> type) {
        this.fields = new FieldSerializer(kryo, type);
    }

    @Override
    public void write(Kryo kryo, Output output, Accumulator<?, ?> accumulator) {
        if (!accumulator.isRegistered()) {
            throw new KryoException("The accumulator " + accumulator.getClass().getName() + " is not registered:"
                    + " call WeftSession.register(accumulator, name) before a function uses it");
        }
        fields.write(kryo, output, accumulator.isAtDriverSide() ? accumulator.copyAndReset() : accumulator);
    }

    @Override
    public Accumulator<?, ?> read(Kryo kryo, Input input, Class<? extends Accumulator<?, ?>> type) {
        Accumulator<?, ?> copy = fields.read(kryo, input, type);
        TaskContext task = TaskContext.current();
        if (task != null) {
            task.registerAccumulator(copy);
        }
        return copy;
    }

    @Override
    public Accumulator<?, ?> copy(Kryo kryo, Accumulator<?, ?> original) {
        return fields.copy(kryo, original);
    }
}
