package io.weft.driver.endpoint;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.weft.runtime.channel.ApplicationSecrets;
import io.weft.runtime.channel.ChannelOptions;
import io.weft.runtime.channel.Channels;
import io.weft.runtime.channel.PeerRole;
import io.weft.runtime.channel.Messages.ExecutorExited;
import io.weft.runtime.serial.KryoPool;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a driver in another process why its executors' containers ended: the ApplicationMaster's side of
 * {@link DriverEndpoint#executorExited}, over an authenticated connection of its own, as
 * {@link PeerRole#APPLICATION_MASTER} (the only role whose exit reports the driver accepts). Best effort: a report that
 * cannot be delivered is dropped (the driver then fails the executor's tasks with "connection closed" after its
 * wait), and the next report reconnects. Thread-safe; {@link #report} does not block on the network.
 *
 * <p>It also tells the ApplicationMaster when the driver goes ({@link #watchDriver}): the connection is then held
 * open, and its closing (the driver's endpoint closes every connection when the driver stops, and the operating
 * system closes them when its process dies) is reported at once, instead of at the next periodic probe.
 */
public final class ExecutorExitReporter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorExitReporter.class);

    private final String host;
    private final int port;
    private final byte[] secret;
    private final ChannelOptions options;
    private final KryoPool kryo;
    private final EventLoopGroup group = Channels.eventLoops(1, "weft-exit-reporter");
    /** Reports waiting for the connection to authenticate; guarded by this. */
    private final Queue<ExecutorExited> waiting = new ArrayDeque<>();
    /** The authenticated connection, or null; guarded by this. */
    private Channel channel;
    private boolean connecting;
    /** Called when an authenticated connection closes while watching; guarded by this. */
    private Runnable onDriverGone;

    /**
     * @param host the driver's host
     * @param port its endpoint's port
     * @param secret the application's secret (the ApplicationMaster's role secret is derived from it)
     * @param options whether to encrypt (as the driver does)
     * @param kryo message serializers
     */
    public ExecutorExitReporter(String host, int port, byte[] secret, ChannelOptions options, KryoPool kryo) {
        this.host = host;
        this.port = port;
        this.secret = ApplicationSecrets.forRole(secret, PeerRole.APPLICATION_MASTER);
        this.options = options;
        this.kryo = kryo;
    }

    /**
     * Sends a report, connecting first if needed. Any thread.
     *
     * @param executorId the executor
     * @param reason why its container ended
     * @param causedByTasks whether the loss counts against its running tasks
     */
    public synchronized void report(String executorId, String reason, boolean causedByTasks) {
        ExecutorExited message = new ExecutorExited(executorId, reason, causedByTasks);
        if (channel != null && channel.isActive()) {
            channel.writeAndFlush(message);
            return;
        }
        waiting.add(message);
        if (!connecting) {
            connecting = true;
            connect();
        }
    }

    /**
     * Connects now (if not connected) and calls {@code onGone} once when that connection closes; call again to
     * watch the next connection. A connection that cannot be made or authenticated counts as closed. Any thread;
     * {@code onGone} runs on the reporter's event loop and must only hand off (enqueue an event).
     *
     * @param onGone what to do when the driver's connection closes
     */
    public synchronized void watchDriver(Runnable onGone) {
        onDriverGone = onGone;
        if (channel != null && channel.isActive()) {
            return;
        }
        if (!connecting) {
            connecting = true;
            connect();
        }
    }

    /** Calls the watcher once, if any; the caller holds this. */
    private void driverGone() {
        Runnable gone = onDriverGone;
        onDriverGone = null;
        if (gone != null) {
            gone.run();
        }
    }

    private void connect() {
        new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                .handler(Channels.client(secret, PeerRole.APPLICATION_MASTER, options, ctx -> {
                    Channels.authenticated(ctx.pipeline(), kryo, new ChannelInboundHandlerAdapter());
                    connected(ctx.channel());
                })).connect(host, port).addListener((io.netty.channel.ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        failed(f.cause());
                    } else {
                        Channel opened = f.channel();
                        opened.closeFuture().addListener(closed -> closed(opened));
                        // A driver that accepted the connection but never answers (one that stopped while
                        // accepting it) must not leave the watch waiting: give up after the driver's own
                        // authentication timeout, which counts as the driver gone.
                        opened.eventLoop().schedule(() -> closeIfUnauthenticated(opened),
                                options.authTimeoutMillis(), TimeUnit.MILLISECONDS);
                    }
                });
    }

    private synchronized void closeIfUnauthenticated(Channel opened) {
        if (channel != opened && opened.isOpen()) {
            LOG.warn("Closing the connection to the driver at {}:{}: no authentication within {} ms", host, port,
                    options.authTimeoutMillis());
            opened.close();
        }
    }

    private synchronized void connected(Channel authenticated) {
        channel = authenticated;
        connecting = false;
        while (!waiting.isEmpty()) {
            channel.write(waiting.poll());
        }
        channel.flush();
    }

    /** The connection closed: before authenticating (the reports are dropped), or later (the next reconnects). */
    private synchronized void closed(Channel closed) {
        if (channel == closed) {
            channel = null;
            driverGone();
        } else if (connecting) {
            failed(new java.io.IOException("the connection closed before authenticating"));
        }
    }

    private synchronized void failed(Throwable cause) {
        if (!waiting.isEmpty()) {
            LOG.warn("Could not tell the driver at {}:{} why {} executor(s) ended: {}", host, port, waiting.size(),
                    cause.toString());
        }
        waiting.clear();
        connecting = false;
        driverGone();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (channel != null) {
                channel.close();
            }
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
