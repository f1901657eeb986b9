package io.weft.api;

import java.io.Serializable;
import java.util.function.Predicate;

/**
 * A test on one value that can be shipped to executors (see {@link SerializableFunction}; {@link #call} may throw
 * checked exceptions).
 *
 * @param <T> the tested type
 */
@FunctionalInterface
public interface SerializablePredicate<T> extends Predicate<T>, Serializable {

    /**
     * @param t the value
     * @return whether it passes
     * @throws Exception anything the test throws fails the task that runs it
     */
    boolean call(T t) throws Exception;

    /** Calls {@link #call}, rethrowing a checked exception unwrapped. */
    @Override
    default boolean test(T t) {
        try {
            return call(t);
        } catch (Exception e) {
            throw Sneaky.rethrow(e);
        }
    }
}
