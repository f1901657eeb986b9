package io.weft.yarnconf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.WeftException;
import io.weft.conf.ConfigKey;
import io.weft.conf.WeftConf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YarnSettingsTest {

    private static YarnSettings settings(Map<String, String> values) {
        return YarnSettings.from(WeftConf.validate(values, YarnConfigKeys.allWithRuntime()));
    }

    @Test
    void containerSizesIncludeTheOverhead() {
        YarnSettings defaults = settings(Map.of());
        assertThat(defaults.executorMemoryMb()).isEqualTo(1024);
        assertThat(defaults.executorContainerMb()).isEqualTo(1024 + 384);
        assertThat(defaults.deployMode()).isEqualTo("cluster");
        YarnSettings big = settings(Map.of("weft.executor.memory", "8g", "weft.yarn.tags", "a, b,,c"));
        assertThat(big.executorContainerMb()).isEqualTo(8192 + 819);
        assertThat(big.tags()).containsExactlyInAnyOrder("a", "b", "c");
        YarnSettings explicit = settings(Map.of("weft.executor.memoryOverhead", "1g"));
        assertThat(explicit.executorOverheadMb()).isEqualTo(1024);
    }

    @Test
    void malformedValuesNameTheKey() {
        assertThatThrownBy(() -> settings(Map.of("weft.submit.deployMode", "remote")))
                .isInstanceOf(WeftException.class).hasMessageContaining("weft.submit.deployMode")
                .hasMessageContaining("client or cluster");
        assertThatThrownBy(() -> settings(Map.of("weft.executor.instances", "0")))
                .hasMessageContaining("weft.executor.instances");
    }

    @Test
    void hadoopConfigurationComesFromTheConfiguredDirectoryThenWeftHadoopSettings(@TempDir Path dir)
            throws Exception {
        Files.writeString(dir.resolve("yarn-site.xml"), "<configuration><property><name>yarn.resourcemanager.address"
                + "</name><value>rm.example:8032</value></property></configuration>");
        WeftConf conf = WeftConf.validate(Map.of("weft.yarn.hadoopConfDir", dir.toString(),
                "weft.hadoop.dfs.replication", "2"), YarnConfigKeys.allWithRuntime());
        YarnConfiguration yarn = HadoopConfigurations.load(conf, Map.of());
        assertThat(yarn.get("yarn.resourcemanager.address")).isEqualTo("rm.example:8032");
        assertThat(yarn.get("dfs.replication")).isEqualTo("2");
    }

    @Test
    void containerCommandRedirectsLogsAndKeepsOurJarsFirst() {
        List<String> command = ContainerCommands.command(512, "io.weft.Main", List.of("a", "b"), List.of());
        assertThat(command).hasSize(1);
        assertThat(command.get(0)).startsWith("{{JAVA_HOME}}/bin/java -Xmx512m")
                .contains("--add-opens java.base/java.lang.invoke=ALL-UNNAMED")
                .contains("io.weft.Main a b").endsWith("1><LOG_DIR>/stdout 2><LOG_DIR>/stderr");
        Map<String, String> env = ContainerCommands.environment(new YarnConfiguration(), "/opt/jdk");
        assertThat(env.get("CLASSPATH")).startsWith("{{PWD}}<CPS>{{PWD}}/__weft_jars__/*");
        assertThat(env).containsEntry("JAVA_HOME", "/opt/jdk");
    }

    @Test
    void documentationListsEveryYarnKey() throws Exception {
        String text = Files.readString(Path.of("..", "docs", "configuration.md"));
        for (ConfigKey<?> key : YarnConfigKeys.ALL) {
            assertThat(text).as("docs/configuration.md lists " + key.name()).contains("`" + key.name() + "`");
        }
    }
}
