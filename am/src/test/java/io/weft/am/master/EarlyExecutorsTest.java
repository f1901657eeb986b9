package io.weft.am.master;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.conf.WeftConf;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;
import org.apache.hadoop.yarn.api.records.Container;
import org.junit.jupiter.api.Test;

/**
 * Executors asked for when the ApplicationMaster registers (on the fake YARN of {@link TestingYarn}, with a real
 * socket): they are asked for at once, told the socket's address, and their connections wait in its backlog until
 * a session takes it; a program that creates no session, or a session on another address, gives them back.
 */
class EarlyExecutorsTest {

    private final TestingYarn yarn = new TestingYarn();
    private final WeftConf conf = WeftConf.validate(Map.of("weft.driver.bindAddress", "127.0.0.1"));

    @Test
    void executorsAreAskedForAtOnceAndTheirConnectionsWaitForTheSession() throws Exception {
        ExecutorLauncher launcher = yarn.launcher(2, new LaunchPolicy(10, 0, true, 2, 60_000));
        EarlyExecutors early = EarlyExecutors.start(conf, launcher, 2, Map.of()).orElseThrow();
        yarn.drain(launcher);
        assertThat(yarn.outstanding()).hasSize(2);
        yarn.allocate("node:1");
        yarn.drain(launcher);
        String command = yarn.started.get(0).context().getCommands().get(0);
        int port = Integer.parseInt(command.substring(command.lastIndexOf(':') + 1));
        assertThat(command).isEqualTo("executor 1 for 127.0.0.1:" + port);
        // An executor connects and speaks before anything accepts: the connection waits in the backlog.
        try (Socket executor = new Socket()) {
            executor.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            OutputStream out = executor.getOutputStream();
            out.write(new byte[] {1, 2, 3});
            out.flush();
            try (ServerSocketChannel socket = early.take("127.0.0.1", true).orElseThrow()) {
                assertThat(early.take("127.0.0.1", true)).as("only the first session gets it").isEmpty();
                try (SocketChannel accepted = socket.accept()) {
                    ByteBuffer greeting = ByteBuffer.allocate(3);
                    while (greeting.hasRemaining() && accepted.read(greeting) >= 0) {
                        // the bytes the executor sent while waiting
                    }
                    assertThat(greeting.array()).containsExactly(1, 2, 3);
                }
            }
        }
        assertThat(early.releaseUnused()).as("the session has them").isEmpty();
        yarn.drain(launcher);
        assertThat(yarn.released).isEmpty();
    }

    @Test
    void aProgramThatCreatesNoSessionGivesItsExecutorsBack() throws Exception {
        ExecutorLauncher launcher = yarn.launcher(2, new LaunchPolicy(10, 0, true, 2, 60_000));
        launcher.startEventThread();
        EarlyExecutors early = EarlyExecutors.start(conf, launcher, 2, Map.of()).orElseThrow();
        io.weft.driver.Poll.until(() -> yarn.outstanding().size() == 2, 10_000, 10);
        Container running = yarn.allocate("node:1");
        io.weft.driver.Poll.until(() -> yarn.started.size() == 1, 10_000, 10);
        String command = yarn.started.get(0).context().getCommands().get(0);
        int port = Integer.parseInt(command.substring(command.lastIndexOf(':') + 1));

        assertThat(early.releaseUnused()).hasValueSatisfying(line -> assertThat(line)
                .startsWith("The program created no session: 2 executor containers").contains("given back"));
        assertThat(yarn.released).containsExactly(running.getId());
        assertThat(yarn.outstanding()).isEmpty();
        // Its end is no failure and is not replaced.
        yarn.complete(running, -105, "Container released by the application");
        io.weft.driver.Poll.until(() -> !yarn.exits.isEmpty(), 10_000, 10);
        assertThat(yarn.exits).containsExactly("1 does not count: the program created no session");
        assertThat(yarn.outstanding()).isEmpty();
        assertThat(yarn.fatal).isEmpty();
        // The socket is closed: nothing waits on it any more.
        try (Socket late = new Socket()) {
            assertThat(connects(late, port)).isFalse();
        }
        assertThat(early.releaseUnused()).isEmpty();
    }

    @Test
    void aSessionOnAnotherAddressGetsNoSocketAndTheEarlyExecutorsAreGivenBack() throws Exception {
        ExecutorLauncher launcher = yarn.launcher(2, new LaunchPolicy(10, 0, true, 2, 60_000));
        launcher.startEventThread();
        EarlyExecutors early = EarlyExecutors.start(conf, launcher, 2, Map.of()).orElseThrow();
        io.weft.driver.Poll.until(() -> yarn.outstanding().size() == 2, 10_000, 10);
        assertThat(early.take("0.0.0.0", true)).isEmpty();
        assertThat(yarn.outstanding()).isEmpty();
        assertThat(early.releaseUnused()).isEmpty();
    }

    @Test
    void offWhenTheSettingIsFalse() throws Exception {
        ExecutorLauncher launcher = yarn.launcher(2, new LaunchPolicy(10, 0, true, 2, 60_000));
        assertThat(EarlyExecutors.start(WeftConf.validate(Map.of("weft.yarn.earlyExecutors", "false")), launcher, 2,
                Map.of())).isEmpty();
        yarn.drain(launcher);
        assertThat(yarn.requests).isEmpty();
    }

    private static boolean connects(Socket socket, int port) {
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            return true;
        } catch (java.io.IOException refused) {
            return false;
        }
    }
}
