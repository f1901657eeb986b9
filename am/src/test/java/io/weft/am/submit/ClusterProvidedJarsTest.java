package io.weft.am.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.WeftException;
import io.weft.conf.WeftConf;
import io.weft.yarnconf.ContainerCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.yarn.api.ApplicationConstants;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which class-path jars staging leaves to the cluster's Hadoop installation (weft.yarn.shipHadoopJars), on a real
 * directory layout: a Hadoop installation as a release unpacks it, reached through a symbolic link as distributions
 * do, and jars outside it.
 */
class ClusterProvidedJarsTest {

    @TempDir
    Path dir;

    private Path home;
    private String common;
    private String commonLib;
    private String hdfs;
    private String yarnJar;
    private String mapreduce;
    private String tools;
    private String linkedIntoCommonLib;
    private String weftInInstallation;
    private String appInInstallation;
    private String weftOutside;
    private String kryoOutside;
    private List<String> classPath;

    private static String jar(Path folder, String name) throws IOException {
        Files.createDirectories(folder);
        return Files.write(folder.resolve(name), new byte[] {1, 2, 3}).toString();
    }

    @BeforeEach
    void installation() throws IOException {
        Path real = dir.resolve("hadoop-3.5.0");
        Path share = real.resolve("share/hadoop");
        home = Files.createSymbolicLink(dir.resolve("hadoop-current"), real);
        // The client's class path names jars through the link, as `hadoop classpath` prints them.
        Path viaLink = home.resolve("share/hadoop");
        common = viaLink.resolve("common").resolve(Path.of(jar(share.resolve("common"), "hadoop-common-3.5.0.jar"))
                .getFileName()).toString();
        commonLib = jar(share.resolve("common/lib"), "guava-27.0-jre.jar");
        hdfs = jar(share.resolve("hdfs"), "hadoop-hdfs-client-3.5.0.jar");
        yarnJar = jar(share.resolve("yarn"), "hadoop-yarn-client-3.5.0.jar");
        mapreduce = jar(share.resolve("mapreduce"), "hadoop-mapreduce-client-core-3.5.0.jar");
        tools = jar(share.resolve("tools/lib"), "hadoop-aws-3.5.0.jar");
        Path elsewhere = Path.of(jar(dir.resolve("m2"), "netty-all.jar"));
        linkedIntoCommonLib = Files.createSymbolicLink(share.resolve("common/lib/netty-all.jar"), elsewhere)
                .toString();
        weftInInstallation = jar(share.resolve("common/lib"), "weft-driver-1.0.jar");
        appInInstallation = jar(share.resolve("common/lib"), "my-app.jar");
        weftOutside = jar(dir.resolve("weft/lib"), "weft-am-1.0.jar");
        kryoOutside = jar(dir.resolve("weft/lib"), "kryo-5.6.2.jar");
        classPath = List.of(dir.resolve("conf").toString(), common, commonLib, hdfs, yarnJar, mapreduce, tools,
                linkedIntoCommonLib, weftInInstallation, appInInstallation, weftOutside, kryoOutside,
                dir.resolve("classes").toString(), dir.resolve("gone.jar").toString());
    }

    private Set<String> select(Map<String, String> environment, List<String> containerClassPath, String mode) {
        return ClusterProvidedJars.select(classPath, Set.of(appInInstallation), environment, containerClassPath,
                mode);
    }

    private static List<String> yarnDefault() {
        return ContainerCommands.applicationClassPath(new YarnConfiguration());
    }

    @Test
    void autoLeavesWhatYarnsDefaultClassPathNamesAndShipsMapReduceToolsWeftAndTheApplication() {
        Set<String> left = select(Map.of("HADOOP_HOME", home.toString()), yarnDefault(), "auto");

        assertThat(left).containsExactly(common, commonLib, hdfs, yarnJar, linkedIntoCommonLib);
    }

    @Test
    void eachHomeVariableIsReadAndTheOthersDefaultToHadoopHome() {
        // HADOOP_HDFS_HOME points elsewhere (no hdfs jars there): only the hdfs jars stay shipped.
        Path otherHdfs = dir.resolve("other-hdfs");
        otherHdfs.resolve("share/hadoop/hdfs").toFile().mkdirs();
        Set<String> left = select(Map.of("HADOOP_HOME", home.toString(), "HADOOP_HDFS_HOME", otherHdfs.toString()),
                yarnDefault(), "auto");

        assertThat(left).containsExactly(common, commonLib, yarnJar, linkedIntoCommonLib);
        // No HADOOP_HOME, only HADOOP_YARN_HOME: {{HADOOP_COMMON_HOME}} and {{HADOOP_HDFS_HOME}} name nothing.
        assertThat(select(Map.of("HADOOP_YARN_HOME", home.toString()), yarnDefault(), "auto"))
                .containsExactly(yarnJar);
    }

