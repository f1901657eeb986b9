package io.weft.am.master;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.conf.WeftConf;
import io.weft.yarnconf.YarnSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Executors' JVM options: the quick-start flags only when asked for, and the user's options after them. */
class ExecutorSpecTest {

    private static ExecutorSpec spec(Map<String, String> settings) {
        WeftConf conf = WeftConf.validate(settings);
        return ExecutorSpec.from(YarnSettings.from(conf), conf);
    }

    @Test
    void quickStartFlagsComeOnlyWhenAskedForAndTheUsersOptionsWin() {
        assertThat(spec(Map.of()).javaOptions()).doesNotContain("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
        ExecutorSpec quick = spec(Map.of("weft.yarn.quickStartJvms", "true",
                "weft.executor.extraJavaOptions", "-XX:+UseParallelGC"));
        assertThat(quick.javaOptions()).containsSubsequence("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-XX:+UseParallelGC");
    }

    @Test
    void anExecutorInTheApplicationMasterIsOneContainerFewer() {
        ExecutorSpec inAm = spec(Map.of("weft.yarn.executorInAm", "true", "weft.executor.instances", "3"));
        assertThat(inAm.instances()).isEqualTo(2);
        assertThat(inAm.inApplicationMaster()).isTrue();
        ExecutorSpec alone = spec(Map.of("weft.yarn.executorInAm", "true", "weft.executor.instances", "1"));
        assertThat(alone.instances()).isZero();
        ExecutorSpec containers = spec(Map.of("weft.executor.instances", "3"));
        assertThat(containers.instances()).isEqualTo(3);
        assertThat(containers.inApplicationMaster()).isFalse();
    }
}
