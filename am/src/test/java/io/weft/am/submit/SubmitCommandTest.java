package io.weft.am.submit;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.conf.WeftConf;
import io.weft.yarnconf.YarnSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
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
}
