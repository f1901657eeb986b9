package io.weft.driver.session;

import io.weft.api.WeftException;
import io.weft.driver.DriverEngine;
import io.weft.driver.backend.RemoteExecutorsBackend;
import io.weft.driver.endpoint.DriverEndpoint;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>A connection counts as an attached program ({@link #attachedPrograms()}, and so keeps the session from going
 * idle) from the moment it sends its attach message, not when it merely authenticates; one that has not finished
 * attaching (attach message received and its jars all arrived) within the attach limit (by default the client's
 * own limit for connecting and attaching, 300 s) is closed, so a silent connection neither holds the session up
 * nor lingers.
 *
 * <p>When a connection closes (the program exited or died), its running jobs are cancelled and its scope closed;
 * a malformed message closes that connection only. Thread-safe.
 */
public final class SessionService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SessionService.class);

    /** How long a connection may take from authenticating to being attached (its jars all arrived). */
    static final Duration DEFAULT_ATTACH_LIMIT = Duration.ofMillis(SessionClientEngine.ATTACH_TIMEOUT_MILLIS);

    private final DriverEngine engine;
    private final SessionScopes scopes;
    private final JarStore jars;
    private final DriverEndpoint driverEndpoint;
    private final SessionEndpoint endpoint;
    private final Duration attachLimit;
    /** Every authenticated connection, attached or not; removed once it has detached. */
    private final Set<SessionAttachment> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger ids = new AtomicInteger();
    /** Guards the idle clock; notified on every attach, detach, job start and job end, and on close. */
    private final Object idle = new Object();
    private volatile boolean closed;
    /** A jar directory this service made itself (and deletes on close), or null. */
    private volatile File ownJarDir;

    private SessionService(DriverEngine engine, SessionScopes scopes, JarStore jars, DriverEndpoint driverEndpoint,
            String host, Duration attachLimit) {
        this.engine = engine;
        this.attachLimit = attachLimit;
        this.scopes = scopes;
        this.jars = jars;
        this.driverEndpoint = driverEndpoint;
        this.endpoint = new SessionEndpoint(engine.applicationId(), host, driverEndpoint.boundAddress().getPort(),
                driverEndpoint.encrypts(), driverEndpoint.sessionClientSecret());
    }

    /**
     * Starts accepting session clients on the engine's driver endpoint, keeping shipped jars in a new 0700
     * directory under {@code java.io.tmpdir}, deleted by {@link #close()}.
     *
     * @param engine a started engine whose backend has a driver endpoint (local-cluster, YARN)
     * @param scopes how each attachment's scope is opened
     * @return the running service
     * @throws WeftException when the engine has no driver endpoint (local[N]), naming the fix
     */
    public static SessionService start(DriverEngine engine, SessionScopes scopes) {
        endpointOf(engine); // refuses local[N] before making a directory
        try {
            File dir = java.nio.file.Files.createTempDirectory("weft-session-jars-").toFile();
            SessionService service = start(engine, scopes, dir);
            service.ownJarDir = dir;
            return service;
        } catch (IOException e) {
            throw new WeftException("Cannot create the session's jar directory under " + System.getProperty(
                    "java.io.tmpdir") + ": " + e.getMessage() + "; set java.io.tmpdir to a writable directory", e);
        }
    }

    /**
     * As {@link #start(DriverEngine, SessionScopes)}, keeping shipped jars in {@code jarCache} (created 0700 if
     * missing; jars already there are reused by SHA-256).
     *
     * @param engine a started engine whose backend has a driver endpoint
     * @param scopes how each attachment's scope is opened
     * @param jarCache a local directory
     * @return the running service
     * @throws WeftException when the engine has no driver endpoint, or the directory cannot be created
     */
    public static SessionService start(DriverEngine engine, SessionScopes scopes, File jarCache) {
        return start(engine, scopes, jarCache, DEFAULT_ATTACH_LIMIT);
    }

    /**
     * As {@link #start(DriverEngine, SessionScopes, File)}, closing a connection that has not attached within
     * {@code attachLimit} of authenticating (tests shorten it).
     *
     * @param engine a started engine whose backend has a driver endpoint
     * @param scopes how each attachment's scope is opened
     * @param jarCache a local directory
     * @param attachLimit how long a connection may take to send its attach message and ship its jars
     * @return the running service
     * @throws WeftException when the engine has no driver endpoint, or the directory cannot be created
     */
    static SessionService start(DriverEngine engine, SessionScopes scopes, File jarCache, Duration attachLimit) {
        if (attachLimit.isNegative() || attachLimit.isZero()) {
            throw new IllegalArgumentException("The attach limit must be positive, not " + attachLimit);
        }
        RemoteExecutorsBackend remote = endpointOf(engine);
        JarStore store;
        try {
            store = new JarStore(jarCache);
        } catch (IOException e) {
            throw new WeftException("Cannot create the session's jar directory " + jarCache + ": " + e.getMessage(), e);
        }
        SessionService service = new SessionService(engine, scopes, store, remote.driverEndpoint().get(),
                remote.advertisedHost(), attachLimit);
        service.driverEndpoint.acceptSessionClients(
                () -> new SessionAttachment(service, "attachment-" + service.ids.incrementAndGet()));
        LOG.info("Session service accepting programs on {}:{} (jars kept in {})", service.endpoint.host(),
                service.endpoint.port(), jarCache);
        return service;
    }

    private static RemoteExecutorsBackend endpointOf(DriverEngine engine) {
        if (!(engine.backend() instanceof RemoteExecutorsBackend remote) || remote.driverEndpoint().isEmpty()) {
            throw new WeftException("A session service needs a driver endpoint for programs to attach to, and this"
                    + " engine (" + engine.backend().getClass().getSimpleName() + ") has none: local[N] runs"
                    + " executors as threads. Start the session with master local-cluster[E,C,M] or yarn");
        }
        return remote;
    }

    /** @return how programs attach: the endpoint's advertised host and port, encryption, the client secret */
    public SessionEndpoint endpoint() {
        return endpoint;
    }

    /**
     * @return the programs attached now: connections that have sent their attach message and not yet detached (a
     *     connection that has only authenticated does not count)
     */
    public int attachedPrograms() {
        int n = 0;
        for (SessionAttachment a : connections) {
            if (a.hasAttached()) {
                n++;
            }
        }
        return n;
    }

    /** @return every authenticated connection not yet detached, attached or not (for tests) */
    int connections() {
        return connections.size();
    }

    /** @return the jobs of attached programs running now */
    public int runningJobs() {
        int n = 0;
        for (SessionAttachment a : connections) {
            n += a.runningJobs();
        }
        return n;
    }

    /**
     * Blocks until the session has had no attached program ({@link #attachedPrograms()}) and no running job for
     * {@code idleTimeout}, or until {@link #close()}. Polls the job count (jobs start and end without notifying)
     * every 100 ms at most.
     *
     * @param idleTimeout how long the session must stay idle
     * @return true if it became idle, false if closed first
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitIdle(Duration idleTimeout) throws InterruptedException {
        long timeout = idleTimeout.toNanos();
        long idleSince = -1;
        synchronized (idle) {
            while (!closed) {
                long now = System.nanoTime();
                if (attachedPrograms() > 0 || runningJobs() > 0) {
                    idleSince = -1;
                } else if (idleSince < 0) {
                    idleSince = now;
                }
                long left = idleSince < 0 ? timeout : timeout - (now - idleSince);
                if (idleSince >= 0 && left <= 0) {
                    return true;
                }
                idle.wait(Math.max(1, Math.min(100, left / 1_000_000)));
            }
            return false;
        }
    }

    /** Stops accepting clients and closes every connection, attached or not (cancelling its jobs). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        driverEndpoint.acceptSessionClients(null);
        connections.forEach(SessionAttachment::close);
        synchronized (idle) {
            idle.notifyAll();
        }
        File own = ownJarDir;
        if (own != null) {
            org.apache.hadoop.fs.FileUtil.fullyDelete(own);
        }
        LOG.info("Session service closed");
    }

    // ---- for attachments ----

    DriverEngine engine() {
        return engine;
    }

    SessionScopes scopes() {
        return scopes;
    }

    JarStore jars() {
        return jars;
    }

    Duration attachLimit() {
        return attachLimit;
    }

    /** A connection authenticated (it does not count as attached yet). On its event loop. */
    void connected(SessionAttachment connection) {
        connections.add(connection);
        if (closed) {
            connection.close();
        }
    }

    /** A connection sent its attach message: it counts from now on. On its event loop. */
    void attached(SessionAttachment attachment) {
        synchronized (idle) {
            idle.notifyAll();
        }
    }

    void detached(SessionAttachment attachment) {
        connections.remove(attachment);
        synchronized (idle) {
            idle.notifyAll();
        }
    }
}
