package io.weft.api;

import java.io.Serializable;

/**
 * A read-only value shipped to each executor once, however many tasks use it. Create one with
 * {@link WeftSession#broadcast(Object)} and capture the {@code Broadcast} (not its value) in a function.
 *
 * <p>{@link #value()} may be called from any thread on the driver and on executors. On an executor the first
 * call fetches and deserializes the value; later calls, from any task on that executor, return the same object,
 * so it must not be modified.
 *
 * @param <T> the value type
 */
public interface Broadcast<T> extends Serializable {

    /**
     * The value.
     *
     * @return the broadcast value (on an executor, one shared copy per executor)
     * @throws WeftException if the value cannot be fetched on an executor
     */
    T value();

    /**
     * This broadcast's id, unique within the application.
     *
     * @return the id
     */
    long id();
}
