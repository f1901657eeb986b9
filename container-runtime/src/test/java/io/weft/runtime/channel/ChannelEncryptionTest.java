package io.weft.runtime.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.planner.TaskMetrics;
import io.weft.planner.TaskOutcome;
import io.weft.runtime.channel.Messages.Heartbeat;
import io.weft.runtime.channel.Messages.Message;
import io.weft.runtime.channel.Messages.Registered;
import io.weft.runtime.channel.Messages.StatusUpdate;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The channel's encryption over real sockets, with a recording and tampering TCP proxy between the ends (the
 * network attacker): what crosses the wire is not the messages' bytes, an altered or replayed frame closes that
 * connection and no other, both ends without encryption still talk, and ends that disagree refuse each other
 * with an error that names the setting.
 */
@Timeout(60)
class ChannelEncryptionTest {

    private static final String MARKER = "MARKER-task-result-7f3a9c";
    private static final ChannelOptions ON = ChannelOptions.defaults();
    private static final ChannelOptions OFF = ChannelOptions.defaults().withEncryption(false);

    private final ChannelFixture fixture = new ChannelFixture();
    private TcpProxy proxy;

    @AfterEach
    void close() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        fixture.close();
    }

    private static StatusUpdate resultWithMarker(long taskId) {
        return new StatusUpdate(taskId, new TaskOutcome.Success(MARKER.getBytes(StandardCharsets.UTF_8), null,
                Map.of(), TaskMetrics.EMPTY));
    }

    private static boolean contains(byte[] haystack, String needle) {
        return new String(haystack, StandardCharsets.ISO_8859_1).contains(needle);
    }

    /** Sends a result carrying the marker one way and settings carrying it the other; returns the wire. */
    private byte[] exchangeThroughProxy(ChannelOptions options) throws Exception {
        proxy = new TcpProxy(fixture.startServer(options));
        ChannelFixture.Client client = fixture.executor(proxy.port(), options);
        assertThat(client.awaitAuthenticated()).isTrue();
        client.channel.writeAndFlush(resultWithMarker(7)).sync();
        Message received = fixture.serverReceived.poll(10, TimeUnit.SECONDS);
        assertThat(received).isInstanceOf(StatusUpdate.class);
        TaskOutcome.Success success = (TaskOutcome.Success) ((StatusUpdate) received).outcome();
        assertThat(new String(success.result(), StandardCharsets.UTF_8)).isEqualTo(MARKER);
        fixture.serverAuthenticated.poll(10, TimeUnit.SECONDS)
                .writeAndFlush(new Registered("app", Map.of("weft.marker", MARKER), "/shuffle")).sync();
        assertThat(client.received.poll(10, TimeUnit.SECONDS)).isEqualTo(
                new Registered("app", Map.of("weft.marker", MARKER), "/shuffle"));
        return proxy.wire();
    }

    @Test
    void withEncryptionTheMessagesBytesNeverCrossTheWire() throws Exception {
        byte[] wire = exchangeThroughProxy(ON);
        assertThat(contains(wire, MARKER)).as("the marker must not be visible on the wire").isFalse();
        assertThat(contains(wire, "weft.marker")).isFalse();
    }

    @Test
    void aResultOfManyRecordsArrivesIntact() throws Exception {
        int port = fixture.startServer(ON);
        ChannelFixture.Client client = fixture.executor(port, ON);
        assertThat(client.awaitAuthenticated()).isTrue();
        byte[] large = new byte[3 * FrameCipher.RECORD * 7 + 5]; // 21 records and a bit
        new java.util.Random(7).nextBytes(large);
        client.channel.writeAndFlush(new StatusUpdate(3, new TaskOutcome.Success(large, null, null,
                TaskMetrics.EMPTY))).sync();
        StatusUpdate received = (StatusUpdate) fixture.serverReceived.poll(10, TimeUnit.SECONDS);
        assertThat(((TaskOutcome.Success) received.outcome()).result()).isEqualTo(large);
        assertThat(FrameCipher.sealedLength(0)).isEqualTo(FrameCipher.TAG_BYTES);
        assertThat(FrameCipher.sealedLength(FrameCipher.RECORD)).isEqualTo(FrameCipher.RECORD + FrameCipher.TAG_BYTES);
        assertThat(FrameCipher.sealedLength(FrameCipher.RECORD + 1)).isEqualTo(FrameCipher.RECORD + 1
                + 2L * FrameCipher.TAG_BYTES);
    }

    @Test
    void withoutEncryptionOnBothEndsTheChannelStillWorksAndThePlaintextIsVisible() throws Exception {
        byte[] wire = exchangeThroughProxy(OFF);
        assertThat(contains(wire, MARKER)).as("the capture sees plaintext, so the test above is meaningful").isTrue();
    }

    @Test
    void aFlippedBitClosesThatConnectionAndNoOther() throws Exception {
        proxy = new TcpProxy(fixture.startServer(ON));
        ChannelFixture.Client bystander = fixture.executor(proxy.port(), ON);
        ChannelFixture.Client victim = fixture.executor(proxy.port(), ON);
        assertThat(bystander.awaitAuthenticated()).isTrue();
        assertThat(victim.awaitAuthenticated()).isTrue();
        try (LogCapture log = new LogCapture(FrameCipher.class)) {
            proxy.tamperNext(TcpProxy.Tamper.FLIP_LAST_BIT);
            victim.channel.writeAndFlush(resultWithMarker(1)).sync();
            assertThat(victim.awaitClosed()).as("the altered frame closes its connection").isTrue();
            assertThat(log.lines()).anyMatch(l -> l.contains("record 0 failed decryption"));
        }
        assertThat(fixture.serverReceived).as("nothing of the altered frame was delivered").isEmpty();
        bystander.channel.writeAndFlush(resultWithMarker(2)).sync();
        assertThat(markerTask(fixture.serverReceived.poll(10, TimeUnit.SECONDS))).isEqualTo(2);
        assertThat(bystander.channel.isActive()).isTrue();
    }

    @Test
    void aReplayedFrameClosesTheConnectionAfterTheOriginalIsDelivered() throws Exception {
        proxy = new TcpProxy(fixture.startServer(ON));
        ChannelFixture.Client client = fixture.executor(proxy.port(), ON);
        assertThat(client.awaitAuthenticated()).isTrue();
        proxy.tamperNext(TcpProxy.Tamper.SEND_TWICE);
        Heartbeat heartbeat = new Heartbeat("1", 1, 0, 2, 3, 4);
        client.channel.writeAndFlush(heartbeat).sync();
        assertThat(fixture.serverReceived.poll(10, TimeUnit.SECONDS)).isEqualTo(heartbeat);
        assertThat(client.awaitClosed()).as("the copy fails its counter's check").isTrue();
        assertThat(fixture.serverReceived).isEmpty();
    }

    @Test
    void endsThatDisagreeRefuseEachOtherNamingTheSetting() throws Exception {
        int port = fixture.startServer(ON);
        try (LogCapture log = new LogCapture(Handshake.class)) {
            ChannelFixture.Client plain = fixture.executor(port, OFF);
            assertThat(plain.awaitClosed()).isTrue();
            assertThat(plain.authenticated).isNotDone();
            assertThat(ChannelFixture.until(() -> log.lines().stream()
                    .filter(l -> l.startsWith("ERROR") && l.contains("weft.network.crypto.enabled")).count() >= 2))
                    .as("both ends log the mismatch: %s", log.lines()).isTrue();
            assertThat(log.lines()).anyMatch(l -> l.contains("the driver has weft.network.crypto.enabled=true"
                    + " but this process has false"));
        }
        assertThat(fixture.serverReceived).isEmpty();
    }

    /** @return the task id of a received result that carries the marker */
    private static long markerTask(Message received) {
        StatusUpdate update = (StatusUpdate) received;
        assertThat(new String(((TaskOutcome.Success) update.outcome()).result(), StandardCharsets.UTF_8))
                .isEqualTo(MARKER);
        return update.taskId();
    }
}
