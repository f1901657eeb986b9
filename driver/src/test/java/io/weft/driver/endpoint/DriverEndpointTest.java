package io.weft.driver.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.weft.driver.Poll;
import io.weft.planner.ClusterEvents;
import io.weft.planner.ExecutorJvmMetrics;
import io.weft.planner.TaskOutcome;
import io.weft.runtime.channel.ApplicationSecrets;
import io.weft.runtime.channel.ChannelOptions;
import io.weft.runtime.channel.Channels;
import io.weft.runtime.channel.PeerRole;
import io.weft.runtime.channel.Messages.Registered;
import io.weft.runtime.channel.Messages.RegisterExecutor;
import io.weft.runtime.serial.KryoPool;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The endpoint's handling of executors that go away, over real sockets, with a recording fake of the scheduler:
 * the exit reason the cluster gives wins over "connection closed", in whichever order the two arrive, and without
 * one the tasks fail after the wait saying YARN gave none. These are the claims of "Why an executor was lost" in
 * docs/reliability.md.
 */
class DriverEndpointTest {

    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes();
    private static final byte[] EXECUTOR_SECRET = ApplicationSecrets.forRole(SECRET, PeerRole.EXECUTOR);
    private static final KryoPool KRYO = new KryoPool(DriverEndpointTest.class.getClassLoader());

    private final RecordingEvents events = new RecordingEvents();
    private final EventLoopGroup clients = new MultiThreadIoEventLoopGroup(1, Channels.threads("test-executor"),
            NioIoHandler.newFactory());
    private DriverEndpoint endpoint;
    private int port;

    private void start(long exitReasonWaitMillis) throws Exception {
        endpoint = new DriverEndpoint(events, KRYO, SECRET, new Registered("app", Map.of(), "/shuffle"), 600_000,
                System::currentTimeMillis, exitReasonWaitMillis);
        port = endpoint.start("127.0.0.1", 0);
    }

    /** An executor that authenticates and registers, then does nothing. */
    private Channel executor(String id) throws Exception {
        Channel channel = new Bootstrap().group(clients).channel(NioSocketChannel.class)
                .handler(Channels.client(EXECUTOR_SECRET, PeerRole.EXECUTOR, ChannelOptions.defaults(), ctx -> {
                    Channels.authenticated(ctx.pipeline(), KRYO, new ChannelInboundHandlerAdapter());
                    ctx.channel().writeAndFlush(new RegisterExecutor(id, "host-" + id, 1, 100, null, null));
                })).connect("127.0.0.1", port).sync().channel();
        assertThat(Poll.until(() -> events.events.contains("added " + id), 10_000, 10)).isTrue();
        return channel;
    }

    @AfterEach
    void stop() {
        if (endpoint != null) {
            endpoint.close();
        }
        clients.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void anExitReasonBeforeTheDisconnectIsWhatTheTasksFailWith() throws Exception {
        start(60_000);
        executor("1");
        endpoint.executorExited("1", "killed for exceeding its physical memory limit", true);
        assertThat(Poll.until(() -> !events.lost().isEmpty(), 10_000, 10)).isTrue();
        assertThat(events.lost()).containsExactly(
                "lost 1 (counts): killed for exceeding its physical memory limit");
    }

    @Test
    void anExitReasonAfterTheDisconnectIsAwaitedAndWins() throws Exception {
        start(60_000);
        executor("1").close().sync();
        assertThat(Poll.until(() -> events.events.contains("disconnected 1"), 10_000, 10)).isTrue();
        assertThat(events.lost()).as("no loss until the reason arrives").isEmpty();
        endpoint.executorExited("1", "preempted", false);
        assertThat(Poll.until(() -> !events.lost().isEmpty(), 10_000, 10)).isTrue();
        assertThat(events.lost()).containsExactly("lost 1 (does not count): preempted");
    }

    @Test
    void withoutAnExitReasonTheTasksFailAfterTheWaitSayingYarnGaveNone() throws Exception {
        start(300);
        executor("1").close().sync();
        assertThat(Poll.until(() -> !events.lost().isEmpty(), 10_000, 10)).isTrue();
        assertThat(events.events).containsSubsequence("disconnected 1", "lost 1 (counts): connection closed, and"
                + " YARN gave no exit status for its container within 300 ms");
        // A reason arriving after the executor was given up on changes nothing.
        endpoint.executorExited("1", "late", false);
        assertThat(events.lost()).hasSize(1);
    }

    @Test
    void whereNothingReportsExitsAClosedConnectionLosesTheExecutorAtOnce() throws Exception {
        start(0);
        executor("1").close().sync();
        assertThat(Poll.until(() -> !events.lost().isEmpty(), 10_000, 10)).isTrue();
        assertThat(events.events).doesNotContain("disconnected 1");
        assertThat(events.lost()).containsExactly("lost 1 (counts): connection closed");
    }

    @Test
    void anExecutorLostWhileOthersStayDoesNotDisturbThem() throws Exception {
        start(0);
        Channel first = executor("1");
        executor("2");
        first.close().sync();
        assertThat(Poll.until(() -> !events.lost().isEmpty(), 10_000, 10)).isTrue();
        assertThat(endpoint.executorIds()).containsExactly("2");
        assertThat(events.lost()).containsExactly("lost 1 (counts): connection closed");
    }

    @Test
    void aSecondRegistrationUnderATakenIdIsRefusedAndTheFirstStays() throws Exception {
        start(0);
        executor("1");
        Channel impostor = new Bootstrap().group(clients).channel(NioSocketChannel.class)
                .handler(Channels.client(EXECUTOR_SECRET, PeerRole.EXECUTOR, ChannelOptions.defaults(), ctx -> {
                    Channels.authenticated(ctx.pipeline(), KRYO, new ChannelInboundHandlerAdapter());
                    ctx.channel().writeAndFlush(new RegisterExecutor("1", "elsewhere", 1, 200, null, null));
                })).connect("127.0.0.1", port).sync().channel();
        assertThat(impostor.closeFuture().await(10, TimeUnit.SECONDS)).as("the duplicate is closed").isTrue();
        assertThat(endpoint.executorIds()).containsExactly("1");
        assertThat(events.lost()).isEmpty();
    }
}
