package io.weft.driver.session;

import io.weft.driver.DriverEngine;
import io.weft.driver.JobScope;
import io.weft.runtime.serial.KryoPool;
import java.io.File;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A session's real scopes: each attachment gets a {@link JobScope} of the engine ({@link DriverEngine#openScope}),
 * so its classes load in a class loader of their own on the driver and on every executor, and two attached programs
 * may carry different versions of the same class. Thread-safe.
 */
public final class EngineSessionScopes implements SessionScopes {

    private final DriverEngine engine;

    /** @param engine the session's engine */
    public EngineSessionScopes(DriverEngine engine) {
        this.engine = engine;
    }

    @Override
    public SessionScope open(String attachmentId, List<File> jars) {
        JobScope scope = engine.openScope(attachmentId, jars);
        return new SessionScope() {
            @Override
            public KryoPool kryo() {
                return scope.kryo();
            }

            @Override
            public <T> T call(Callable<T> work) throws Exception {
                return scope.call(work);
            }

            @Override
            public void close() {
                scope.close();
            }
        };
    }
}
