package io.weft.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.WeftException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WeftConfTest {

    @Test
    void defaultsApplyAndExplicitValuesParse() {
        WeftConf conf = WeftConf.validate(Map.of("weft.task.maxFailures", "7", "weft.shuffle.writeBuffer", "2m"));
        assertThat(conf.get(ConfigKeys.TASK_MAX_FAILURES)).isEqualTo(7);
        assertThat(conf.get(ConfigKeys.SHUFFLE_WRITE_BUFFER)).isEqualTo(2L << 20);
        assertThat(conf.get(ConfigKeys.STAGE_MAX_ATTEMPTS)).isEqualTo(4);
        assertThat(conf.get(ConfigKeys.HEARTBEAT_TIMEOUT)).isEqualTo(30_000L);
        assertThat(conf.get(ConfigKeys.SHUFFLE_DIR)).isNull();
    }

    @Test
    void malformedValueNamesKeyAndExpectedForm() {
        assertThatThrownBy(() -> WeftConf.validate(Map.of("weft.task.maxFailures", "many")))
                .isInstanceOf(WeftException.class)
                .hasMessageContaining("weft.task.maxFailures")
                .hasMessageContaining("a positive integer");
        assertThatThrownBy(() -> WeftConf.validate(Map.of("weft.shuffle.writeBuffer", "lots")))
                .hasMessageContaining("a byte size such as");
        assertThatThrownBy(() -> WeftConf.validate(Map.of("weft.memory.fraction", "2")))
                .hasMessageContaining("weft.memory.fraction");
    }

    @Test
    void unknownKeysAreAcceptedWithAWarningOnly() {
        WeftConf conf = WeftConf.validate(Map.of("weft.tsak.maxFailures", "3"));
        assertThat(conf.get(ConfigKeys.TASK_MAX_FAILURES)).isEqualTo(4);
    }

    @Test
    void hadoopPrefixedSettingsReachTheHadoopConfiguration() {
        WeftConf conf = WeftConf.validate(Map.of("weft.hadoop.dfs.replication", "2"));
        assertThat(conf.hadoopConfiguration(new org.apache.hadoop.conf.Configuration(false)).get("dfs.replication"))
                .isEqualTo("2");
    }

    @Test
    void sizesAndDurationsParse() {
        assertThat(ConfigKeys.parseBytes("512k")).isEqualTo(512L * 1024);
        assertThat(ConfigKeys.parseBytes("1g")).isEqualTo(1L << 30);
        assertThat(ConfigKeys.parseBytes("100")).isEqualTo(100L);
        assertThat(ConfigKeys.parseMillis("500ms")).isEqualTo(500L);
        assertThat(ConfigKeys.parseMillis("2m")).isEqualTo(120_000L);
    }

    @Test
    void documentationListsEveryCoreKey() throws Exception {
        String text = Files.readString(Path.of("..", "docs", "configuration.md"));
        assertThat(ConfigDocs.documentedKeys(text))
                .containsAll(ConfigKeys.ALL.stream().map(ConfigKey::name).toList())
                .containsAll(NetworkConfigKeys.ALL.stream().map(ConfigKey::name).toList());
    }

    @Test
    void theDocsCheckReportsBothDirections() {
        String page = "| key | default | meaning |\n| --- | --- | --- |\n| `weft.task.maxFailures` | `4` | x |\n"
                + "| `weft.gone` | | y |\nSee `weft.master` in prose: not a row.\n";
        assertThat(ConfigDocs.documentedKeys(page)).containsExactly("weft.gone", "weft.task.maxFailures");
        assertThat(ConfigDocs.problems(List.of(ConfigKeys.TASK_MAX_FAILURES, ConfigKeys.MASTER), page))
                .containsExactly("weft.master is defined in the code but docs/configuration.md has no row for it",
                        "docs/configuration.md documents weft.gone, which no code defines");
    }

    @Test
    void everyKeyTheRuntimeReadsIsKnownSoSettingItNeverWarns() {
        // weft.executor.exitReasonWait was read by the driver yet logged as an unknown setting.
        assertThat(WeftConf.unknownKeys(Map.of("weft.executor.exitReasonWait", "2s", "weft.master", "local"),
                ConfigKeys.ALL)).isEmpty();
        assertThat(WeftConf.unknownKeys(Map.of("weft.tsak.maxFailures", "3", "weft.hadoop.dfs.replication", "2",
                "weft.internal.mainClass", "x", "spark.master", "local"), ConfigKeys.ALL))
                .containsExactly("weft.tsak.maxFailures");
        assertThat(WeftConf.knownKeys()).containsAll(ConfigKeys.ALL);
    }
}
