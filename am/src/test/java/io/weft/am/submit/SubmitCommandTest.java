package io.weft.am.submit;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.conf.WeftConf;
import io.weft.yarnconf.YarnSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line as spark-submit users type it, turned into the settings the application runs with. */
class SubmitCommandTest {

    private static SubmitCommand parse(String... args) {
        SubmitCommand command = new SubmitCommand(new PrintStream(new ByteArrayOutputStream()));
        new CommandLine(command).setStopAtPositional(true).parseArgs(args);
        return command;
    }

    @Test
    void bareMemoryNumbersOnTheCommandLineAreMebibytes() {
        SubmitCommand command = parse("--executor-memory", "2048", "--driver-memory", "1024", "com.example.Main");
        YarnSettings settings = YarnSettings.from(WeftConf.validate(command.settings()));
        assertThat(settings.executorMemoryMb()).isEqualTo(2048);
        assertThat(settings.amMemoryMb()).isEqualTo(1024);
        assertThat(settings.executorContainerMb()).isEqualTo(2048 + 384);
    }

    @Test
    void whatTheClientStagesForTheApplicationMasterHoldsNoSettingItWouldWarnAbout() {
        SubmitCommand command = parse("--deploy-mode", "cluster", "--name", "n", "--queue", "q", "--num-executors",
                "3", "--executor-memory", "1g", "--executor-cores", "2", "--driver-memory", "512m", "--conf",
                "weft.executor.exitReasonWait=3s", "--conf", "weft.hadoop.dfs.replication=2",
                "com.example.Main", "in", "out");
        WeftConf conf = WeftConf.validate(command.settings());
        Properties staged = command.applicationDescription(conf, "hdfs://nn/staging/app");
        Map<String, String> all = new HashMap<>();
        staged.stringPropertyNames().forEach(key -> all.put(key, staged.getProperty(key)));
        assertThat(all).containsKeys("weft.master", "weft.internal.mainClass", "weft.executor.exitReasonWait");
        assertThat(WeftConf.unknownKeys(all, WeftConf.knownKeys())).isEmpty();
    }

    @Test
    @Timeout(120)
    void withNoResourceManagerAnsweringItSaysWhichItTriedAndGivesUp(@TempDir Path confDir) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Files.writeString(confDir.resolve("yarn-site.xml"), "<configuration><property><name>"
                + "yarn.resourcemanager.address</name><value>127.0.0.1:" + closedPort + "</value></property>"
                + "</configuration>");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit = SubmitCommand.run(new String[] {"--conf", "weft.yarn.connectTimeout=2s", "com.example.Main"},
                new PrintStream(printed, true, StandardCharsets.UTF_8),
                Map.of("HADOOP_CONF_DIR", confDir.toString()));
        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(output).isEqualTo(1);
        assertThat(output).contains("Contacting the ResourceManager at 127.0.0.1:" + closedPort)
                .contains("yarn.resourcemanager.address from file:" + confDir.resolve("yarn-site.xml"))
                .contains("HADOOP_CONF_DIR=" + confDir)
                .contains("No ResourceManager answered at 127.0.0.1:" + closedPort)
                .contains("weft.yarn.connectTimeout").contains("Nothing was submitted.")
                .doesNotContain("\tat ");
        assertThat(output.indexOf("Contacting")).isLessThan(output.indexOf("No ResourceManager answered"));
    }

    @Test
    void withoutAHadoopConfigurationTheMessageSaysSo() {
        WeftConf conf = WeftConf.validate(Map.of());
        assertThat(io.weft.yarnconf.HadoopConfigurations.describeSource(conf, Map.of()))
                .contains("no HADOOP_CONF_DIR or YARN_CONF_DIR is set");
        assertThat(ResourceManagerConnection.addresses(new YarnConfiguration())).containsExactly("0.0.0.0:8032");
    }
}
