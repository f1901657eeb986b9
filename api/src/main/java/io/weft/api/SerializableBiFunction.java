package io.weft.api;

import java.io.Serializable;
import java.util.function.BiFunction;

/**
 * A two-argument function that can be shipped to executors (see {@link SerializableFunction}).
 *
 * @param <T> the first argument type
 * @param <U> the second argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface SerializableBiFunction<T, U, R> extends BiFunction<T, U, R>, Serializable {
}
