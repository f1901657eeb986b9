package io.weft.api;

import java.util.function.BinaryOperator;

/**
 * An associative operator on two values of one type that can be shipped to executors, used by
 * {@link Dataset#reduce}, {@link Dataset#fold} and {@link PairDataset#reduceByKey}. It must be associative
 * (and, for {@code reduceByKey}, commutative), because partial results are combined in no fixed order.
 *
 * @param <T> the operand and result type
 */
@FunctionalInterface
public interface SerializableBinaryOperator<T> extends BinaryOperator<T>, SerializableBiFunction<T, T, T> {
}
