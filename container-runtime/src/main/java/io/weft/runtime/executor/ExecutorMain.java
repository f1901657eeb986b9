package io.weft.runtime.executor;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.weft.conf.ConfigKeys;
import io.weft.conf.WeftConf;
import io.weft.planner.StageBinary;
import io.weft.planner.TaskDescription;
import io.weft.runtime.channel.ApplicationSecrets;
import io.weft.runtime.channel.ChannelOptions;
import io.weft.runtime.channel.Channels;
import io.weft.runtime.channel.PeerRole;
import io.weft.runtime.channel.Messages.Heartbeat;
import io.weft.runtime.channel.Messages.KillTask;
import io.weft.runtime.channel.Messages.LaunchTask;
import io.weft.runtime.channel.Messages.RegisterExecutor;
import io.weft.runtime.channel.Messages.Registered;
import io.weft.runtime.channel.Messages.Shutdown;
import io.weft.runtime.channel.Messages.StatusUpdate;
import io.weft.runtime.channel.Messages.Unpersist;
import io.weft.runtime.channel.Messages;
import io.weft.runtime.executor.Executor;
import io.weft.runtime.executor.ExecutorEnvironments;
import io.weft.runtime.serial.KryoPool;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An executor process: connects to the driver, authenticates with the application's secret, registers, then
 * runs the tasks it is sent until the driver says stop or the connection closes. The same main runs executor
 * JVMs of {@code local-cluster} and, later, YARN containers.
 *
 * <pre>ExecutorMain &lt;driver-host&gt; &lt;driver-port&gt; &lt;executor-id&gt; &lt;cores&gt; &lt;secret-file | --secret-from-credentials&gt;</pre>
 *
 * Whether the channel is encrypted comes from the system property {@code weft.network.crypto.enabled} (default
 * {@code true}), which the launcher sets to the driver's value ({@link ChannelOptions#forClient()}).
 *
 * <p>Exit codes: 0 stopped by the driver or connection closed, 2 bad arguments, 3 cannot connect, 4 authentication
 * or registration failed.
 */
