package io.weft.driver.session;

import io.weft.driver.DriverEngine;
import java.io.File;
import java.time.Duration;

/**
 * The session side of a long-running session: accepts programs that authenticate as
 * {@link io.weft.runtime.channel.PeerRole#SESSION_CLIENT} on the engine's driver endpoint (local-cluster and YARN
 * backends; local[N] has no endpoint and is refused), and runs their requests on the engine.
 *
 * <p>One connection is one <em>attachment</em>: one scope ({@link SessionScopes}), one scheduler pool (job property
 * {@code weft.scheduler.pool} = the attachment id), and job groups of its own (a group name is namespaced by the
 * attachment, so one program can never cancel another's jobs; {@code cancelAllJobs} cancels only its own). Jars
 * are kept by SHA-256 in a local directory, so a program re-attaching with the same jars ships nothing. Each job
 * runs on a thread of its own inside the scope; a connection's requests may be in flight concurrently.
 *
 * <p>When a connection closes (the program exited or died), its running jobs are cancelled and its scope closed;
 * a malformed message closes that connection only. Thread-safe.
 */
public final class SessionService implements AutoCloseable {

    /**
     * Starts accepting session clients on the engine's driver endpoint, keeping shipped jars in a new 0700
     * directory under {@code java.io.tmpdir}.
     *
     * @param engine a started engine whose backend has a driver endpoint (local-cluster, YARN)
     * @param scopes how each attachment's scope is opened
     * @return the running service
     * @throws io.weft.api.WeftException when the engine has no driver endpoint (local[N]), naming the fix
     */
    public static SessionService start(DriverEngine engine, SessionScopes scopes) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * As {@link #start(DriverEngine, SessionScopes)}, keeping shipped jars in {@code jarCache} (created 0700 if
     * missing; jars already there are reused by SHA-256).
     *
     * @param engine a started engine whose backend has a driver endpoint
     * @param scopes how each attachment's scope is opened
     * @param jarCache a local directory
     * @return the running service
     */
    public static SessionService start(DriverEngine engine, SessionScopes scopes, File jarCache) {
        throw new UnsupportedOperationException("not yet");
    }

    /** @return how programs attach: the endpoint's advertised host and port, encryption, the client secret */
    public SessionEndpoint endpoint() {
        throw new UnsupportedOperationException("not yet");
    }

    /** @return the connections attached now */
    public int attachedPrograms() {
        throw new UnsupportedOperationException("not yet");
    }

    /** @return the jobs of attached programs running now */
    public int runningJobs() {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Blocks until the session has had no attachment and no running job for {@code idleTimeout}, or until
     * {@link #close()}.
     *
     * @param idleTimeout how long the session must stay idle
     * @return true if it became idle, false if closed first
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitIdle(Duration idleTimeout) throws InterruptedException {
        throw new UnsupportedOperationException("not yet");
    }

    /** Stops accepting clients and closes every attachment (cancelling its jobs). Idempotent. */
    @Override
    public void close() {
        throw new UnsupportedOperationException("not yet");
    }
}
