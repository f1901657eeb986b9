package io.weft.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.WeftException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    void documentationListsEveryKey() throws Exception {
        Path doc = Path.of("..", "docs", "configuration.md");
        String text = Files.readString(doc);
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            assertThat(text).as("docs/configuration.md lists " + key.name()).contains("`" + key.name() + "`");
        }
    }
}
