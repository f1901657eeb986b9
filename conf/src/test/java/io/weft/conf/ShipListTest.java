package io.weft.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.WeftException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The --jars / --files / --archives lists, the environment prefixes and the JVM options rule. */
class ShipListTest {

    @Test
    void entriesGetTheirAliasOrTheirLastSegmentAndKnowWhetherTheyAreLocal() {
        List<ShipList.Entry> entries = ShipList.parse(" a.txt, /x/y/g.conf#alias.conf ,,hdfs:///libs/b.jar,"
                + "file:/tmp/c.zip#dir, hdfs://nn:8020/data/dir/ ");
        assertThat(entries).containsExactly(new ShipList.Entry("a.txt", "a.txt", true),
                new ShipList.Entry("/x/y/g.conf", "alias.conf", true),
                new ShipList.Entry("hdfs:///libs/b.jar", "b.jar", false),
                new ShipList.Entry("file:/tmp/c.zip", "dir", true),
                new ShipList.Entry("hdfs://nn:8020/data/dir/", "dir", false));
        assertThat(ShipList.parse("")).isEmpty();
        assertThat(ShipList.parse(null)).isEmpty();
    }

    @Test
    void twoEntriesWithOneNameFailNamingBoth() {
        List<ShipList.Entry> entries = new ArrayList<>(ShipList.parse("/a/data.txt,/b/other.txt"));
        entries.addAll(ShipList.parse("hdfs:///c/x.zip#data.txt"));
        assertThatThrownBy(() -> ShipList.checkUniqueNames(entries)).isInstanceOf(WeftException.class)
                .hasMessageContaining("/a/data.txt").hasMessageContaining("hdfs:///c/x.zip")
                .hasMessageContaining("'data.txt'");
        ShipList.checkUniqueNames(ShipList.parse("/a/data.txt,/b/data.txt#other.txt"));
    }

    @Test
    void anAliasMustBeAPlainName() {
        assertThatThrownBy(() -> ShipList.parse("a.txt#sub/dir.txt")).isInstanceOf(WeftException.class)
                .hasMessageContaining("a.txt#sub/dir.txt");
        assertThatThrownBy(() -> ShipList.parse("a.txt#")).isInstanceOf(WeftException.class);
    }

    @Test
    void environmentPrefixesAreKnownAndStripped() {
        Map<String, String> settings = Map.of("weft.executorEnv.TZ", "UTC", "weft.yarn.appMasterEnv.MODE", "am",
                "weft.executorEnvTypo", "x");
        assertThat(WeftConf.unknownKeys(settings, WeftConf.knownKeys())).containsExactly("weft.executorEnvTypo");
        WeftConf conf = WeftConf.validate(settings);
        assertThat(ConfigKeys.withPrefix(conf, ConfigKeys.EXECUTOR_ENV_PREFIX)).isEqualTo(Map.of("TZ", "UTC"));
        assertThat(ConfigKeys.withPrefix(conf, ConfigKeys.AM_ENV_PREFIX)).isEqualTo(Map.of("MODE", "am"));
    }

    @Test
    void extraJavaOptionsRefuseAHeapSizeNamingTheMemorySetting() {
        assertThatThrownBy(() -> WeftConf.validate(Map.of("weft.executor.extraJavaOptions", "-Dfoo=bar -Xmx4g")))
                .isInstanceOf(WeftException.class).hasMessageContaining("-Xmx4g")
                .hasMessageContaining("weft.executor.memory");
        WeftConf fine = WeftConf.validate(Map.of("weft.executor.extraJavaOptions", " -Dfoo=bar  -Xss4m "));
        assertThat(ConfigKeys.splitOptions(fine.get(ConfigKeys.EXECUTOR_JAVA_OPTIONS)))
                .containsExactly("-Dfoo=bar", "-Xss4m");
        assertThat(ConfigKeys.splitOptions("")).isEmpty();
    }
}
