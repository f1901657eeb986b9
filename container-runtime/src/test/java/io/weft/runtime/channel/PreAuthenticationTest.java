package io.weft.runtime.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.runtime.channel.Messages.Heartbeat;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What an unauthenticated peer can make the driver do, with raw sockets against the real server: announce a huge
 * frame (closed as soon as the length arrives), connect and say nothing (closed after the timeout), open many
 * connections (beyond the cap, closed at once), while a real executor still authenticates alongside.
 */
@Timeout(60)
class PreAuthenticationTest {

    private final ChannelFixture fixture = new ChannelFixture();
    private final List<Socket> junk = new ArrayList<>();

    @AfterEach
    void close() throws IOException {
        for (Socket s : junk) {
            s.close();
        }
        fixture.close();
    }

    private Socket connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(20_000);
        junk.add(socket);
        return socket;
    }

    /** Reads until the server closes the connection; fails the test (by timeout) if it never does. */
    private static int bytesUntilClosed(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        int total = 0;
        byte[] buffer = new byte[1024];
        int n;
        try {
            while ((n = in.read(buffer)) >= 0) {
                total += n;
            }
        } catch (java.net.SocketException reset) {
            // closed by the server
        }
        return total;
    }

    private void assertAnExecutorStillAuthenticates(int port) throws Exception {
        ChannelFixture.Client executor = fixture.executor(port, ChannelOptions.defaults());
        assertThat(executor.awaitAuthenticated()).isTrue();
        Heartbeat heartbeat = new Heartbeat("1", 1, 0, 1, 0, 1);
        executor.channel.writeAndFlush(heartbeat).sync();
        assertThat(fixture.serverReceived.poll(10, TimeUnit.SECONDS)).isEqualTo(heartbeat);
    }

    @Test
    void aHugeLengthPrefixBeforeAuthenticationClosesTheConnectionAtOnce() throws Exception {
        int port = fixture.startServer(ChannelOptions.defaults());
        Socket attacker = connect(port);
        try (LogCapture log = new LogCapture(FrameDecoder.class)) {
            DataOutputStream out = new DataOutputStream(attacker.getOutputStream());
            out.writeInt(Integer.MAX_VALUE); // 2 GB announced; nothing follows
            out.flush();
            assertThat(bytesUntilClosed(attacker)).as("only the greeting").isEqualTo(Handshake.GREETING + 4);
            assertThat(log.lines()).anyMatch(l -> l.contains("a frame of 2147483647 bytes announced, over the limit"
                    + " of " + Channels.HANDSHAKE_FRAME + " bytes before authentication"));
        }
        assertAnExecutorStillAuthenticates(port);
    }

    @Test
    void aFrameLargerThanTheHandshakeButSmallIsRefusedToo() throws Exception {
        int port = fixture.startServer(ChannelOptions.defaults());
        Socket attacker = connect(port);
        DataOutputStream out = new DataOutputStream(attacker.getOutputStream());
        out.writeInt(Channels.HANDSHAKE_FRAME + 1);
        out.write(new byte[Channels.HANDSHAKE_FRAME + 1]);
        out.flush();
        assertThat(bytesUntilClosed(attacker)).isEqualTo(Handshake.GREETING + 4);
        assertAnExecutorStillAuthenticates(port);
    }

    @Test
    void aConnectionThatSaysNothingIsClosedAfterTheTimeout() throws Exception {
        int port = fixture.startServer(new ChannelOptions(true, 300, 64));
        Socket silent = connect(port);
        try (LogCapture log = new LogCapture(Handshake.class)) {
            assertThat(bytesUntilClosed(silent)).isEqualTo(Handshake.GREETING + 4);
            assertThat(log.lines()).anyMatch(l -> l.contains("no authentication within 300 ms"
                    + " (weft.network.auth.timeout)"));
        }
    }

    @Test
    void beyondTheCapNewConnectionsAreClosedAtOnceAndSlotsFreeAsOthersGo() throws Exception {
        int port = fixture.startServer(new ChannelOptions(true, 60_000, 4));
        List<Socket> idle = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Socket s = connect(port);
            s.getInputStream().readNBytes(Handshake.GREETING + 4); // each was greeted: it counts as pending
            idle.add(s);
        }
        Socket fifth = connect(port);
        assertThat(bytesUntilClosed(fifth)).as("closed without a greeting").isZero();
        ChannelFixture.Client refused = fixture.executor(port, ChannelOptions.defaults());
        assertThat(refused.awaitClosed()).as("a real executor is refused too while the cap is reached").isTrue();

        idle.get(0).close(); // one pending connection goes: its slot frees
        assertThat(ChannelFixture.until(() -> {
            try {
                ChannelFixture.Client executor = fixture.executor(port, ChannelOptions.defaults());
                return executor.awaitAuthenticated();
            } catch (Exception e) {
                return false;
            }
        })).isTrue();
    }

    @Test
    void anExecutorRegistersWhileJunkConnectionsBelowTheCapExist() throws Exception {
        int port = fixture.startServer(new ChannelOptions(true, 60_000, 8));
        for (int i = 0; i < 5; i++) {
            connect(port); // idle, never authenticating
        }
        Socket garbage = connect(port);
        garbage.getOutputStream().write(new byte[] {0, 0, 0, 66, 'E', 1}); // a truncated reply
        assertAnExecutorStillAuthenticates(port);
        assertThat(fixture.serverAuthenticated).hasSize(1);
    }
}
