package io.weft.runtime.executor;

import io.weft.api.RemoteTaskException;
import java.util.IdentityHashMap;

/** Turns an executor-side exception into a {@link RemoteTaskException} that any JVM can deserialize. */
public final class RemoteExceptions {

    private RemoteExceptions() {
    }

    /**
     * @param error what the task threw
     * @return the same class name, message, stack trace and causes, without the original classes
     */
    public static RemoteTaskException of(Throwable error) {
        return of(error, new IdentityHashMap<>());
    }

    private static RemoteTaskException of(Throwable error, IdentityHashMap<Throwable, Boolean> seen) {
        if (error == null || seen.put(error, Boolean.TRUE) != null) {
            return null;
        }
        if (error instanceof RemoteTaskException remote) {
            return remote;
        }
        RemoteTaskException cause = of(error.getCause(), seen);
        return new RemoteTaskException(error.getClass().getName(), error.getMessage(), error.getStackTrace(), cause);
    }
}
