package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code yarn jar} from a gateway whose class path is a Hadoop installation ({@code HADOOP_HOME}), on a cluster
 * whose containers get that installation through {@code yarn.application.classpath}: the client leaves the
 * installation's jars to the cluster (weft.yarn.shipHadoopJars=auto), uploads only the application jar, and the
 * job still runs, its containers loading Hadoop from the installation.
 */
class HadoopProvidedJarsTest {

    private static final Pattern STAGED = Pattern.compile(
            "Staged (\\d+) jars: uploaded \\d+ \\(\\d+ MB\\): \\[(.*?)\\];");

    @Test
    void theInstallationsJarsStayOnTheClusterAndTheJobRuns(@TempDir Path local) throws Exception {
        MiniClusters clusters = MiniClusters.get();
        FileSystem fs = clusters.fs();
        // A Hadoop installation as a release lays it out, holding the client jars (links to them).
        Path home = local.resolve("hadoop");
        List<String> classPath = YarnJarClient.installation(home);
        Path lib = home.resolve(YarnJarClient.INSTALLATION_LIB);
        String output = fs.makeQualified(new org.apache.hadoop.fs.Path("/out/hadoop-provided")).toString();
        org.apache.hadoop.fs.Path input = fs.makeQualified(new org.apache.hadoop.fs.Path("/data/hadoop-provided"));
        try (var out = fs.create(new org.apache.hadoop.fs.Path(input, "words.txt"))) {
            out.write("b a b c b a\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        // The client logs only errors unless told otherwise: show staging's INFO lines.
        Path log4j = YarnJarClient.stagingLog(local);

        // The NodeManagers here share this machine's disk: the containers' class path names the same directory
        // (a real cluster's default, {{HADOOP_COMMON_HOME}}/share/hadoop/common/lib/*, names the NodeManager's;
        // ClusterProvidedJarsTest covers the expansion of such entries).
        YarnJarClient.Run run = YarnJarClient.run(clusters, local, List.of("--num-executors", "1",
                "--executor-memory", "256m", "--driver-memory", "256m",
                "--conf", "weft.hadoop.yarn.application.classpath=" + lib + "/*",
                "io.weft.examples.WordCount", input.toString(), output),
                Map.of("HADOOP_HOME", home.toString(), "HADOOP_CLIENT_SKIP_UNJAR", "true",
                        "LOG4J_CONFIGURATION_FILE", log4j.toString()), classPath);

        assertThat(run.exitCode()).as(run.printed()).isZero();
        assertThat(run.printed()).contains("Final status: SUCCEEDED")
                .contains("Left " + classPath.size() + " jars");
        Matcher staged = STAGED.matcher(run.printed());
        assertThat(staged.find()).as(run.printed()).isTrue();
        // Only the application jar and Weft's classes split out of it (weft.yarn.classDataSharing), none of
        // Hadoop's, went through staging.
        assertThat(staged.group(1)).isEqualTo("2");
        assertThat(staged.group(2)).doesNotContain("hadoop-client");
        assertThat(fs.exists(new org.apache.hadoop.fs.Path(output, "_SUCCESS"))).isTrue();
    }
}
