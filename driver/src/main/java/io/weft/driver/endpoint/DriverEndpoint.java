package io.weft.driver.endpoint;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.weft.planner.ClusterEvents;
import io.weft.planner.StageBinary;
import io.weft.planner.TaskDescription;
import io.weft.planner.TaskOutcome;
import io.weft.runtime.channel.ChannelOptions;
import io.weft.runtime.channel.Channels;
import io.weft.runtime.channel.PeerRole;
import io.weft.runtime.channel.Messages.ExecutorExited;
import io.weft.runtime.channel.Messages.Heartbeat;
import io.weft.runtime.channel.Messages.KillTask;
import io.weft.runtime.channel.Messages.LaunchTask;
import io.weft.runtime.channel.Messages.Message;
import io.weft.runtime.channel.Messages.RegisterExecutor;
import io.weft.runtime.channel.Messages.Registered;
import io.weft.runtime.channel.Messages.Shutdown;
import io.weft.runtime.channel.Messages.StatusUpdate;
import io.weft.runtime.channel.Messages.Unpersist;
import io.weft.runtime.channel.Messages;
import io.weft.runtime.serial.KryoPool;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's end of the executor channel: a Netty server that authenticates executors, registers them with
 * the scheduler, delivers tasks (each stage binary's bytes at most once per executor) and turns status updates,
 * closed connections and missed heartbeats into scheduler events. Netty callbacks only forward to the
 * scheduler, whose methods enqueue events. Thread-safe.
 *
 * <p>Where the cluster says why executors end (YARN: the container's exit status, through
 * {@link #executorExited}), a dropped connection does not fail the executor's tasks at once: the executor gets
 * no new tasks, and its running tasks fail with the cluster's reason when it arrives, or with "connection closed"
 * after the wait. The reason decides whether the loss counts against those tasks (a memory kill does, a
 * preemption does not), and it is what the user reads when the job fails: "killed for exceeding its physical
 * memory limit ... raise weft.executor.memoryOverhead" rather than "connection closed".
 *
 * <p>A connection speaks only for itself. An executor's connection ({@link PeerRole#EXECUTOR}) may register once,
 * under an id no other connection holds, and may then report only on tasks launched on it (each once) and
 * heartbeat under its own id; an exit report from it, a second registration, a status for another executor's task
 * or a heartbeat under another id is logged and closes that connection (its executor is then lost and its tasks
 * run elsewhere), since only a broken or hostile executor sends one. Exit reports are accepted only from the
 * ApplicationMaster's connection ({@link PeerRole#APPLICATION_MASTER}, which proves a secret executors do not
 * hold: they get only their own role's), and that connection may send nothing else. A program attached to a
 * long-running session ({@link PeerRole#SESSION_CLIENT}, its own derived secret) is handed to the session service
 * set with {@link #acceptSessionClients}, or closed when there is none.
 */
public final class DriverEndpoint implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DriverEndpoint.class);

    private final ClusterEvents scheduler;
    private final KryoPool kryo;
    private final byte[] secret;
    private final ChannelOptions options;
    private final Registered registration;
    private final long heartbeatTimeoutMillis;
    private final LongSupplier clock;
    /** Closed by {@link #close()} itself, not left to the event loops' shutdown. */
    private final AcceptedConnections connections = new AcceptedConnections();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private final EventLoopGroup boss = Channels.eventLoops(1, "weft-rpc-boss");
    private final EventLoopGroup workers = Channels.eventLoops(2, "weft-rpc-worker");
    private final ScheduledExecutorService monitor = Executors.newSingleThreadScheduledExecutor(
            Channels.threads("weft-heartbeat-monitor"));
    private final Map<String, ExecutorConnection> executors = new ConcurrentHashMap<>();
    /** The last delegation tokens the driver refreshed, for executors that register later; null before any. */
    private volatile byte[] latestTokens;
    /** Exit reasons that arrived while their executor's connection was still open. */
    private final Map<String, ExecutorExited> earlyExits = new ConcurrentHashMap<>();
    private final long exitReasonWaitMillis;
    private Channel server;
    /** Makes the handler of each session client's connection; null while no session service accepts them. */
    private volatile java.util.function.Supplier<ChannelInboundHandlerAdapter> sessionClients;

    /**
     * @param scheduler receives executor and task events
     * @param kryo message serializers
     * @param secret the application's secret
     * @param registration what every executor is told on registering
     * @param heartbeatTimeoutMillis silence after which an executor is lost
     * @param clock milliseconds, for heartbeat checks
     */
    public DriverEndpoint(ClusterEvents scheduler, KryoPool kryo, byte[] secret, Registered registration,
            long heartbeatTimeoutMillis, LongSupplier clock) {
        this(scheduler, kryo, secret, ChannelOptions.defaults(), registration, heartbeatTimeoutMillis, clock, 0);
    }

    /**
     * @param scheduler receives executor and task events
     * @param kryo message serializers
     * @param secret the application's secret
     * @param registration what every executor is told on registering
     * @param heartbeatTimeoutMillis silence after which an executor is lost
     * @param clock milliseconds, for heartbeat checks
     * @param exitReasonWaitMillis how long a dropped connection waits for {@link #executorExited} before its
     *     tasks fail with "connection closed"; 0 where nothing reports exits (local executor processes)
     */
    public DriverEndpoint(ClusterEvents scheduler, KryoPool kryo, byte[] secret, Registered registration,
            long heartbeatTimeoutMillis, LongSupplier clock, long exitReasonWaitMillis) {
        this(scheduler, kryo, secret, ChannelOptions.defaults(), registration, heartbeatTimeoutMillis, clock,
                exitReasonWaitMillis);
    }

    /**
     * @param scheduler receives executor and task events
     * @param kryo the application's serializers
     * @param secret the application's secret, from which the secrets of executors and of the ApplicationMaster
     *     are derived ({@link io.weft.runtime.channel.ApplicationSecrets#forRole})
     * @param options encryption, authentication timeout and the cap on unauthenticated connections
     * @param registration what every executor is told on registering
     * @param heartbeatTimeoutMillis silence after which an executor is lost
     * @param clock milliseconds, for heartbeat checks
     * @param exitReasonWaitMillis how long a dropped connection waits for {@link #executorExited} before its
     *     tasks fail with "connection closed"; 0 where nothing reports exits (local executor processes)
     */
    public DriverEndpoint(ClusterEvents scheduler, KryoPool kryo, byte[] secret, ChannelOptions options, Registered registration, long heartbeatTimeoutMillis, LongSupplier clock,
            long exitReasonWaitMillis) {
        this.options = options;
        this.exitReasonWaitMillis = exitReasonWaitMillis;
        this.scheduler = scheduler;
        this.kryo = kryo;
        this.secret = secret.clone();
        this.registration = registration;
        this.heartbeatTimeoutMillis = heartbeatTimeoutMillis;
        this.clock = clock;
    }

    /**
     * Binds and starts accepting executors.
     *
     * @param host the address to bind (see {@code NetworkConfigKeys#bindAddress}; not the wildcard unless
     *     configured so)
     * @param port the port, 0 for any
     * @return the bound port
     * @throws InterruptedException if interrupted while binding
     */
    public int start(String host, int port) throws InterruptedException {
        server = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .childHandler(connections.tracking(Channels.server(secret, options, kryo, this::handlerFor)))
                .bind(host, port).sync().channel();
        return monitor(host);
    }

    /**
     * Instead of {@link #start}: accepts on a socket bound earlier, whose backlog may hold executors' connections.
     *
     * @param bound a bound server socket; this endpoint owns it from now on
     * @return its port
     * @throws InterruptedException if interrupted while registering it
     */
    public int adopt(java.nio.channels.ServerSocketChannel bound) throws InterruptedException {
        server = new ServerBootstrap().group(boss, workers).channelFactory(() -> new NioServerSocketChannel(bound))
                .option(io.netty.channel.ChannelOption.AUTO_READ, false) // accept once the acceptor is in place
                .childHandler(connections.tracking(Channels.server(secret, options, kryo, this::handlerFor)))
                .register().sync().channel();
        server.config().setAutoRead(true);
        return monitor(boundAddress().getHostString());
    }

    private int monitor(String host) {
        long period = Math.max(100, heartbeatTimeoutMillis / 4);
        monitor.scheduleAtFixedRate(this::checkHeartbeats, period, period, TimeUnit.MILLISECONDS);
        LOG.info("Driver endpoint listening on {}:{}", host, boundAddress().getPort());
        return boundAddress().getPort();
    }

    private ChannelInboundHandlerAdapter handlerFor(PeerRole role) {
        switch (role) {
            case EXECUTOR:
                return new ExecutorHandler();
            case APPLICATION_MASTER:
                return new ApplicationMasterHandler();
            default:
                java.util.function.Supplier<ChannelInboundHandlerAdapter> clients = sessionClients;
                return clients != null ? clients.get() : new NoSessionHandler();
        }
    }

    /**
     * Hands connections that authenticate as {@link PeerRole#SESSION_CLIENT} to a session service from now on
     * (before this, or after {@code null}, they are closed once authenticated). Any thread.
     *
     * @param handlers makes the handler of one session client's connection; called on that connection's event
     *     loop, once it has authenticated; {@code null} to stop accepting session clients
     */
    public void acceptSessionClients(java.util.function.Supplier<ChannelInboundHandlerAdapter> handlers) {
        sessionClients = handlers;
    }

    /** @return the secret a session client proves (derived from the application's; executors cannot derive it) */
    public byte[] sessionClientSecret() {
        return io.weft.runtime.channel.ApplicationSecrets.forRole(secret, PeerRole.SESSION_CLIENT);
    }

    /** @return whether this endpoint encrypts its connections (clients must do the same) */
    public boolean encrypts() {
        return options.encrypt();
    }

    /** @return the address and port the endpoint listens on (after {@link #start}) */
    public InetSocketAddress boundAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    /** @return each registered executor's process id, as it reported on registering */
    public Map<String, Long> executorPids() {
        Map<String, Long> pids = new java.util.HashMap<>();
        executors.forEach((id, connection) -> pids.put(id, connection.pid));
        return pids;
    }

    /**
     * When each registered executor's JVM started and when it registered, for a start-up timeline. Any thread.
     *
     * @return executor id to {@code [JVM start, registration]} in epoch milliseconds (a JVM start of 0: the
     *     executor did not say)
     */
    public Map<String, long[]> registrationTimes() {
        Map<String, long[]> times = new java.util.HashMap<>();
        executors.forEach((id, connection) -> times.put(id, new long[] {connection.jvmStartMillis,
            connection.registeredMillis}));
        return times;
    }

    /** @return the registered executors' ids */
    public Set<String> executorIds() {
        return Set.copyOf(executors.keySet());
    }

    /**
     * @param executorId an executor
     * @param task the attempt; its binary's bytes are sent only if this executor has not had them
     */
    public void launch(String executorId, TaskDescription task) {
        ExecutorConnection connection = executors.get(executorId);
        if (connection == null) {
            scheduler.taskEnded(task.taskId(), new TaskOutcome.ExecutorLost("executor " + executorId + " is gone"));
            return;
        }
        TaskDescription toSend = task;
        if (!connection.markSent(task.binary().id())) {
            toSend = task.withBinary(new StageBinary(task.binary().id(), null));
        }
        connection.launched.add(task.taskId()); // before sending: its status may come back at once
        connection.channel.writeAndFlush(new LaunchTask(toSend));
    }

    /**
     * @param executorId an executor
     * @param taskId the attempt to interrupt
     */
    public void kill(String executorId, long taskId) {
        send(executorId, new KillTask(taskId));
    }

    /** @param nodeId a node whose cached partitions every executor drops */
    public void unpersist(int nodeId) {
        executors.keySet().forEach(id -> send(id, new Unpersist(nodeId)));
    }

    /** @param broadcastId a broadcast whose value every executor drops */
    public void unpersistBroadcast(long broadcastId) {
        executors.keySet().forEach(id -> send(id,
                new io.weft.runtime.channel.Messages.UnpersistBroadcast(broadcastId)));
    }

    /**
     * Tells every registered executor that a class-loader scope closed. Any thread.
     *
     * @param scopeKey the scope's key
     */
    public void dropScope(String scopeKey) {
        executors.keySet().forEach(id -> send(id, new io.weft.runtime.channel.Messages.DropScope(scopeKey)));
    }

    /**
     * Sends fresh delegation tokens to every registered executor, and to each executor that registers later (right
     * after its registration). Any thread.
     *
     * @param credentials the tokens in Hadoop's token storage format
     */
    public void updateTokens(byte[] credentials) {
        latestTokens = credentials.clone();
        executors.keySet().forEach(id -> send(id,
                new io.weft.runtime.channel.Messages.TokensUpdated(latestTokens)));
    }

    private void send(String executorId, Message message) {
        ExecutorConnection connection = executors.get(executorId);
        if (connection != null) {
            connection.channel.writeAndFlush(message);
        }
    }

    private void checkHeartbeats() {
        long now = clock.getAsLong();
        executors.forEach((id, connection) -> {
            if (!connection.disconnected && now - connection.lastHeartbeat > heartbeatTimeoutMillis) {
                lose(id, connection, "no heartbeat for " + (now - connection.lastHeartbeat) + " ms", true);
                connection.channel.close();
            }
        });
    }

    private void lose(String executorId, ExecutorConnection connection, String reason, boolean causedByTasks) {
        if (executors.remove(executorId, connection)) {
            earlyExits.remove(executorId);
            LOG.warn("Executor {} lost: {}", executorId, reason);
            scheduler.executorLost(executorId, reason, causedByTasks);
        }
    }

    /**
     * The cluster says why an executor's process ended. Fails its running tasks with that reason now if its
     * connection already dropped; otherwise keeps the reason for when it drops (the process is gone, so that is
     * imminent). Reasons for executors not registered here are ignored. Any thread.
     *
     * @param executorId the executor
     * @param reason what ended it, for the tasks' failure messages
     * @param causedByTasks whether the loss counts against the tasks that were running there
     */
    public void executorExited(String executorId, String reason, boolean causedByTasks) {
        ExecutorConnection connection = executors.get(executorId);
        if (connection == null) {
            return;
        }
        if (connection.disconnected) {
            lose(executorId, connection, reason, causedByTasks);
            return;
        }
        earlyExits.put(executorId, new ExecutorExited(executorId, reason, causedByTasks));
        // The connection may have dropped between the check and the put, after disconnected() looked for a
        // reason: look again (whichever of the two removes the reason uses it).
        if (connection.disconnected && earlyExits.remove(executorId) != null) {
            lose(executorId, connection, reason, causedByTasks);
        } else {
            connection.channel.close();
        }
    }

    /** Runs on the connection's event loop when it closes. */
    private void disconnected(String executorId, ExecutorConnection connection) {
        ExecutorExited early = earlyExits.remove(executorId);
        if (early != null) {
            lose(executorId, connection, early.reason(), early.causedByTasks());
        } else if (exitReasonWaitMillis <= 0) {
            lose(executorId, connection, "connection closed", true);
        } else if (executors.get(executorId) == connection) {
            connection.disconnected = true;
            scheduler.executorDisconnected(executorId);
            ExecutorExited raced = earlyExits.remove(executorId); // reported while this was deciding
            if (raced != null) {
                lose(executorId, connection, raced.reason(), raced.causedByTasks());
                return;
            }
            try {
                monitor.schedule(() -> lose(executorId, connection, "connection closed, and YARN gave no exit"
                        + " status for its container within " + exitReasonWaitMillis + " ms", true),
                        exitReasonWaitMillis, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                lose(executorId, connection, "connection closed", true); // the endpoint is closing
            }
        }
    }

    /**
     * Tells every executor to stop, closes the server and every connection (the peers are told before this
     * returns, unless that takes over a second), and stops the event loops. Any thread; a second call does nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        monitor.shutdownNow();
        for (ExecutorConnection connection : executors.values()) {
            connection.channel.writeAndFlush(new Shutdown());
        }
        executors.clear();
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        connections.closeAll(); // after the Shutdown writes above

        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** One authenticated executor connection. Runs on its event loop. */
    private final class ExecutorHandler extends ChannelInboundHandlerAdapter {
        private String executorId;
        private ExecutorConnection connection;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof RegisterExecutor register) {
                if (executorId != null || executors.containsKey(register.executorId())) {
                    refuse(ctx, executorId != null ? "a second registration, as " + register.executorId()
                            : "a duplicate registration of " + register.executorId());
                    return;
                }
                executorId = register.executorId();
                connection = new ExecutorConnection(ctx.channel(), clock.getAsLong());
                connection.pid = register.pid();
                connection.jvmStartMillis = register.jvmStartMillis();
                connection.registeredMillis = System.currentTimeMillis();
                executors.put(executorId, connection);
                ctx.writeAndFlush(registration);
                byte[] tokens = latestTokens;
                if (tokens != null) {
                    ctx.writeAndFlush(new io.weft.runtime.channel.Messages.TokensUpdated(tokens));
                }
                LOG.info("Executor {} registered from {} (pid {}, {} cores)", executorId,
                        ctx.channel().remoteAddress(), register.pid(), register.cores());
                scheduler.executorAdded(executorId, register.host(), register.cores(), register.containerId(),
                        register.logUrl());
            } else if (msg instanceof ExecutorExited) {
                refuse(ctx, "an exit report, which only the ApplicationMaster may send");
            } else if (executorId == null) {
                refuse(ctx, "a " + msg.getClass().getSimpleName() + " before registration");
            } else if (msg instanceof StatusUpdate update) {
                if (!connection.launched.remove(update.taskId())) {
                    refuse(ctx, "a status for task " + update.taskId() + ", which is not running on executor "
                            + executorId);
                    return;
                }
                scheduler.taskEnded(update.taskId(), update.outcome());
            } else if (msg instanceof Heartbeat heartbeat) {
                if (!heartbeat.executorId().equals(executorId)) {
                    refuse(ctx, "a heartbeat for executor " + heartbeat.executorId());
                    return;
                }
                connection.lastHeartbeat = clock.getAsLong();
                scheduler.executorHeartbeat(executorId, new io.weft.planner.ExecutorJvmMetrics(heartbeat.heapUsed(),
                        heartbeat.heapMax(), heartbeat.gcMillis(), heartbeat.threads()));
            } else {
                LOG.warn("Ignoring unexpected {} from executor {}", msg.getClass().getSimpleName(), executorId);
            }
        }

        private void refuse(ChannelHandlerContext ctx, String what) {
            LOG.warn("Closing connection from {} (executor {}): it sent {}", ctx.channel().remoteAddress(),
                    executorId == null ? "not registered" : executorId, what);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (executorId != null) {
                disconnected(executorId, connection);
            }
            ctx.fireChannelInactive();
        }
    }

    /** The ApplicationMaster's connection: exit reports only. Runs on its event loop. */
    private final class ApplicationMasterHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ExecutorExited exited) {
                executorExited(exited.executorId(), exited.reason(), exited.causedByTasks());
            } else {
                LOG.warn("Closing the ApplicationMaster's connection from {}: it sent a {}, but may only report"
                        + " exits", ctx.channel().remoteAddress(), msg.getClass().getSimpleName());
                ctx.close();
            }
        }
    }

    /** A session client's connection while no session service accepts them: closed at once. */
    private static final class NoSessionHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            LOG.warn("Closing connection from {}: it authenticated as a session client, but this application runs"
                    + " no session service (start one with WeftSubmit --start-session)", ctx.channel().remoteAddress());
            ctx.close();
        }
    }
}
