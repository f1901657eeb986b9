package io.weft.api;

import java.io.Serializable;

/**
 * A read-only value shipped to each executor once, however many tasks use it. Create one with
 * {@link WeftSession#broadcast(Object)} and capture the {@code Broadcast} (not its value) in a function.
 *
 * <p>{@link #value()} may be called from any thread on the driver and on executors. On an executor the first
 * call fetches and deserializes the value; later calls, from any task on that executor, return the same object,
 * so it must not be modified. {@link #unpersist()} and {@link #destroy()} free it, as in Spark.
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

    // ---- lifecycle ----

    /**
     * Drops the executors' copies of the value. A task that uses the broadcast afterwards fetches it again. The
     * driver keeps the value. Driver only; does not wait for the executors.
     */
    void unpersist();

    /**
     * Removes all of the broadcast's data: the executors' copies, the file they fetch it from, and the driver's
     * reference to the value. Using it afterwards (on the driver, or in a task) fails with an error saying it was
     * destroyed. Driver only; idempotent.
     */
    void destroy();

    /** @return whether {@link #destroy()} was called */
    boolean isDestroyed();
}
