package io.weft.driver.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.weft.conf.NetworkConfigKeys;
import io.weft.conf.WeftConf;
import io.weft.driver.Poll;
import io.weft.planner.StageBinary;
import io.weft.planner.TaskDescription;
import io.weft.planner.TaskOutcome;
import io.weft.runtime.channel.ApplicationSecrets;
import io.weft.runtime.channel.ChannelOptions;
import io.weft.runtime.channel.Channels;
import io.weft.runtime.channel.Messages.ExecutorExited;
import io.weft.runtime.channel.Messages.Heartbeat;
import io.weft.runtime.channel.Messages.LaunchTask;
import io.weft.runtime.channel.Messages.Message;
import io.weft.runtime.channel.Messages.RegisterExecutor;
import io.weft.runtime.channel.Messages.Registered;
import io.weft.runtime.channel.Messages.StatusUpdate;
import io.weft.runtime.channel.PeerRole;
import io.weft.runtime.serial.KryoPool;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * After authenticating, a peer speaks only for itself. Real socket clients that hold the right secret, then lie:
 * an executor reporting another executor's task, heartbeating under another id, registering twice, or reporting
 * exits is cut off and changes nothing else; the ApplicationMaster's connection may report exits and nothing
 * more; an executor's secret cannot authenticate as the ApplicationMaster. Also: the endpoint listens on this
 * host's address, not every interface.
 */
@Timeout(60)
class DriverEndpointIdentityTest {

    private static final byte[] SECRET = ApplicationSecrets.random();
    private static final KryoPool KRYO = new KryoPool(DriverEndpointIdentityTest.class.getClassLoader());

    private final RecordingEvents events = new RecordingEvents();
    private final EventLoopGroup clients = new MultiThreadIoEventLoopGroup(1, Channels.threads("test-peer"),
            NioIoHandler.newFactory());
    private DriverEndpoint endpoint;
    private int port;

    /** A peer: its connection and what the driver sent it. */
    private record Peer(Channel channel, BlockingQueue<Message> received, CompletableFuture<Void> authenticated) {
        boolean closed() throws InterruptedException {
            return channel.closeFuture().await(10, TimeUnit.SECONDS);
        }

        void send(Message message) {
            channel.writeAndFlush(message).syncUninterruptibly();
        }
    }

