package io.weft.runtime.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.util.internal.PlatformDependent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Netty's Flight Recorder events are off in a JVM whose first Netty use is a Weft event loop, and stay on when the
 * user asked for them. Each case runs a fresh JVM: Netty reads the switch once per JVM, and other tests in this
 * one may have initialized Netty already.
 */
@Timeout(60)
class NettyFlightRecorderTest {

    @Test
    void weftEventLoopsStartNettyWithItsFlightRecorderEventsOff() throws Exception {
        assertThat(runProbe()).isEqualTo("jfr=false");
    }

    @Test
    void aUsersChoiceToRecordNettysEventsIsKept() throws Exception {
        assertThat(runProbe("-D" + Channels.NETTY_JFR_PROPERTY + "=true")).isEqualTo("jfr=true");
    }

    private static String runProbe(String... jvmOptions) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(50, TimeUnit.SECONDS)).as("probe JVM finished").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        return output.lines().filter(l -> l.startsWith("jfr=")).findFirst().orElse(output);
    }

    /** Starts Weft's event loops, allocates a buffer, and prints whether Netty's recorder events are on. */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            EventLoopGroup loops = Channels.eventLoops(1, "probe");
            ByteBuf buffer = ByteBufAllocator.DEFAULT.buffer(64);
            buffer.release();
            System.out.println("jfr=" + PlatformDependent.isJfrEnabled());
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
