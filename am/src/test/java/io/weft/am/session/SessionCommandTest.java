package io.weft.am.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.am.submit.ApplicationLookup;
import io.weft.api.WeftException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.junit.jupiter.api.Test;

/** Which command lines are session commands, their usage errors, and why attaching is refused. */
class SessionCommandTest {

    @Test
    void sessionOptionsAreRecognisedOnlyAmongTheOptions() {
        assertThat(SessionCommand.isSessionCommand(new String[] {"--start-session", "--name", "s"})).isTrue();
        assertThat(SessionCommand.isSessionCommand(new String[] {"--conf", "a=b", "--session", "application_1_2",
            "--class", "Main", "app.jar"})).isTrue();
        assertThat(SessionCommand.isSessionCommand(new String[] {"--stop-session=application_1_2"})).isTrue();
        // A program's own argument named like the option is the program's.
        assertThat(SessionCommand.isSessionCommand(new String[] {"--num-executors", "2", "com.example.Main",
            "--session", "x"})).isFalse();
        assertThat(SessionCommand.isSessionCommand(new String[] {"com.example.Main"})).isFalse();
    }

    @Test
    void exactlyOneActionIsRequiredAndAttachingNeedsAClassAndAJar() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        assertThat(SessionCommand.run(new String[] {"--start-session", "--stop-session", "application_1_2"}, out,
                Map.of())).isNotZero();
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("mutually exclusive");
        printed.reset();
        assertThat(SessionCommand.run(new String[] {"--start-session", "--help"}, out, Map.of())).isZero();
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("--stop-session=ID").contains("--class=MAIN");
        printed.reset();
        assertThat(SessionCommand.run(new String[] {"--session", "application_1_2", "--class", "Main"}, out,
                Map.of())).isEqualTo(1);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("--session needs --class MAIN and the"
                + " program's jar");
    }

    @Test
    void attachingIsRefusedWithTheReasonAndTheFix() {
        String id = "application_1_2";
        assertThatThrownBy(() -> SessionEngineFactory.check(id, "alice", null)).isInstanceOf(WeftException.class)
                .hasMessageContaining("does not know application " + id).hasMessageContaining("--start-session");
        assertThatThrownBy(() -> SessionEngineFactory.check(id, "mallory",
                new ApplicationLookup.Known(YarnApplicationState.RUNNING, "alice")))
                .hasMessageContaining("belongs to user alice, not to mallory");
        assertThatThrownBy(() -> SessionEngineFactory.check(id, "alice",
                new ApplicationLookup.Known(YarnApplicationState.FINISHED, "alice")))
                .hasMessageContaining("is FINISHED, not RUNNING").hasMessageContaining("weft.session.idleTimeout");
        assertThatThrownBy(() -> SessionEngineFactory.check(id, "alice",
                new ApplicationLookup.Known(YarnApplicationState.ACCEPTED, "alice")))
                .hasMessageContaining("has not started yet");
        SessionEngineFactory.check(id, "alice", new ApplicationLookup.Known(YarnApplicationState.RUNNING, "alice"));
    }

    @Test
    void aMasterThatNamesNoApplicationIsRefused() {
        assertThat(new SessionEngineFactory().accepts("weft-session://application_1_2")).isTrue();
        assertThat(new SessionEngineFactory().accepts("yarn")).isFalse();
        assertThatThrownBy(() -> new SessionEngineFactory().create("x", "weft-session://nonsense", Map.of()))
                .isInstanceOf(WeftException.class).hasMessageContaining("does not name an application");
    }
}