    @BeforeEach
    void start() throws Exception {
        endpoint = new DriverEndpoint(events, KRYO, SECRET, ChannelOptions.defaults(),
                new Registered("app", Map.of(), "/shuffle"), 600_000, System::currentTimeMillis, 60_000);
        port = endpoint.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        endpoint.close();
        clients.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private Peer connect(PeerRole role, byte[] secret) throws Exception {
        BlockingQueue<Message> received = new LinkedBlockingQueue<>();
        CompletableFuture<Void> authenticated = new CompletableFuture<>();
        Channel channel = new Bootstrap().group(clients).channel(NioSocketChannel.class)
                .handler(Channels.client(secret, role, ChannelOptions.defaults(), ctx -> {
                    Channels.authenticated(ctx.pipeline(), KRYO, new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext c, Object msg) {
                            received.add((Message) msg);
                        }
                    });
                    authenticated.complete(null);
                })).connect("127.0.0.1", port).sync().channel();
        return new Peer(channel, received, authenticated);
    }

    private Peer executor(String id) throws Exception {
        Peer peer = connect(PeerRole.EXECUTOR, ApplicationSecrets.forRole(SECRET, PeerRole.EXECUTOR));
        peer.authenticated().get(10, TimeUnit.SECONDS);
        peer.send(new RegisterExecutor(id, "host-" + id, 1, 100, null, null));
        assertThat(peer.received().poll(10, TimeUnit.SECONDS)).isInstanceOf(Registered.class);
        return peer;
    }

    private static TaskDescription task(long id) {
        return new TaskDescription(id, 0, 0, (int) id, 0, new StageBinary(1, new byte[] {1}), Map.of(), null,
                List.of());
    }

    private static StatusUpdate killed(long taskId) {
        return new StatusUpdate(taskId, new TaskOutcome.Killed());
    }

    @Test
    void anExecutorReportsItsOwnTaskOnceAndIsCutOffForAnotherExecutorsTask() throws Exception {
        Peer one = executor("1");
        Peer two = executor("2");
        endpoint.launch("1", task(10));
        endpoint.launch("2", task(20));
        assertThat(one.received().poll(10, TimeUnit.SECONDS)).isInstanceOf(LaunchTask.class);
        one.send(killed(10));
        assertThat(Poll.until(() -> events.events.contains("ended 10: Killed[]"), 10_000, 10)).isTrue();

        one.send(killed(20)); // executor 2's task
        assertThat(one.closed()).as("the liar is cut off").isTrue();
        assertThat(events.events).noneMatch(e -> e.startsWith("ended 20"));
        assertThat(Poll.until(() -> events.events.contains("disconnected 1"), 10_000, 10)).isTrue();
        two.send(killed(20));
        assertThat(Poll.until(() -> events.events.contains("ended 20: Killed[]"), 10_000, 10)).isTrue();
        assertThat(two.channel().isActive()).isTrue();
    }

    @Test
    void aSecondReportOfTheSameTaskIsRefused() throws Exception {
        Peer one = executor("1");
        endpoint.launch("1", task(10));
        one.send(killed(10));
        one.send(killed(10));
        assertThat(one.closed()).isTrue();
        assertThat(events.events.stream().filter(e -> e.startsWith("ended 10"))).hasSize(1);
    }

    @Test
    void aHeartbeatUnderAnotherIdCutsTheSenderOff() throws Exception {
        Peer one = executor("1");
        executor("2");
        one.send(new Heartbeat("1", 1, 0, 1, 0, 1));
        assertThat(Poll.until(() -> events.events.contains("heartbeat 1"), 10_000, 10)).isTrue();
        one.send(new Heartbeat("2", 1, 0, 1, 0, 1));
        assertThat(one.closed()).isTrue();
        assertThat(events.events).doesNotContain("heartbeat 2");
    }

    @Test
    void aSecondRegistrationUnderAnotherIdCutsTheSenderOff() throws Exception {
        Peer one = executor("1");
        one.send(new RegisterExecutor("3", "host-3", 1, 100, null, null));
        assertThat(one.closed()).isTrue();
        assertThat(events.events).doesNotContain("added 3");
        assertThat(endpoint.executorIds()).doesNotContain("3");
    }

    @Test
    void anExecutorCannotReportExitsButTheApplicationMasterCan() throws Exception {
        Peer one = executor("1");
        Peer two = executor("2");
        one.send(new ExecutorExited("2", "forged", true));
        assertThat(one.closed()).isTrue();
        assertThat(endpoint.executorIds()).contains("2");
        assertThat(events.lost()).noneMatch(l -> l.contains("forged"));

        Peer am = connect(PeerRole.APPLICATION_MASTER, ApplicationSecrets.forRole(SECRET, PeerRole.APPLICATION_MASTER));
        am.authenticated().get(10, TimeUnit.SECONDS);
        am.send(new ExecutorExited("2", "preempted by YARN", false));
        assertThat(two.closed()).isTrue();
        assertThat(Poll.until(() -> events.lost().contains("lost 2 (does not count): preempted by YARN"), 10_000,
                10)).isTrue();
    }

    @Test
    void theApplicationMastersConnectionMayNotRegisterAnExecutor() throws Exception {
        Peer am = connect(PeerRole.APPLICATION_MASTER, ApplicationSecrets.forRole(SECRET, PeerRole.APPLICATION_MASTER));
        am.authenticated().get(10, TimeUnit.SECONDS);
        am.send(new RegisterExecutor("9", "h", 1, 1, null, null));
        assertThat(am.closed()).isTrue();
        assertThat(events.events).doesNotContain("added 9");
    }

    @Test
    void aSessionClientIsClosedWhenNoSessionServiceRunsAndItsSecretIsNoExecutors() throws Exception {
        byte[] clientSecret = ApplicationSecrets.forRole(SECRET, PeerRole.SESSION_CLIENT);
        Peer client = connect(PeerRole.SESSION_CLIENT, clientSecret);
        client.authenticated().get(10, TimeUnit.SECONDS);
        assertThat(client.closed()).as("no session service: closed once authenticated").isTrue();

        Peer impostor = connect(PeerRole.EXECUTOR, clientSecret);
        assertThat(impostor.closed()).isTrue();
        assertThat(impostor.authenticated()).isNotDone();
        Peer executorAsClient = connect(PeerRole.SESSION_CLIENT, ApplicationSecrets.forRole(SECRET, PeerRole.EXECUTOR));
        assertThat(executorAsClient.closed()).isTrue();
        assertThat(executorAsClient.authenticated()).isNotDone();
        assertThat(endpoint.executorIds()).isEmpty();
    }

    @Test
    void anExecutorsSecretCannotAuthenticateAsTheApplicationMaster() throws Exception {
        Peer impostor = connect(PeerRole.APPLICATION_MASTER, ApplicationSecrets.forRole(SECRET, PeerRole.EXECUTOR));
        assertThat(impostor.closed()).isTrue();
        assertThat(impostor.authenticated()).isNotDone();
    }

    @Test
    void theEndpointListensOnThisHostsAddressNotTheWildcard() throws Exception {
        String host = NetworkConfigKeys.bindAddress(WeftConf.validate(Map.of()), Map.of());
        try (DriverEndpoint other = new DriverEndpoint(events, KRYO, SECRET, ChannelOptions.defaults(),
                new Registered("app", Map.of(), "/shuffle"), 600_000, System::currentTimeMillis, 0)) {
            other.start(host, 0);
            assertThat(other.boundAddress().getAddress().isAnyLocalAddress()).as("bound to %s",
                    other.boundAddress()).isFalse();
            assertThat(other.boundAddress().getAddress()).isEqualTo(java.net.InetAddress.getByName(host));
        }
        assertThat(NetworkConfigKeys.bindAddress(WeftConf.validate(Map.of()), Map.of("NM_HOST", "nm-7.example")))
                .isEqualTo("nm-7.example");
        assertThat(NetworkConfigKeys.bindAddress(WeftConf.validate(Map.of("weft.driver.bindAddress", "10.1.2.3")),
                Map.of("NM_HOST", "nm-7.example"))).isEqualTo("10.1.2.3");
    }
}
