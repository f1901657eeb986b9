package io.weft.runtime.broadcast;

import io.weft.api.Broadcast;
import io.weft.runtime.executor.ExecutorTaskContext;

/**
 * A broadcast whose value the driver wrote once to the application's directory on the shuffle file system;
 * each executor reads it the first time one of its tasks asks and keeps it for all later tasks. Travels as its
 * id and path only.
 *
 * @param <T> the value type
 */
public final class FileBroadcast<T> implements Broadcast<T> {

    private static final long serialVersionUID = 1L;

    private final long id;
    private final String path;
    /** Only on the driver. */
    private final transient T driverValue;

    /**
     * @param id unique within the application
     * @param path where the serialized value is
     * @param driverValue the value, on the driver
     */
    public FileBroadcast(long id, String path, T driverValue) {
        this.id = id;
        this.path = path;
        this.driverValue = driverValue;
    }

    @Override
    public T value() {
        if (driverValue != null) {
            return driverValue;
        }
        return ExecutorTaskContext.currentEnvironment().broadcasts().get(id, path);
    }

    @Override
    public long id() {
        return id;
    }

    /** @return where the serialized value is */
    public String path() {
        return path;
    }

    @Override
    public String toString() {
        return "Broadcast(" + id + ")";
    }
}