public final class ExecutorMain {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorMain.class);

    private final String executorId;
    private final int cores;
    /** The heap its task and storage memory are shares of: the JVM's, unless it shares the JVM. */
    private final long heapBytes;
    private final KryoPool kryo;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(
            Channels.threads("weft-heartbeat"));
    /** Stage binaries by id, in arrival order; touched only on the channel's event loop. */
    private final Map<Long, byte[]> binaries = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
            return size() > Messages.BINARY_CACHE;
        }
    };
    private volatile Executor executor;
    private volatile boolean registered;
    /** Set on the channel's event loop when the driver says {@link Shutdown}. */
    private volatile boolean toldToStop;
    private final AtomicInteger tokenUpdates = new AtomicInteger();

    private ExecutorMain(String executorId, int cores, long heapBytes) {
        this.executorId = executorId;
        this.cores = cores;
        this.heapBytes = heapBytes;
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        // Jars added at run time (WeftSession.addJar) join this loader before a task that needs them is read.
        this.kryo = new KryoPool(new io.weft.runtime.files.ShippedClassLoader(
                loader != null ? loader : ExecutorMain.class.getClassLoader()));
    }

    /**
     * @param args driver host, driver port, executor id, cores, secret file
     * @throws Exception on unexpected failure
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: ExecutorMain <driver-host> <driver-port> <executor-id> <cores> <secret-file>");
            System.exit(2);
        }
        boolean fromCredentials = args[4].equals(SECRET_FROM_CREDENTIALS);
        byte[] secret = fromCredentials ? secretFromCredentials() : Files.readAllBytes(Path.of(args[4]));
        if (fromCredentials) {
            loginBesideTheConnection(args[2]);
        }
        int code = new ExecutorMain(args[2], Integer.parseInt(args[3]), Runtime.getRuntime().maxMemory())
                .run(args[0], Integer.parseInt(args[1]), secret);
        System.exit(code);
    }

    /**
     * {@link #startInThisJvm}'s code for an executor that registered and then lost its connection without being
     * told to stop (the driver declared it lost, say after a missed heartbeat): whoever started it may start another.
     */
    public static final int CONNECTION_LOST = 5;

    /**
     * Runs an executor inside this JVM instead of a process of its own: the ApplicationMaster's executor
     * ({@code weft.yarn.executorInAm}). It connects, authenticates and registers like an executor process, runs
     * its tasks on {@code cores} threads of this JVM, and stops when the driver tells it to or the connection
     * closes; it never exits the JVM. Classes come from the calling thread's context class loader. Any thread;
     * returns at once.
     *
     * @param host the driver's host
     * @param port the driver's port
     * @param executorId the executor's id, unique in the application
     * @param cores its task threads
     * @param heapBytes the part of this JVM's heap that is the executor's: its task and storage memory are shares
     *     of it ({@code weft.memory.fraction}, {@code weft.storage.fraction})
     * @param secret the executor role's secret ({@link io.weft.runtime.channel.ApplicationSecrets#forRole}), as
     *     an executor process reads it
     * @return completes, on the executor's own daemon thread, with the code {@link #main} would exit with (0
     *     stopped by the driver, 3 could not connect, 4 not registered), or {@link #CONNECTION_LOST}
     */
    public static java.util.concurrent.CompletableFuture<Integer> startInThisJvm(String host, int port,
            String executorId, int cores, long heapBytes, byte[] secret) {
        ExecutorMain executor = new ExecutorMain(executorId, cores, heapBytes);
        java.util.concurrent.CompletableFuture<Integer> ended = new java.util.concurrent.CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                int code = executor.run(host, port, secret);
                ended.complete(code == 0 && !executor.toldToStop ? CONNECTION_LOST : code);
            } catch (InterruptedException e) {
                ended.complete(0);
            } catch (RuntimeException | Error e) {
                LOG.error("Executor {} in this JVM failed", executorId, e);
                ended.completeExceptionally(e);
            }
        }, "weft-executor-" + executorId);
        thread.setDaemon(true);
        thread.start();
        return ended;
    }

    /** Argument meaning: read the secret from this process's Hadoop credentials (a YARN container's tokens). */
    public static final String SECRET_FROM_CREDENTIALS = "--secret-from-credentials";


    private static byte[] secretFromCredentials() throws java.io.IOException {
        byte[] secret = ApplicationSecrets.fromContainerTokens(System.getenv()).orElse(null);
        if (secret == null) {
            System.err.println("No application secret in this container's credentials");
            System.exit(4);
        }
        return secret;
    }

    /**
     * Hadoop's login of this container's user, on a thread of its own while the main thread connects to the
     * driver: the file systems the first task opens need it, registration does not. Its failure is only logged
     * here; the first file system call then fails with the cause. The log line names the tokens' kinds and
     * services, never a secret: what an operator needs to see which tokens a container had.
     */
    private static void loginBesideTheConnection(String executorId) {
        Thread login = new Thread(() -> {
            try {
                LOG.info("Executor {} started with tokens {}", executorId,
                        org.apache.hadoop.security.UserGroupInformation.getCurrentUser().getCredentials()
                                .getAllTokens().stream().map(t -> t.getKind() + " for " + t.getService()).toList());
            } catch (java.io.IOException | RuntimeException e) {
                LOG.warn("Executor {} could not log in with its container's credentials: {}", executorId,
                        e.toString());
            }
        }, "weft-login");
        login.setDaemon(true);
        login.start();
    }

    private int run(String host, int port, byte[] secret) throws InterruptedException {
        EventLoopGroup group = Channels.eventLoops(1, "weft-rpc-client");
        try {
            Channel channel;
            try {
                channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                        .handler(Channels.client(secret, PeerRole.EXECUTOR, ChannelOptions.forClient(), ctx -> {
                            Channels.authenticated(ctx.pipeline(), kryo, new DriverHandler());
                            String container = System.getenv("CONTAINER_ID");
                            ctx.channel().writeAndFlush(new RegisterExecutor(executorId, hostName(), cores,
                                    ProcessHandle.current().pid(), container, containerLogUrl(container),
                                    java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime()));
                        })).connect(host, port).sync().channel();
            } catch (Exception e) {
                LOG.error("Executor {} cannot connect to the driver at {}:{}: {}", executorId, host, port, e.toString());
                return 3;
            }
            channel.closeFuture().addListener(f -> stopped.countDown());
            stopped.await();
            stop();
            return registered ? 0 : 4;
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** The NodeManager's page of this container's logs, from the environment YARN gives every container. */
    private static String containerLogUrl(String container) {
        String host = System.getenv("NM_HOST");
        String port = System.getenv("NM_HTTP_PORT");
        String user = System.getenv("USER");
        if (container == null || host == null || port == null) {
            return null;
        }
        return "http://" + host + ":" + port + "/node/containerlogs/" + container + "/" + (user == null ? "" : user);
    }

    /**
     * The host this executor reports to the scheduler. In a YARN container, the NodeManager's host as YARN names
     * it ({@code NM_HOST}), so that hosts the scheduler excludes or prefers are the names YARN and HDFS use,
     * whatever this machine calls itself; elsewhere, the local host name.
     */
    private static String hostName() {
        String nodeManagerHost = System.getenv("NM_HOST");
        if (nodeManagerHost != null && !nodeManagerHost.isBlank()) {
            return nodeManagerHost;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }

    /** This JVM's health for the driver: heap, time in garbage collection, threads. */
    private Heartbeat heartbeat() {
        Runtime runtime = Runtime.getRuntime();
        return new Heartbeat(executorId, runtime.totalMemory() - runtime.freeMemory(), executor.activeTasks(),
                runtime.maxMemory(), io.weft.runtime.executor.JvmGc.millis(), java.lang.management.ManagementFactory
                        .getThreadMXBean()
                        .getThreadCount());
    }

    private void stop() {
        heartbeats.shutdownNow();
        Executor running = executor;
        if (running != null) {
            running.close();
        }
        LOG.info("Executor {} stopped", executorId);
    }

    /**
     * Adds the driver's fresh delegation tokens to this process's credentials, replacing the ones for the same
     * services: connections opened from now on authenticate with them. Runs on the channel's event loop; a failure is
     * logged (the old tokens stay until they expire).
     */
    private void addTokens(byte[] bytes) {
        try {
            org.apache.hadoop.security.Credentials credentials = new org.apache.hadoop.security.Credentials();
            credentials.readTokenStorageStream(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes)));
            org.apache.hadoop.security.UserGroupInformation.getCurrentUser().addCredentials(credentials);
            int count = tokenUpdates.incrementAndGet();
            LOG.info("Executor {} received refreshed delegation tokens (update {}): {}", executorId, count,
                    credentials.getAllTokens().stream().map(t -> t.getKind() + " for " + t.getService()).toList());
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn("Executor {} could not add the driver's refreshed delegation tokens: {}", executorId,
                    e.toString());
        }
    }

    /** Messages from the driver. Runs on the channel's event loop. */
    private final class DriverHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Registered r) {
                WeftConf conf = WeftConf.fromValidated(r.settings());
                Configuration hadoopConf = conf.hadoopConfiguration(new Configuration());
                Channel channel = ctx.channel();
                executor = new Executor(ExecutorEnvironments.create(executorId, hostName(), cores, conf, hadoopConf,
                        new org.apache.hadoop.fs.Path(r.shuffleDir()), kryo, heapBytes), cores,
                        (taskId, outcome) -> channel.writeAndFlush(new StatusUpdate(taskId, outcome)));
                registered = true;
                long interval = conf.get(ConfigKeys.HEARTBEAT_INTERVAL);
                heartbeats.scheduleAtFixedRate(() -> channel.writeAndFlush(heartbeat()), 0, interval,
                        TimeUnit.MILLISECONDS);
                LOG.info("Executor {} registered with application {}", executorId, r.applicationId());
            } else if (msg instanceof LaunchTask launch) {
                executor.launch(withBinary(launch.task()));
            } else if (msg instanceof KillTask kill) {
                executor.kill(kill.taskId());
            } else if (msg instanceof Unpersist unpersist) {
                executor.environment().blockStore().remove(unpersist.nodeId());
            } else if (msg instanceof Messages.UnpersistBroadcast unpersist) {
                executor.environment().broadcasts().remove(unpersist.broadcastId());
            } else if (msg instanceof Messages.DropScope drop) {
                executor.scopes().drop(drop.scopeId());
            } else if (msg instanceof Messages.TokensUpdated update) {
                addTokens(update.credentials());
            } else if (msg instanceof Shutdown) {
                toldToStop = true;
                ctx.close();
            }
        }

        private TaskDescription withBinary(TaskDescription task) {
            StageBinary binary = task.binary();
            if (binary.bytes() != null) {
                binaries.put(binary.id(), binary.bytes());
                return task;
            }
            byte[] cached = binaries.get(binary.id());
            if (cached == null) {
                throw new IllegalStateException("Stage binary " + binary.id() + " was never received");
            }
            return task.withBinary(new StageBinary(binary.id(), cached));
        }
    }
}
