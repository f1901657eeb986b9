package io.weft.api;

/**
 * A key and a value: the record type of a {@link PairDataset}.
 *
 * @param key the key; keys are hashed and compared by {@code hashCode} and {@code equals}, so they must be
 *     deterministic across JVMs (no identity hash codes, no enums' {@code hashCode} is fine since Weft
 *     partitions enums by name)
 * @param value the value
 * @param <K> the key type
 * @param <V> the value type
 */
public record Pair<K, V>(K key, V value) implements java.io.Serializable {

    /**
     * Shorthand for {@code new Pair<>(key, value)}.
     *
     * @param key the key
     * @param value the value
     * @param <K> the key type
     * @param <V> the value type
     * @return the pair
     */
    public static <K, V> Pair<K, V> of(K key, V value) {
        return new Pair<>(key, value);
    }

    /** @return the key, under the name Scala's {@code Tuple2} gives it, so ported tuple code compiles */
    public K _1() {
        return key;
    }

    /** @return the value, under the name Scala's {@code Tuple2} gives it */
    public V _2() {
        return value;
    }

    @Override
    public String toString() {
        return "(" + key + "," + value + ")";
    }
}
