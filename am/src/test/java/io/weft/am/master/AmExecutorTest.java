package io.weft.am.master;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.driver.Poll;
import io.weft.driver.endpoint.DriverEndpoint;
import io.weft.runtime.channel.ApplicationSecrets;
import io.weft.runtime.channel.ChannelOptions;
import io.weft.runtime.channel.Messages.Registered;
import io.weft.runtime.executor.ExecutorMain;
import io.weft.runtime.serial.KryoPool;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ApplicationMaster's own executor against a real driver endpoint on a real socket: it registers with the
 * executor role's secret derived from the application's, stops when the driver says so, and when the driver drops
 * it (missed heartbeats) another takes its place under a new id, a bounded number of times.
 */
@Timeout(60)
class AmExecutorTest {

    private static final KryoPool KRYO = new KryoPool(AmExecutorTest.class.getClassLoader());

    @TempDir
    Path dir;

    /** A driver endpoint that tells executors to heartbeat every {@code heartbeatInterval}. */
    private DriverEndpoint endpoint(RecordingClusterEvents events, byte[] secret, String heartbeatInterval,
            long heartbeatTimeoutMillis) {
        return new DriverEndpoint(events, KRYO, secret, ChannelOptions.defaults(),
                new Registered("app", Map.of("weft.executor.heartbeatInterval", heartbeatInterval,
                        "weft.local.dir", dir.resolve("local").toString()), dir.resolve("shuffle").toUri().toString()),
                heartbeatTimeoutMillis, System::currentTimeMillis, 0);
    }

    @Test
    void registersWithTheExecutorRoleAndEndsWhenTheDriverStopsIt() throws Exception {
        byte[] secret = ApplicationSecrets.random();
        RecordingClusterEvents events = new RecordingClusterEvents();
        DriverEndpoint endpoint = endpoint(events, secret, "1s", 600_000);
        int port = endpoint.start("127.0.0.1", 0);
        CompletableFuture<Integer> ended;
        try {
            ended = AmExecutor.start("127.0.0.1", port, 2, 64, secret);
            assertThat(Poll.until(() -> !events.added.isEmpty(), 30_000, 20)).isTrue();
            assertThat(events.added).containsExactly("0/2");
            assertThat(endpoint.executorIds()).containsExactly("0");
        } finally {
            endpoint.close();
        }
        assertThat(ended.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(events.added).hasSize(1);
    }

    @Test
    void aDroppedExecutorIsReplacedUnderANewIdABoundedNumberOfTimes() throws Exception {
        byte[] secret = ApplicationSecrets.random();
        RecordingClusterEvents events = new RecordingClusterEvents();
        // The executor heartbeats once, on registering; the driver drops it half a second later, every time.
        DriverEndpoint endpoint = endpoint(events, secret, "3600s", 500);
        int port = endpoint.start("127.0.0.1", 0);
        try {
            CompletableFuture<Integer> ended = AmExecutor.start("127.0.0.1", port, 1, 64, secret);
            assertThat(ended.get(45, TimeUnit.SECONDS)).isEqualTo(ExecutorMain.CONNECTION_LOST);
            assertThat(events.added).containsExactly("0/1", "0-1/1", "0-2/1", "0-3/1");
            assertThat(AmExecutor.MAX_RESTARTS).isEqualTo(3);
            assertThat(Poll.until(() -> events.lost.size() == 4, 10_000, 20)).isTrue();
            assertThat(events.lost).containsExactly("0", "0-1", "0-2", "0-3");
        } finally {
            endpoint.close();
        }
    }

    @Test
    void anExecutorThatCannotAuthenticateIsNotRestarted() throws Exception {
        RecordingClusterEvents events = new RecordingClusterEvents();
        DriverEndpoint endpoint = endpoint(events, ApplicationSecrets.random(), "1s", 600_000);
        int port = endpoint.start("127.0.0.1", 0);
        try {
            // Another application's secret: the handshake fails, the executor never registers (code 4).
            CompletableFuture<Integer> ended = AmExecutor.start("127.0.0.1", port, 1, 64,
                    ApplicationSecrets.random());
            assertThat(ended.get(30, TimeUnit.SECONDS)).isEqualTo(4);
            assertThat(events.added).isEmpty();
        } finally {
            endpoint.close();
        }
    }
}
