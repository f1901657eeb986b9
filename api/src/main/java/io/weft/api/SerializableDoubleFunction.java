package io.weft.api;

import java.io.Serializable;

/**
 * A function to a primitive {@code double} that can be shipped to executors, as Spark's {@code DoubleFunction}:
 * used by {@link Dataset#mapToDouble}. {@link #call} may throw checked exceptions; they fail the task.
 *
 * @param <T> the argument type
 */
@FunctionalInterface
public interface SerializableDoubleFunction<T> extends Serializable {

    /**
     * @param t the argument
     * @return the result
     * @throws Exception anything the function throws fails the task that runs it
     */
    double call(T t) throws Exception;

    /**
     * Calls {@link #call}, rethrowing a checked exception unwrapped.
     *
     * @param t the argument
     * @return the result
     */
    default double applyAsDouble(T t) {
        try {
            return call(t);
        } catch (Exception e) {
            throw Sneaky.rethrow(e);
        }
    }
}
