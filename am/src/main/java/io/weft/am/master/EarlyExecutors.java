package io.weft.am.master;

import io.weft.conf.NetworkConfigKeys;
import io.weft.conf.WeftConf;
import io.weft.runtime.channel.ChannelOptions;
import io.weft.yarnconf.YarnConfigKeys;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster mode ({@code weft.yarn.earlyExecutors}): the executors are asked for right after the ApplicationMaster
 * registers, while the program's {@code main} is still starting, so that their containers and JVMs start while it
 * does instead of after it has created its session. Their number and size are the submission's (the launcher's
 * {@link ExecutorSpec}: {@code weft.executor.instances}, or the initial executors with dynamic allocation).
 *
 * <p>How they wait: the driver's server socket is bound here, before the session exists, and its address goes on
 * the executors' command lines; nothing accepts on it yet, so an executor's connection waits in the socket's
 * backlog (the executor's side of the handshake has no timeout). When {@code main} creates its session, the
 * session's endpoint takes the socket ({@link #take}), accepts the waiting connections and authenticates them as
 * usual (nothing is read from a connection before that). When {@code main} returns without having created one,
 * {@link #releaseUnused} gives the containers back (no failures, no replacements) and closes the socket.
 *
 * <p>Thread-safe: {@link #start} runs on the AM's main thread, {@link #take} on the thread creating the session,
 * {@link #releaseUnused} on the main thread after {@code main}.
 */
final class EarlyExecutors {

    private static final Logger LOG = LoggerFactory.getLogger(EarlyExecutors.class);

    /** Connections the kernel queues before the endpoint accepts (at least; more with more executors). */
    private static final int MIN_BACKLOG = 128;
    /** How long {@link #releaseUnused} waits for the releases to be issued before unregistering anyway. */
    private static final long RELEASE_WAIT_MILLIS = 5_000;

    private final ExecutorLauncher launcher;
    private final String bindAddress;
    private final boolean encrypt;
    /** The bound socket until a session takes it or it is closed; guarded by this. */
    private ServerSocketChannel socket;

    private EarlyExecutors(ExecutorLauncher launcher, String bindAddress, boolean encrypt, ServerSocketChannel socket) {
        this.launcher = launcher;
        this.bindAddress = bindAddress;
        this.encrypt = encrypt;
        this.socket = socket;
    }

    /**
     * Binds the driver's socket and asks for the executors, when {@code weft.yarn.earlyExecutors} is on. Called
     * once, on the AM's main thread, after registration and before the program's {@code main}.
     *
     * @param conf the submission's settings (the bind address, encryption)
     * @param launcher the registered launcher, whose spec says how many executors and how large
     * @param instances how many executors it will ask for, to size the socket's backlog
     * @param environment this process's environment, for the bind address
     * @return the early executors, or empty when the setting is off
     * @throws IOException when the socket cannot be bound; the AM fails, as a session would
     */
    static Optional<EarlyExecutors> start(WeftConf conf, ExecutorLauncher launcher, int instances,
            Map<String, String> environment) throws IOException {
        if (!conf.get(YarnConfigKeys.EARLY_EXECUTORS)) {
            return Optional.empty();
        }
        String bind = NetworkConfigKeys.bindAddress(conf, environment);
        ServerSocketChannel socket = ServerSocketChannel.open();
        try {
            socket.bind(new InetSocketAddress(bind, 0), Math.max(MIN_BACKLOG, 2 * instances));
        } catch (IOException e) {
            socket.close();
            throw new IOException("Cannot listen on " + bind + " for the executors (" + e.getMessage() + "); set "
                    + NetworkConfigKeys.DRIVER_BIND_ADDRESS.name() + " to an address of this host", e);
        }
        int port = ((InetSocketAddress) socket.getLocalAddress()).getPort();
        LOG.info("Asking for the executors before the program creates its session: they wait on {}:{}", bind, port);
        launcher.requestExecutors(NetworkConfigKeys.advertised(bind), port);
        return Optional.of(new EarlyExecutors(launcher, bind, ChannelOptions.from(conf).encrypt(), socket));
    }

    /**
     * The session is being created: it gets the socket the executors wait on, if its endpoint would listen on the
     * same address with the same encryption (the executors' command lines carry both). Otherwise the early
     * executors are given back and the session asks for its own. Only the first call can get the socket (a
     * program's second session asks for its own executors).
     *
     * @param sessionBind the address the session's endpoint would bind
     * @param sessionEncrypt whether the session's channel encrypts
     * @return the socket, now owned by the caller, or empty
     */
    synchronized Optional<ServerSocketChannel> take(String sessionBind, boolean sessionEncrypt) {
        ServerSocketChannel taken = socket;
        if (taken == null) {
            return Optional.empty();
        }
        if (sessionBind.equals(bindAddress) && sessionEncrypt == encrypt) {
            socket = null;
            return Optional.of(taken);
        }
        LOG.info("The session listens on {} (encrypted: {}), the executors asked for early were told {} ({}):"
                + " giving them back and asking again", sessionBind, sessionEncrypt, bindAddress, encrypt);
        release("the session's driver address or encryption differs");
        return Optional.empty();
    }

    /**
     * The program's {@code main} has returned: if no session took the socket, the early executors' containers
     * are given back and the socket is closed, so the application ends without them. Waits briefly for the
     * releases to be issued (unregistering ends the containers anyway). No effect after {@link #take} got it.
     *
     * @return a line for the application's diagnostics saying what was given back, or empty
     */
    synchronized Optional<String> releaseUnused() {
        if (socket == null) {
            return Optional.empty();
        }
        int given = release("the program created no session");
        return Optional.of("The program created no session: " + (given < 0 ? "the" : given)
                + " executor containers asked for when the ApplicationMaster registered were given back ("
                + YarnConfigKeys.EARLY_EXECUTORS.name() + "=false asks for them only when a session is created).");
    }

    /** @return how many containers and requests were given back, or -1 when not confirmed */
    private int release(String why) {
        LOG.info("Giving back the executors asked for early: {}", why);
        int given = -1;
        try {
            given = launcher.releaseAll(why).get(RELEASE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("The early executors' release was not confirmed ({}); unregistering ends them", e.toString());
        }
        try {
            socket.close();
        } catch (IOException e) {
            LOG.warn("Could not close the early executors' socket: {}", e.toString());
        }
        socket = null;
        return given;
    }
}
