package io.weft.api;

import java.io.Serializable;
import java.util.function.Consumer;

/**
 * An action on one value that can be shipped to executors, used by {@link Dataset#foreach} (see
 * {@link SerializableFunction}; {@link #call} may throw checked exceptions).
 *
 * @param <T> the consumed type
 */
@FunctionalInterface
public interface SerializableConsumer<T> extends Consumer<T>, Serializable {

    /**
     * @param t the value
     * @throws Exception anything the action throws fails the task that runs it
     */
    void call(T t) throws Exception;

    /** Calls {@link #call}, rethrowing a checked exception unwrapped. */
    @Override
    default void accept(T t) {
        try {
            call(t);
        } catch (Exception e) {
            throw Sneaky.rethrow(e);
        }
    }
}
