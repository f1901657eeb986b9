package io.weft.runtime.broadcast;

import io.weft.api.Broadcast;
import io.weft.runtime.executor.ExecutorTaskContext;

/**
 * A broadcast whose value the driver wrote once to the application's directory on the shuffle file system;
 * each executor reads it the first time one of its tasks asks and keeps it for all later tasks. Travels as its
 * id, path and whether it was destroyed.
 *
 * @param <T> the value type
 */
public final class FileBroadcast<T> implements Broadcast<T> {

    private static final long serialVersionUID = 1L;

    private final long id;
    private final String path;
    /** Set on the driver; copies serialized afterwards (in later tasks) carry it. */
    private volatile boolean destroyed;
    /** Only on the driver, until destroyed. */
    private transient volatile T driverValue;
    /** Only on the driver. */
    private final transient BroadcastLifecycle lifecycle;

    /**
     * @param id unique within the application
     * @param path where the serialized value is
     * @param driverValue the value, on the driver
     * @param lifecycle what unpersist and destroy do, on the driver
     */
    public FileBroadcast(long id, String path, T driverValue, BroadcastLifecycle lifecycle) {
        this.id = id;
        this.path = path;
        this.driverValue = driverValue;
        this.lifecycle = lifecycle;
    }

    @Override
    public T value() {
        checkNotDestroyed();
        T local = driverValue;
        if (local != null) {
            return local;
        }
        // The environment of the task's scope: its serializers can load the value's classes.
        io.weft.runtime.executor.ExecutorEnvironment env = ExecutorTaskContext.currentEnvironment();
        return env.broadcasts().get(id, path, env.kryo());
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public void unpersist() {
        checkNotDestroyed();
        driverSide("unpersist").unpersist(id);
    }

    @Override
    public synchronized void destroy() {
        if (destroyed) {
            return;
        }
        BroadcastLifecycle driver = driverSide("destroy");
        destroyed = true;
        driverValue = null;
        driver.destroy(id, path);
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    private BroadcastLifecycle driverSide(String operation) {
        if (lifecycle == null) {
            throw new IllegalStateException(this + "." + operation + "() can only be called on the driver");
        }
        return lifecycle;
    }

    private void checkNotDestroyed() {
        if (destroyed) {
            throw new IllegalStateException("Attempted to use " + this + " after it was destroyed (destroy()"
                    + " removed its value); create a new broadcast instead");
        }
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
