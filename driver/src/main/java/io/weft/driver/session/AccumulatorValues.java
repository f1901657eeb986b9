package io.weft.driver.session;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.FieldSerializer;
import io.weft.api.Accumulator;
import io.weft.runtime.serial.KryoPool;

/**
 * An accumulator's whole state as bytes, field by field: unlike the serializers' own accumulator handling (which
 * ships a registered accumulator as a zero copy, for tasks), this carries the value, so the session can send a
 * client what its accumulators hold, and a client can send the session a new, unregistered accumulator to
 * register. The class is named in the bytes and loaded with the pool's class loader. Stateless, thread-safe.
 */
final class AccumulatorValues {

    private AccumulatorValues() {
    }

    static byte[] write(KryoPool pool, Accumulator<?, ?> accumulator) {
        return pool.with(kryo -> {
            Output out = new Output(256, -1);
            out.writeString(accumulator.getClass().getName());
            synchronized (accumulator) {
                kryo.writeObject(out, accumulator, fields(kryo, accumulator.getClass()));
            }
            return out.toBytes();
        });
    }

    static Accumulator<?, ?> read(KryoPool pool, byte[] bytes) {
        return pool.with(kryo -> {
            Input in = new Input(bytes);
            String name = in.readString();
            Class<?> type;
            try {
                type = Class.forName(name, false, pool.classLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalArgumentException("Accumulator class " + name + " is not on the class path of the"
                        + " attached program; ship its jar", e);
            }
            if (!Accumulator.class.isAssignableFrom(type)) {
                throw new IllegalArgumentException(name + " is not an accumulator");
            }
            @SuppressWarnings({"unchecked", "rawtypes"})
            Accumulator<?, ?> value = (Accumulator<?, ?>) kryo.readObject(in, (Class) type, fields(kryo, type));
            return value;
        });
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static FieldSerializer<Object> fields(Kryo kryo, Class<?> type) {
        return new FieldSerializer(kryo, type);
    }

    /** Replaces a client-side accumulator's value with the session's. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static void assign(Accumulator target, Accumulator value) {
        synchronized (target) {
            target.reset();
            target.merge(value);
        }
    }
}
