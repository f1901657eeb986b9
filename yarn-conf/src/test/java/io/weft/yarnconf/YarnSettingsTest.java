package io.weft.yarnconf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.WeftException;
import io.weft.conf.ConfigDocs;
import io.weft.conf.ConfigKey;
import io.weft.conf.ConfigKeys;
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
        return YarnSettings.from(WeftConf.validate(values));
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
    void aBareMemoryNumberIsMebibytesAsSparkSubmitReadsIt() {
        YarnSettings bare = settings(Map.of("weft.executor.memory", "2048", "weft.am.memory", "1024",
                "weft.executor.memoryOverhead", "512"));
        assertThat(bare.executorMemoryMb()).isEqualTo(2048);
        assertThat(bare.amMemoryMb()).isEqualTo(1024);
        assertThat(bare.executorOverheadMb()).isEqualTo(512);
        YarnSettings units = settings(Map.of("weft.executor.memory", "2g", "weft.am.memory", "1048576k",
                "weft.executor.memoryOverhead", "400m"));
        assertThat(units.executorMemoryMb()).isEqualTo(2048);
        assertThat(units.amMemoryMb()).isEqualTo(1024);
        assertThat(units.executorOverheadMb()).isEqualTo(400);
        // Other sizes keep their documented unit: bytes.
        assertThat(WeftConf.validate(Map.of("weft.shuffle.writeBuffer", "2048")).get(ConfigKeys.SHUFFLE_WRITE_BUFFER))
                .isEqualTo(2048L);
    }

    @Test
    void aHeapTooSmallForAJvmIsRefusedNamingTheUnit() {
        assertThatThrownBy(() -> settings(Map.of("weft.executor.memory", "2048k")))
                .isInstanceOf(WeftException.class).hasMessageContaining("weft.executor.memory")
                .hasMessageContaining("a bare number is MiB");
    }

    @Test
    void sizesAndDurationsThatOverflowAreRefusedNotWrapped() {
        assertThatThrownBy(() -> settings(Map.of("weft.executor.memory", "3000000g")))
                .isInstanceOf(WeftException.class).hasMessageContaining("weft.executor.memory")
                .hasMessageContaining("more than any container can have");
        assertThatThrownBy(() -> settings(Map.of("weft.am.memory", "99999999999999")))
                .isInstanceOf(WeftException.class).hasMessageContaining("weft.am.memory");
        assertThatThrownBy(() -> settings(Map.of("weft.exclude.timeout", "9999999999999999h")))
                .isInstanceOf(WeftException.class).hasMessageContaining("weft.exclude.timeout")
                .hasMessageContaining("too long");
        assertThatThrownBy(() -> settings(Map.of("weft.shuffle.writeBuffer", "99999999999t")))
                .isInstanceOf(WeftException.class).hasMessageContaining("too large");
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
                "weft.hadoop.dfs.replication", "2"));
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
    void userEnvironmentVariablesWinButCannotReplaceTheClassPath() {
        Map<String, String> base = ContainerCommands.environment(new YarnConfiguration(), "/opt/jdk");
        Map<String, String> env = ContainerCommands.withUserEnvironment(base,
                Map.of("JAVA_HOME", "/opt/other", "TZ", "UTC", "CLASSPATH", "/evil"));
        assertThat(env).containsEntry("JAVA_HOME", "/opt/other").containsEntry("TZ", "UTC")
                .containsEntry("CLASSPATH", base.get("CLASSPATH"));
    }

    @Test
    void theAmExtraJavaOptionsRefuseAHeapSizeNamingTheAmMemory() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WeftConf.validate(
                Map.of("weft.am.extraJavaOptions", "-Xmx1g"))).hasMessageContaining("weft.am.memory");
    }

    @Test
    void anExecutorInTheApplicationMasterGrowsItsContainerAndHeapAndTakesOneContainerFewer() {
        Map<String, String> sizes = Map.of("weft.am.memory", "512m", "weft.am.cores", "1",
                "weft.executor.memory", "1g", "weft.executor.cores", "2", "weft.executor.instances", "3");
        YarnSettings plain = YarnSettings.from(WeftConf.validate(sizes));
        assertThat(plain.amHeapMb()).isEqualTo(512);
        assertThat(plain.amContainerMb()).isEqualTo(512 + YarnSettings.MIN_OVERHEAD_MB);
        assertThat(plain.amContainerCores()).isEqualTo(1);
        assertThat(plain.executorContainers(3)).isEqualTo(3);

        Map<String, String> inAm = new java.util.HashMap<>(sizes);
        inAm.put("weft.yarn.executorInAm", "true");
        YarnSettings hosting = YarnSettings.from(WeftConf.validate(inAm));
        assertThat(hosting.amHeapMb()).isEqualTo(512 + 1024);
        assertThat(hosting.amContainerMb()).isEqualTo(512 + 1024 + YarnSettings.MIN_OVERHEAD_MB);
        assertThat(hosting.amContainerCores()).isEqualTo(3);
        assertThat(hosting.executorContainers(3)).isEqualTo(2);
        assertThat(hosting.executorContainers(1)).isZero();
    }

    @Test
    void anExecutorInTheApplicationMasterIsRefusedWithDynamicAllocation() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> YarnSettings.from(WeftConf.validate(Map.of(
                "weft.yarn.executorInAm", "true", "weft.dynamicAllocation.enabled", "true"))))
                .isInstanceOf(io.weft.api.WeftException.class).hasMessageContaining("weft.yarn.executorInAm")
                .hasMessageContaining("weft.dynamicAllocation.enabled").hasMessageContaining("Fix:");
    }

    @Test
    void theDocumentationListsExactlyTheKeysTheCodeKnows() throws Exception {
        // Both ways: an undocumented key, and a documented key that the code ignores (weft.executor.exitReasonWait
        // once was), both fail here. The yarn-conf module sees the core and the YARN keys.
        String text = Files.readString(Path.of("..", "docs", "configuration.md"));
        assertThat(WeftConf.knownKeys()).extracting(ConfigKey::name).contains("weft.executor.exitReasonWait",
                "weft.executor.memory");
        assertThat(ConfigDocs.problems(WeftConf.knownKeys(), text)).isEmpty();
    }

    @Test
    void everyKnownKeyIsKnownWhateverModuleDefinesIt() {
        Map<String, String> settings = Map.of("weft.executor.exitReasonWait", "5s", "weft.executor.instances", "3",
                "weft.submit.deployMode", "client", "weft.hadoop.fs.defaultFS", "hdfs://nn", "weft.internal.args", "",
                "weft.exectuor.instances", "3");
        assertThat(WeftConf.unknownKeys(settings, WeftConf.knownKeys())).containsExactly("weft.exectuor.instances");
    }
}
