package io.weft.api;

import java.io.Serializable;
import java.util.function.BiFunction;

/**
 * A two-argument function that can be shipped to executors (see {@link SerializableFunction}; {@link #call} may
 * throw checked exceptions).
 *
 * @param <T> the first argument type
 * @param <U> the second argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface SerializableBiFunction<T, U, R> extends BiFunction<T, U, R>, Serializable {

    /**
     * @param t the first argument
     * @param u the second argument
     * @return the result
     * @throws Exception anything the function throws fails the task that runs it
     */
    R call(T t, U u) throws Exception;

    /** Calls {@link #call}, rethrowing a checked exception unwrapped. */
    @Override
    default R apply(T t, U u) {
        try {
            return call(t, u);
        } catch (Exception e) {
            throw Sneaky.rethrow(e);
        }
    }
}
