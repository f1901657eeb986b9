package io.weft.am.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LauncherArgumentsTest {

    @Test
    void everyFieldSurvivesTheRoundTripAndFreeTextIsShellSafe() {
        LauncherArguments arguments = new LauncherArguments("driver.example", 40123,
                new ExecutorSpec(3, 1024, 1408, 2, "fast && !slow", List.of("-Dx=a b", "-XX:+UseG1GC")),
                "hdfs://nn:8020/user/me/.weft/staging/application_1_0001", "http://driver:4040/a?b=c&d",
                new LaunchPolicy(6, 60_000, true, 2, 3_600_000));
        List<String> args = arguments.toArgs();
        assertThat(args).noneMatch(a -> a.contains("&") || a.contains(" ") || a.contains("!") || a.contains("?"));
        LauncherArguments parsed = LauncherArguments.parse(args.toArray(new String[0]));
        // Options split on white space, as weft.executor.extraJavaOptions is.
        assertThat(parsed).isEqualTo(new LauncherArguments("driver.example", 40123,
                new ExecutorSpec(3, 1024, 1408, 2, "fast && !slow", List.of("-Dx=a", "b", "-XX:+UseG1GC")),
                arguments.stagingDir(), arguments.trackingUrl(), arguments.policy()));
    }

    @Test
    void optionalFieldsMayBeAbsent() {
        LauncherArguments arguments = new LauncherArguments("h", 1, new ExecutorSpec(1, 256, 640, 1, null,
                List.of()), "/staging", null, new LaunchPolicy(3, 0, false, 2, 1000));
        assertThat(LauncherArguments.parse(arguments.toArgs().toArray(new String[0]))).isEqualTo(arguments);
    }

    @Test
    void executorEnvironmentVariablesSurviveTheRoundTrip() {
        LauncherArguments arguments = new LauncherArguments("h", 1, new ExecutorSpec(1, 256, 640, 1, null, List.of(),
                java.util.Map.of("TZ", "UTC", "ODD", "a=b c&d")), "/staging", null,
                new LaunchPolicy(3, 0, false, 2, 1000));
        assertThat(arguments.toArgs()).noneMatch(a -> a.contains("&") || a.contains(" "));
        assertThat(LauncherArguments.parse(arguments.toArgs().toArray(new String[0]))).isEqualTo(arguments);
    }

    @Test
    void anExecutorInTheApplicationMasterSurvivesTheRoundTrip() {
        LauncherArguments arguments = new LauncherArguments("h", 1, new ExecutorSpec(0, 256, 640, 2, null, List.of(),
                java.util.Map.of(), true), "/staging", null, new LaunchPolicy(3, 0, false, 2, 1000));
        assertThat(arguments.toArgs()).contains("--executor-in-am");
        LauncherArguments parsed = LauncherArguments.parse(arguments.toArgs().toArray(new String[0]));
        assertThat(parsed).isEqualTo(arguments);
        assertThat(parsed.spec().inApplicationMaster()).isTrue();
        assertThat(LauncherArguments.parse(new LauncherArguments("h", 1, new ExecutorSpec(1, 256, 640, 1, null,
                List.of()), "/staging", null, new LaunchPolicy(3, 0, false, 2, 1000)).toArgs()
                .toArray(new String[0])).spec().inApplicationMaster()).isFalse();
    }

    @Test
    void aMissingArgumentIsNamed() {
        assertThatThrownBy(() -> LauncherArguments.parse("--driver-host", "h"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--driver-port");
    }
}
