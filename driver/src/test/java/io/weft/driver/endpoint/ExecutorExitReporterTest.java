package io.weft.driver.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.runtime.channel.ApplicationSecrets;
import io.weft.runtime.channel.ChannelOptions;
import io.weft.runtime.channel.Messages.Registered;
import io.weft.runtime.serial.KryoPool;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ApplicationMaster's watch on the driver, over real sockets to a real {@link DriverEndpoint}: silent while the
 * driver runs (and while it reports an exit), told once when the driver's endpoint closes, told when there is no
 * driver to connect to or the driver refuses the connection's secret.
 */
@Timeout(60)
class ExecutorExitReporterTest {

    private static final byte[] SECRET = ApplicationSecrets.random();
    private static final KryoPool KRYO = new KryoPool(ExecutorExitReporterTest.class.getClassLoader());

    private static DriverEndpoint endpoint(RecordingEvents events) {
        return new DriverEndpoint(events, KRYO, SECRET, ChannelOptions.defaults(),
                new Registered("app", Map.of(), "/shuffle"), 600_000, System::currentTimeMillis, 60_000);
    }

    @Test
    void theWatcherHearsOfTheDriverStoppingOnceAndNotBefore() throws Exception {
        RecordingEvents events = new RecordingEvents();
        DriverEndpoint endpoint = endpoint(events);
        int port = endpoint.start("127.0.0.1", 0);
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch gone = new CountDownLatch(1);
        CountDownLatch twice = new CountDownLatch(2);
        boolean closed = false;
        try (ExecutorExitReporter reporter = new ExecutorExitReporter("127.0.0.1", port, SECRET,
                ChannelOptions.defaults(), KRYO)) {
            reporter.watchDriver(() -> {
                calls.incrementAndGet();
                gone.countDown();
                twice.countDown();
            });
            // reports still go over the watched connection, and neither they nor time make the driver "gone"
            reporter.report("7", "preempted", false);
            assertThat(gone.await(1, TimeUnit.SECONDS)).isFalse();

            endpoint.close();
            closed = true;

            assertThat(gone.await(20, TimeUnit.SECONDS)).isTrue();
            // a second call would come from the same event loop right after the first
            assertThat(twice.await(300, TimeUnit.MILLISECONDS)).isFalse();
            assertThat(calls).hasValue(1);
        } finally {
            if (!closed) {
                endpoint.close();
            }
        }
    }

    @Test
    void aDriverThatIsNotThereCountsAsGone() throws Exception {
        int closedPort;
        try (ServerSocket free = new ServerSocket(0)) {
            closedPort = free.getLocalPort();
        }
        CountDownLatch gone = new CountDownLatch(1);
        try (ExecutorExitReporter reporter = new ExecutorExitReporter("127.0.0.1", closedPort, SECRET,
                ChannelOptions.defaults(), KRYO)) {
            reporter.watchDriver(gone::countDown);
            assertThat(gone.await(20, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aConnectionTheDriverRefusesToAuthenticateCountsAsClosed() throws Exception {
        RecordingEvents events = new RecordingEvents();
        DriverEndpoint endpoint = endpoint(events);
        int port = endpoint.start("127.0.0.1", 0);
        CountDownLatch gone = new CountDownLatch(1);
        try (ExecutorExitReporter reporter = new ExecutorExitReporter("127.0.0.1", port,
                ApplicationSecrets.random(), ChannelOptions.defaults(), KRYO)) {
            reporter.watchDriver(gone::countDown);
            assertThat(gone.await(20, TimeUnit.SECONDS)).isTrue();
        } finally {
            endpoint.close();
        }
    }

    @Test
    void aPortThatAcceptsButNeverAuthenticatesCountsAsGoneAfterTheTimeout() throws Exception {
        // A driver that stopped while accepting the connection (or any port that is not a driver's) accepts and then
        // says nothing: the watch must still end, after the authentication timeout, not hang on "connecting".
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            CountDownLatch gone = new CountDownLatch(1);
            try (ExecutorExitReporter reporter = new ExecutorExitReporter("127.0.0.1", silent.getLocalPort(), SECRET,
                    new ChannelOptions(true, 200, 64), KRYO);
                    java.net.Socket accepted = acceptIn(silent)) {
                reporter.watchDriver(gone::countDown);
                assertThat(gone.await(20, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    @Test
    void closingTheEndpointClosesAConnectionStillAuthenticating() throws Exception {
        DriverEndpoint endpoint = endpoint(new RecordingEvents());
        int port = endpoint.start("127.0.0.1", 0);
        try (java.net.Socket raw = new java.net.Socket("127.0.0.1", port)) {
            raw.setSoTimeout(20_000);
            java.io.InputStream in = raw.getInputStream();
            int length = new java.io.DataInputStream(in).readInt(); // the driver's greeting frame
            in.readNBytes(length);
            endpoint.close();
            assertThat(in.read()).as("end of stream once the endpoint closed").isEqualTo(-1);
        } finally {
            endpoint.close();
        }
    }

    /** Accepts one connection on a daemon thread; closing the result closes what was accepted. */
    private static java.net.Socket acceptIn(ServerSocket server) {
        java.util.concurrent.CompletableFuture<java.net.Socket> accepted = new java.util.concurrent.CompletableFuture<>();
        Thread acceptor = new Thread(() -> {
            try {
                accepted.complete(server.accept());
            } catch (java.io.IOException e) {
                accepted.completeExceptionally(e);
            }
        }, "silent-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        return new java.net.Socket() {
            @Override
            public synchronized void close() throws java.io.IOException {
                java.net.Socket s = accepted.getNow(null);
                if (s != null) {
                    s.close();
                }
                super.close();
            }
        };
    }
}
