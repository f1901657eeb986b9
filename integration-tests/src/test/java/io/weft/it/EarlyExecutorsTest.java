package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.am.WeftSubmit;
import io.weft.driver.Poll;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Cluster mode with {@code weft.yarn.earlyExecutors} (the default): the ApplicationMaster asks for the executors
 * when it registers, before the program's {@code main} creates its session. {@code EarlyExecutorsApp} proves it from
 * inside {@code main}: it waits, before creating any session, until the ResourceManager has allocated the
 * executors' containers to its attempt, and fails otherwise. A program that then creates no session ends cleanly, its executors given
 * back. No wall-time assertions: presence and order only.
 */
class EarlyExecutorsTest {

    private static String submit(MiniClusters clusters, String mode) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit = WeftSubmit.run(new String[] {"--num-executors", "2", "--executor-memory", "256m",
            "--driver-memory", "256m", "--conf", "weft.yarn.hadoopConfDir=" + clusters.confDir,
            "--conf", "weft.yarn.javaHome=" + System.getProperty("java.home"),
            "io.weft.it.apps.EarlyExecutorsApp", mode, "2"}, new PrintStream(printed, true, StandardCharsets.UTF_8));
        String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(text).isZero();
        assertThat(text).contains("Final status: SUCCEEDED");
        return text;
    }

    private static String timeline(String text) {
        return text.lines().filter(l -> l.startsWith("Timeline (seconds from client start): ")).findFirst()
                .orElseThrow(() -> new AssertionError("No timeline in:\n" + text));
    }

    private static double at(String timeline, String phase) {
        String rest = timeline.substring(timeline.indexOf(", " + phase + " ") + phase.length() + 3);
        return Double.parseDouble(rest.split("[,/]")[0]);
    }

    @Test
    void executorsAreAllocatedBeforeTheProgramCreatesItsSession() throws Exception {
        String text = submit(MiniClusters.get(), "session");
        String line = timeline(text);
        assertThat(line).contains("executors requested").contains("session created").contains("executors registered");
        assertThat(at(line, "executors requested")).as(line).isLessThan(at(line, "session created"));
        assertThat(at(line, "AM registered")).as(line).isLessThanOrEqualTo(at(line, "executors requested"));
        assertThat(text).doesNotContain("The program created no session");
    }

    @Test
    void aProgramThatCreatesNoSessionEndsCleanlyAndGivesItsExecutorsBack() throws Exception {
        MiniClusters clusters = MiniClusters.get();
        String text = submit(clusters, "none");
        String line = timeline(text);
        assertThat(line).contains("executors requested").doesNotContain("session created")
                .doesNotContain("first task");
        assertThat(text).contains("The program created no session: 2 executor containers asked for when the"
                + " ApplicationMaster registered were given back");
        String appId = text.replaceAll("(?s).*Submitted application (application_\\d+_\\d+).*", "$1");
        // Nothing of the application is left running on the NodeManagers.
        assertThat(Poll.until(() -> clusters.containersOnNodes(appId).isEmpty(), 60_000, 100))
                .as("containers of %s still on the NodeManagers: %s", appId, clusters.containersOnNodes(appId))
                .isTrue();
    }
}
