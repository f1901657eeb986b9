package io.weft.driver.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.weft.api.WeftException;
import io.weft.conf.WeftConf;
import io.weft.driver.DriverContext;
import io.weft.driver.Poll;
import io.weft.driver.endpoint.DriverEndpoint;
import io.weft.driver.endpoint.RecordingEvents;
import io.weft.planner.ClusterEvents;
import io.weft.runtime.channel.ApplicationSecrets;
import io.weft.runtime.channel.ChannelOptions;
import io.weft.runtime.channel.Channels;
import io.weft.runtime.channel.Messages.RegisterExecutor;
import io.weft.runtime.channel.PeerRole;
import io.weft.runtime.serial.KryoPool;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How many executors a session waits for ({@code weft.scheduler.minRegisteredExecutorsRatio}), with a backend
 * whose "executors" are in-process clients that authenticate and register over real sockets: the session starts
 * once the share has registered, later executors still join the scheduler, and too few by the timeout fail it
 * with the count.
 */
@Timeout(60)
class RegistrationQuorumTest {

    private static final KryoPool KRYO = new KryoPool(RegistrationQuorumTest.class.getClassLoader());

    private final EventLoopGroup clients = Channels.eventLoops(1, "test-executor");
    private final RecordingEvents events = new RecordingEvents();
    private TestingBackend backend;

    @AfterEach
    void stop() {
        if (backend != null) {
            backend.close();
        }
        clients.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void theRatioRoundsUpAsSparkCountsIt() {
        assertThat(RemoteExecutorsBackend.requiredRegistrations(2, 0.8)).isEqualTo(2);
        assertThat(RemoteExecutorsBackend.requiredRegistrations(5, 0.8)).isEqualTo(4);
        assertThat(RemoteExecutorsBackend.requiredRegistrations(10, 0.8)).isEqualTo(8);
        assertThat(RemoteExecutorsBackend.requiredRegistrations(2, 0.5)).isEqualTo(1);
        assertThat(RemoteExecutorsBackend.requiredRegistrations(3, 0.5)).isEqualTo(2);
        assertThat(RemoteExecutorsBackend.requiredRegistrations(2, 1.0)).isEqualTo(2);
        assertThat(RemoteExecutorsBackend.requiredRegistrations(2, 0.0)).isZero();
        assertThat(RemoteExecutorsBackend.requiredRegistrations(0, 0.8)).isZero();
    }

    @Test
    void theSessionStartsOnceTheShareHasRegisteredAndLaterExecutorsStillJoin() throws Exception {
        backend = new TestingBackend(2, 1);
        backend.start(events, context("0.5", "30s"));

        assertThat(backend.executorIds()).containsExactly("1");
        assertThat(backend.startedWith).containsExactly(1);

        backend.register("2");
        assertThat(Poll.until(() -> events.events.contains("added 2"), 10_000, 10)).isTrue();
        assertThat(backend.executorIds()).containsExactlyInAnyOrder("1", "2");
        assertThat(backend.registrationTimes()).containsOnlyKeys("1", "2");
    }

    @Test
    void byDefaultTwoExecutorsAreBothAwaited() {
        backend = new TestingBackend(2, 1);
        assertThatThrownBy(() -> backend.start(events, context(null, "500ms")))
                .isInstanceOf(WeftException.class)
                .hasMessageContaining("testing: 1 of 2 executors registered; timed out after 500 ms");
        assertThat(backend.startedWith).isEmpty();
    }

    @Test
    void tooFewByTheTimeoutFailTheSessionNamingHowManyWereNeeded() {
        backend = new TestingBackend(5, 3);
        assertThatThrownBy(() -> backend.start(events, context("0.8", "500ms")))
                .isInstanceOf(WeftException.class)
                .hasMessageContaining("testing: 3 of 5 executors registered (4 needed to start,"
                        + " weft.scheduler.minRegisteredExecutorsRatio); timed out after 500 ms");
    }

    @Test
    void fourOfFiveAreEnoughByDefault() throws Exception {
        backend = new TestingBackend(5, 4);
        backend.start(events, context(null, "30s"));
        assertThat(backend.startedWith).containsExactly(4);
    }

    private static DriverContext context(String ratio, String timeout) {
        Map<String, String> settings = new java.util.HashMap<>(Map.of("weft.executor.registrationTimeout", timeout));
        if (ratio != null) {
            settings.put("weft.scheduler.minRegisteredExecutorsRatio", ratio);
        }
        return new DriverContext("app", WeftConf.validate(settings), new Configuration(false), new Path("/shuffle"),
                KRYO);
    }

    /** Asks for {@code expected} executors and registers {@code present} of them at once; more on request. */
    private final class TestingBackend extends RemoteExecutorsBackend {
        private final int expected;
        private final int present;
        private final List<Integer> startedWith = new CopyOnWriteArrayList<>();
        private final List<Channel> channels = new CopyOnWriteArrayList<>();
        private byte[] executorSecret;
        private int port;

        TestingBackend(int expected, int present) {
            this.expected = expected;
            this.present = present;
        }

        @Override
        protected byte[] applicationSecret(DriverContext context) {
            byte[] secret = ApplicationSecrets.random();
            executorSecret = ApplicationSecrets.forRole(secret, PeerRole.EXECUTOR);
            return secret;
        }

        @Override
        protected String bindAddress(WeftConf conf) {
            return "127.0.0.1";
        }

        @Override
        protected void startExecutors(ClusterEvents scheduler, DriverContext context, byte[] secret,
                DriverEndpoint endpoint, int port) throws Exception {
            this.port = port;
            for (int i = 1; i <= present; i++) {
                register(String.valueOf(i));
            }
        }

        void register(String id) throws InterruptedException {
            channels.add(new Bootstrap().group(clients).channel(NioSocketChannel.class)
                    .handler(Channels.client(executorSecret, PeerRole.EXECUTOR, ChannelOptions.defaults(), ctx -> {
                        Channels.authenticated(ctx.pipeline(), KRYO, new ChannelInboundHandlerAdapter());
                        ctx.channel().writeAndFlush(new RegisterExecutor(id, "host-" + id, 1, 100, null, null,
                                System.currentTimeMillis()));
                    })).connect("127.0.0.1", port).sync().channel());
        }

        java.util.Set<String> executorIds() {
            return driverEndpoint().orElseThrow().executorIds();
        }

        @Override
        protected int expectedExecutors() {
            return expected;
        }

        @Override
        protected Optional<String> registrationImpossible() {
            return Optional.empty();
        }

        @Override
        protected String description() {
            return "testing";
        }

        @Override
        protected String whereToLook() {
            return "Nowhere.";
        }

        @Override
        protected void started(ClusterEvents scheduler) {
            startedWith.add(executorIds().size());
        }

        @Override
        public int defaultParallelism() {
            return expected;
        }

        @Override
        public void close() {
            closeEndpoint();
            channels.forEach(Channel::close);
        }
    }
}
