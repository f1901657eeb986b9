package io.weft.api;

import java.io.Serializable;
import java.util.function.Function;

/**
 * A one-argument function that can be shipped to executors. Because it extends {@link Serializable}, a plain
 * lambda assigned to it is serializable without a cast.
 *
 * <p>Keep what the lambda captures small and serializable: copy a field into a local variable rather than
 * touching {@code this}, and use a {@link Broadcast} for large read-only data.
 *
 * @param <T> the argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface SerializableFunction<T, R> extends Function<T, R>, Serializable {
}
