package io.weft.driver.session;

import io.weft.runtime.serial.KryoPool;
import java.io.File;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * How a {@link SessionService} opens a class-loader scope per attachment: the attachment's requests are
 * deserialized with the scope's serializers and its jobs submitted inside {@link SessionScope#call}. The
 * production implementation adapts {@code DriverEngine.openScope}; {@link UnscopedSessionScopes} has no isolation.
 */
public interface SessionScopes {

    /**
     * Opens a scope. Called on the attaching connection's request thread, once per attachment.
     *
     * @param attachmentId the attachment (unique within the session)
     * @param jars the attachment's jars, as local files on the session's driver
     * @return the open scope, closed by the service when the attachment ends
     * @throws RuntimeException when it cannot be opened; the attachment is refused with the message
     */
    SessionScope open(String attachmentId, List<File> jars);

    /** One attachment's scope. Thread-safe: the attachment's jobs run concurrently, each on its own thread. */
    interface SessionScope extends AutoCloseable {

        /** @return the serializers for the attachment's objects (requests, results, broadcast values) */
        KryoPool kryo();

        /**
         * Runs work on the calling thread with this scope current, so the jobs it submits use the scope.
         *
         * @param work what to run
         * @param <T> its result
         * @return its result
         * @throws Exception whatever work throws
         */
        <T> T call(Callable<T> work) throws Exception;

        /** Drops the scope on the driver and executors. Idempotent; called after the attachment's jobs ended. */
        @Override
        void close();
    }
}
