package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.am.WeftSubmit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.tools.ToolProvider;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One cluster-mode submission with --jars (local and on HDFS), --files (with an alias, and on HDFS), --archives,
 * executor and ApplicationMaster environment variables and JVM options: the driver in the ApplicationMaster and
 * the tasks in executor containers see all of them, as spark-submit users expect on YARN.
 */
class ShipWithJobTest {

    /** Compiles a class no class path here has into a jar. */
    private static Path jar(Path dir, String simpleName, String greeting) throws IOException {
        Path src = dir.resolve("src/shipped/" + simpleName + ".java");
        Path classes = dir.resolve("classes-" + simpleName);
        Files.createDirectories(src.getParent());
        Files.createDirectories(classes);
        Files.writeString(src, "package shipped; public class " + simpleName + " { public String greet(String w) {"
                + " return \"" + greeting + " \" + w; } }");
        assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(),
                src.toString())).isZero();
        Path jar = dir.resolve(simpleName.toLowerCase() + ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("shipped/" + simpleName + ".class"));
            Files.copy(classes.resolve("shipped/" + simpleName + ".class"), (OutputStream) out);
            out.closeEntry();
        }
        return jar;
    }

    @Test
    void jarsFilesArchivesEnvironmentAndJvmOptionsReachTheDriverAndEveryTask(@TempDir Path local) throws Exception {
        MiniClusters clusters = MiniClusters.get();
        FileSystem fs = clusters.fs();
        Path greeter = jar(local, "Greeter", "hello");
        Path remoteJar = jar(local, "Remote", "bye");
        org.apache.hadoop.fs.Path hdfsJar = fs.makeQualified(new org.apache.hadoop.fs.Path("/libs/ship/remote.jar"));
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(remoteJar.toUri()), hdfsJar);
        Path conf = Files.writeString(local.resolve("g.conf"), "from-alias\n");
        org.apache.hadoop.fs.Path hdfsFile = fs.makeQualified(new org.apache.hadoop.fs.Path("/libs/ship/remote.txt"));
        try (var out = fs.create(hdfsFile)) {
            out.write("from-hdfs\n".getBytes(StandardCharsets.UTF_8));
        }
        Path zip = local.resolve("data.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("inside/deep.txt"));
            out.write("from-archive\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        String output = fs.makeQualified(new org.apache.hadoop.fs.Path("/out/shipping")).toString();

        List<String> args = new ArrayList<>(List.of("--num-executors", "2", "--executor-memory", "256m",
                "--driver-memory", "256m", "--conf", "weft.yarn.hadoopConfDir=" + clusters.confDir,
                "--conf", "weft.yarn.javaHome=" + System.getProperty("java.home"),
                "--jars", greeter + ",hdfs://" + hdfsJar.toUri().getPath(),
                "--files", conf + "#alias.txt," + hdfsFile,
                "--archives", zip + "#data",
                "--conf", "weft.executorEnv.WEFT_EXEC_VAR=exec-value",
                "--conf", "weft.executor.extraJavaOptions=-Dfoo=bar",
                "--conf", "weft.yarn.appMasterEnv.WEFT_AM_VAR=am-value",
                "--conf", "weft.am.extraJavaOptions=-Dweft.it.am=am-option",
                "io.weft.it.apps.ShippingApp", output));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit = WeftSubmit.run(args.toArray(new String[0]), new PrintStream(printed, true,
                StandardCharsets.UTF_8));
        String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(text).isZero();

        List<String> lines = new ArrayList<>();
        for (var part : fs.listStatus(new org.apache.hadoop.fs.Path(output), p -> p.getName().startsWith("part-"))) {
            try (var in = fs.open(part.getPath())) {
                lines.addAll(List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")));
            }
        }
        List<String> expected = new ArrayList<>(List.of(
                "driver|am-value|am-option|hello driver|bye driver|from-alias|from-hdfs|from-archive"));
        for (String w : List.of("a", "b", "c", "d", "e")) {
            expected.add("exec-value|bar|hello " + w + "|bye " + w + "|from-alias|from-hdfs|from-archive");
        }
        assertThat(lines).isEqualTo(expected);
        // The user's files stayed private to the application: nothing of theirs in the public jar cache but jars.
        String appId = text.replaceAll("(?s).*Submitted application (application_\\d+_\\d+).*", "$1");
        assertThat(fs.exists(new org.apache.hadoop.fs.Path(fs.getHomeDirectory(), ".weft/staging/" + appId)))
                .isFalse();
        assertThat(fs.exists(hdfsJar)).as("remote jars are localized where they are, never moved").isTrue();
    }
}