    @Test
    void entriesAreExpandedInEveryVariableSyntaxAndMayNameSingleJars() {
        Map<String, String> environment = Map.of("HADOOP_HOME", home.toString(), "MR", home + "/share/hadoop");
        List<String> containerClassPath = List.of("$HADOOP_HOME/share/hadoop/common/*", "${MR}/mapreduce/*",
                "%HADOOP_HOME%/share/hadoop/tools/lib/hadoop-aws-3.5.0.jar", "$UNKNOWN/share/hadoop/hdfs/*",
                "$HADOOP_CONF_DIR", "{{HADOOP_YARN_HOME}}/share/hadoop/yarn");

        assertThat(select(environment, containerClassPath, "auto")).containsExactly(common, mapreduce, tools);
    }

    @Test
    void aLiteralEntryCountsOnlyInsideTheInstallation() {
        List<String> containerClassPath = List.of(dir.resolve("hadoop-3.5.0/share/hadoop/hdfs") + "/*",
                dir.resolve("weft/lib") + "/*");

        assertThat(select(Map.of("HADOOP_HOME", home.toString()), containerClassPath, "auto"))
                .containsExactly(hdfs);
    }

    @Test
    void anEmptyContainerClassPathLeavesNothingToTheCluster() {
        YarnConfiguration yarn = new YarnConfiguration();
        yarn.set(YarnConfiguration.YARN_APPLICATION_CLASSPATH, " ");
        assertThat(ContainerCommands.applicationClassPath(yarn)).isEmpty();
        yarn.set(YarnConfiguration.YARN_APPLICATION_CLASSPATH, "");
        assertThat(ContainerCommands.applicationClassPath(yarn)).isEmpty();
        assertThat(ContainerCommands.environment(yarn, null).get(ApplicationConstants.Environment.CLASSPATH.name()))
                .doesNotContain("hadoop");

        assertThat(select(Map.of("HADOOP_HOME", home.toString()), ContainerCommands.applicationClassPath(yarn),
                "auto")).isEmpty();
    }

    @Test
    void withoutAnInstallationInTheEnvironmentEverythingIsShipped() {
        assertThat(select(Map.of(), yarnDefault(), "auto")).isEmpty();
        assertThat(select(Map.of(), yarnDefault(), "false")).isEmpty();
        assertThat(select(Map.of("HADOOP_HOME", dir.resolve("missing").toString(), "HADOOP_COMMON_HOME", " "),
                yarnDefault(), "auto")).isEmpty();
    }

    @Test
    void trueShipsEverythingAndFalseLeavesTheWholeInstallation() {
        Map<String, String> environment = Map.of("HADOOP_HOME", home.toString());

        assertThat(select(environment, yarnDefault(), "true")).isEmpty();
        assertThat(select(environment, List.of(), "false")).containsExactly(common, commonLib, hdfs, yarnJar,
                mapreduce, tools, linkedIntoCommonLib);
    }

    @Test
    void stagingReadsTheSettingAndRefusesAnUnknownValue() {
        YarnConfiguration yarn = new YarnConfiguration();
        Map<String, String> environment = Map.of("HADOOP_HOME", home.toString());

        List<String> staged = Staging.withoutClusterJars(classPath, Set.of(appInInstallation),
                WeftConf.validate(Map.of()), yarn, environment);
        assertThat(staged).doesNotContain(common, commonLib, hdfs, yarnJar, linkedIntoCommonLib)
                .containsSubsequence(mapreduce, tools, weftInInstallation, appInInstallation, weftOutside,
                        kryoOutside);
        assertThat(Staging.withoutClusterJars(classPath, Set.of(appInInstallation),
                WeftConf.validate(Map.of("weft.yarn.shipHadoopJars", "true")), yarn, environment))
                .isEqualTo(classPath);
        assertThatThrownBy(() -> WeftConf.validate(Map.of("weft.yarn.shipHadoopJars", "yes")))
                .isInstanceOf(WeftException.class).hasMessageContaining("weft.yarn.shipHadoopJars");
    }
}
