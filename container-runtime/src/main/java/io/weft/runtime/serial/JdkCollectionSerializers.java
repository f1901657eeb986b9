package io.weft.runtime.serial;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Serializers for JDK collections that Kryo's generic serializers cannot rebuild (unmodifiable wrappers,
 * {@code Arrays.asList}, sub-lists, key sets, ...): the elements are written one by one with Kryo (so they need
 * not be {@link java.io.Serializable}) and read back into an unmodifiable list, set or map with the same
 * iteration order.
 */
final class JdkCollectionSerializers {

    private JdkCollectionSerializers() {
    }

    static final Serializer<List<?>> LIST = new Serializer<>() {
        @Override
        public void write(Kryo kryo, Output output, List<?> list) {
            writeElements(kryo, output, list);
        }

        @Override
        public List<?> read(Kryo kryo, Input input, Class<? extends List<?>> type) {
            return Collections.unmodifiableList(readElements(kryo, input, new ArrayList<>()));
        }
    };

    static final Serializer<Set<?>> SET = new Serializer<>() {
        @Override
        public void write(Kryo kryo, Output output, Set<?> set) {
            writeElements(kryo, output, set);
        }

        @Override
        public Set<?> read(Kryo kryo, Input input, Class<? extends Set<?>> type) {
            return Collections.unmodifiableSet(readElements(kryo, input, new LinkedHashSet<>()));
        }
    };

    static final Serializer<Map<?, ?>> MAP = new Serializer<>() {
        @Override
        public void write(Kryo kryo, Output output, Map<?, ?> map) {
            output.writeVarInt(map.size(), true);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                kryo.writeClassAndObject(output, e.getKey());
                kryo.writeClassAndObject(output, e.getValue());
            }
        }

        @Override
        public Map<?, ?> read(Kryo kryo, Input input, Class<? extends Map<?, ?>> type) {
            int size = input.readVarInt(true);
            Map<Object, Object> map = new LinkedHashMap<>();
            for (int i = 0; i < size; i++) {
                Object key = kryo.readClassAndObject(input);
                map.put(key, kryo.readClassAndObject(input));
            }
            return Collections.unmodifiableMap(map);
        }
    };

    private static void writeElements(Kryo kryo, Output output, Collection<?> elements) {
        output.writeVarInt(elements.size(), true);
        for (Object element : elements) {
            kryo.writeClassAndObject(output, element);
        }
    }

    private static <C extends Collection<Object>> C readElements(Kryo kryo, Input input, C into) {
        int size = input.readVarInt(true);
        for (int i = 0; i < size; i++) {
            into.add(kryo.readClassAndObject(input));
        }
        return into;
    }
}
