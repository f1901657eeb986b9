package io.weft.driver.session;

import io.weft.runtime.serial.KryoPool;
import java.io.File;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Scopes without isolation: every attachment uses the engine's own serializers and class loader, so an attached
 * program's classes must already be on the session's class path (and on its executors'). For tests, and for a
 * session whose programs all share its class path; the class-loader isolation of real sessions comes from the
 * adapter over {@code DriverEngine.openScope}.
 */
public final class UnscopedSessionScopes implements SessionScopes {

    private final KryoPool kryo;

    /** @param kryo the engine's serializers ({@code DriverEngine.kryo()}) */
    public UnscopedSessionScopes(KryoPool kryo) {
        this.kryo = kryo;
    }

    @Override
    public SessionScope open(String attachmentId, List<File> jars) {
        return new SessionScope() {
            @Override
            public KryoPool kryo() {
                return kryo;
            }

            @Override
            public <T> T call(Callable<T> work) throws Exception {
                return work.call();
            }

            @Override
            public void close() {
            }
        };
    }
}
