package io.weft.api;

import java.io.Serializable;
import java.util.function.Function;

/**
 * A one-argument function that can be shipped to executors. Because it extends {@link Serializable}, a plain
 * lambda assigned to it is serializable without a cast.
 *
 * <p>The lambda implements {@link #call}, which may throw checked exceptions, as Spark's {@code Function.call}
 * does, so ported code compiles unchanged. An exception it throws fails the task with that exception as the cause;
 * {@link #apply} rethrows it unwrapped.
 *
 * <p>Keep what the lambda captures small and serializable: copy a field into a local variable rather than
 * touching {@code this}, and use a {@link Broadcast} for large read-only data.
 *
 * @param <T> the argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface SerializableFunction<T, R> extends Function<T, R>, Serializable {

    /**
     * @param t the argument
     * @return the result
     * @throws Exception anything the function throws fails the task that runs it
     */
    R call(T t) throws Exception;

    /** Calls {@link #call}, rethrowing a checked exception unwrapped. */
    @Override
    default R apply(T t) {
        try {
            return call(t);
        } catch (Exception e) {
            throw Sneaky.rethrow(e);
        }
    }
}
