package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.examples.TextCorpus;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user types: {@code yarn jar weft-examples-<version>-app.jar [options] io.weft.examples.WordCount in out},
 * through Hadoop's real entry point ({@code org.apache.hadoop.util.RunJar}) in a separate JVM whose class path is
 * Hadoop's client jars only, as on a gateway machine. The application jar's manifest names WeftSubmit.
 */
class YarnJarTest {

    private static final List<String> CLIENT_JARS = List.of("hadoop-client-api", "hadoop-client-runtime",
            "slf4j-api", "commons-logging", "log4j-api", "log4j-core", "log4j-slf4j2-impl");

    @Test
    void wordCountThroughYarnJarSucceeds(@TempDir Path local) throws Exception {
        MiniClusters clusters = MiniClusters.get();
        FileSystem fs = clusters.fs();
        new TextCorpus(500, 1.0).write(local.resolve("in"), 256 << 10, 1, 4);
        org.apache.hadoop.fs.Path input = fs.makeQualified(new org.apache.hadoop.fs.Path("/data/yarn-jar"));
        fs.mkdirs(input);
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(local.resolve("in").resolve("part-000.txt").toUri()),
                input);
        String output = fs.makeQualified(new org.apache.hadoop.fs.Path("/out/yarn-jar")).toString();

        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> CLIENT_JARS.stream().anyMatch(new File(entry).getName()::startsWith))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx512m", "-cp", classPath, "org.apache.hadoop.util.RunJar",
                System.getProperty("weft.appJar"),
                "--num-executors", "2", "--executor-memory", "256m", "--driver-memory", "256m",
                "--conf", "weft.yarn.hadoopConfDir=" + clusters.confDir,
                "--conf", "weft.yarn.javaHome=" + System.getProperty("java.home"),
                "io.weft.examples.WordCount", input.toString(), output));
        Path log = local.resolve("client.log");
        Process client = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = client.waitFor(3, TimeUnit.MINUTES);
        if (!ended) {
            client.destroyForcibly();
        }
        String printed = Files.readString(log);
        assertThat(ended).as(printed).isTrue();
        assertThat(client.exitValue()).as(printed).isZero();
        assertThat(printed).contains("Submitted application application_").contains("Final status: SUCCEEDED");
        assertThat(fs.exists(new org.apache.hadoop.fs.Path(output, "_SUCCESS"))).isTrue();
        assertThat(fs.listStatus(new org.apache.hadoop.fs.Path(output), p -> p.getName().startsWith("part-")))
                .isNotEmpty();
    }
}
