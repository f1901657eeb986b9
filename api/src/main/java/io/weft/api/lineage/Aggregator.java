package io.weft.api.lineage;

import io.weft.api.SerializableBiFunction;
import io.weft.api.SerializableBinaryOperator;
import io.weft.api.SerializableFunction;
import java.io.Serializable;

/**
 * How to combine the values of one key: start a combiner from a value, fold another value into it, and merge
 * two combiners (from different map tasks or spills).
 *
 * @param createCombiner makes a combiner from a key's first value
 * @param mergeValue folds a value into a combiner; may modify and return the combiner
 * @param mergeCombiners merges two combiners; may modify and return the first
 * @param <V> the value type
 * @param <C> the combiner type
 */
public record Aggregator<V, C>(
        SerializableFunction<V, C> createCombiner,
        SerializableBiFunction<C, V, C> mergeValue,
        SerializableBinaryOperator<C> mergeCombiners) implements Serializable {
}
