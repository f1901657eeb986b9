package io.weft.am.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.WeftException;
import io.weft.conf.WeftConf;
import io.weft.yarnconf.ContainerCommands;
import io.weft.yarnconf.StagingLayout;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.api.records.LocalResource;
import org.apache.hadoop.yarn.api.records.LocalResourceType;
import org.apache.hadoop.yarn.api.records.LocalResourceVisibility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** --jars, --files and --archives: the settings they make, the checks before submission, what gets staged. */
class ShippedResourcesTest {

    private static int run(ByteArrayOutputStream printed, String... args) {
        return SubmitCommand.run(args, new PrintStream(printed, true, StandardCharsets.UTF_8), Map.of());
    }

    @Test
    void theOptionsBecomeSettingsTheApplicationMasterKnows() {
        SubmitCommand command = new SubmitCommand(new PrintStream(new ByteArrayOutputStream()));
        new CommandLine(command).setStopAtPositional(true).parseArgs("--jars", "a.jar,hdfs:///libs/b.jar", "--files",
                "f.txt,g.conf#alias", "--archives", "data.zip#dir", "--conf", "weft.executorEnv.TZ=UTC", "--conf",
                "weft.yarn.appMasterEnv.MODE=am", "com.example.Main");
        Map<String, String> settings = command.settings();
        assertThat(settings).containsEntry("weft.jars", "a.jar,hdfs:///libs/b.jar")
                .containsEntry("weft.files", "f.txt,g.conf#alias").containsEntry("weft.archives", "data.zip#dir");
        WeftConf conf = WeftConf.validate(settings);
        Map<String, String> staged = new java.util.HashMap<>();
        command.applicationDescription(conf, "/s").forEach((k, v) -> staged.put((String) k, (String) v));
        assertThat(WeftConf.unknownKeys(staged, WeftConf.knownKeys())).isEmpty();
    }

    @Test
    void aPathThatDoesNotExistFailsTheSubmissionNamingIt(@TempDir Path dir) throws Exception {
        Path jar = Files.writeString(dir.resolve("real.jar"), "x");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit = run(printed, "--jars", jar + "," + dir.resolve("nope.jar"), "--files", dir.resolve("gone.txt")
                + "#alias.txt", "com.example.Main");
        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(output).isEqualTo(1);
        assertThat(output).contains("File to ship does not exist: " + dir.resolve("nope.jar"))
                .contains("File to ship does not exist: " + dir.resolve("gone.txt"))
                .doesNotContain("does not exist: " + jar).contains("Nothing was submitted.")
                .doesNotContain("Contacting the ResourceManager");
    }

    @Test
    void twoFilesWithOneNameFailTheSubmissionNamingBoth(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit = run(printed, "--files", dir.resolve("a/x.txt").toString(), "--archives",
                dir.resolve("b/y.zip") + "#x.txt", "com.example.Main");
        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(output).isEqualTo(1);
        assertThat(output).contains(dir.resolve("a/x.txt").toString()).contains(dir.resolve("b/y.zip").toString())
                .contains("'x.txt'").contains("Nothing was submitted.");
        assertThatThrownBy(() -> ShippedResources.missing(WeftConf.validate(Map.of("weft.files", "/a/tmp")),
                new Configuration())).isInstanceOf(WeftException.class).hasMessageContaining("/a/tmp");
    }

    @Test
    void stagedJarsFilesAndArchivesBecomeTheContainersResources(@TempDir Path dir) throws Exception {
        Path jar = Files.writeString(dir.resolve("extra.jar"), "not really a jar");
        Path file = Files.writeString(dir.resolve("g.conf"), "k=v");
        Path plain = Files.writeString(dir.resolve("plain.txt"), "p");
        Path archive = Files.writeString(dir.resolve("data.zip"), "zip");
        FileSystem fs = FileSystem.getLocal(new Configuration());
        org.apache.hadoop.fs.Path staging = new org.apache.hadoop.fs.Path(dir.resolve("staging/app_1").toUri());
        org.apache.hadoop.fs.Path jarCache = new org.apache.hadoop.fs.Path(dir.resolve("jars").toUri());
        Staging.upload(fs, staging, jarCache, List.of(), java.util.Set.of());
        WeftConf conf = WeftConf.validate(Map.of("weft.jars", jar.toString(), "weft.files", file + "#alias.conf,"
                + plain.toUri(), "weft.archives", archive + "#data"));
        ShippedResources.stage(fs, staging, jarCache, conf);
        ShippedResources.stage(fs, staging, jarCache, conf); // a second time ships nothing twice

        Map<String, LocalResource> resources = StagingLayout.localResources(fs, staging, ContainerCommands.JARS_DIR);
        LocalResource shippedJar = resources.get(ContainerCommands.JARS_DIR + "/user-000-extra.jar");
        // The user's jar is the application's: the private cache, never PUBLIC.
        assertThat(shippedJar.getVisibility()).isEqualTo(LocalResourceVisibility.APPLICATION);
        assertThat(shippedJar.getResource().getFile()).startsWith(dir.resolve("staging/_jars").toString());
        assertThat(resources.keySet().stream().filter(k -> k.endsWith("extra.jar"))).hasSize(1);

        LocalResource alias = resources.get("alias.conf");
        assertThat(alias.getType()).isEqualTo(LocalResourceType.FILE);
        assertThat(alias.getVisibility()).isEqualTo(LocalResourceVisibility.APPLICATION);
        assertThat(Files.readString(Path.of(alias.getResource().getFile()))).isEqualTo("k=v");
        assertThat(alias.getResource().getFile()).startsWith(dir.resolve("staging/app_1").toString());
        assertThat(resources.get("plain.txt").getVisibility()).isEqualTo(LocalResourceVisibility.APPLICATION);

        LocalResource data = resources.get("data");
        assertThat(data.getType()).isEqualTo(LocalResourceType.ARCHIVE);
        assertThat(data.getVisibility()).isEqualTo(LocalResourceVisibility.APPLICATION);
        assertThat(data.getSize()).isEqualTo(3);
        // The NodeManager chooses how to extract by the file name's extension, so the upload keeps it.
        assertThat(data.getResource().getFile()).endsWith("/data/data.zip");
    }

    @Test
    void clientModeGivesTheProgramAClassLoaderWithTheJars(@TempDir Path dir) throws Exception {
        Path jar = Files.writeString(dir.resolve("extra.jar"), "x");
        ClassLoader parent = getClass().getClassLoader();
        assertThat(ShippedResources.driverClassLoader(WeftConf.validate(Map.of()), new Configuration(), parent))
                .isSameAs(parent);
        ClassLoader loader = ShippedResources.driverClassLoader(WeftConf.validate(Map.of("weft.jars",
                jar.toString())), new Configuration(), parent);
        assertThat(((java.net.URLClassLoader) loader).getURLs()).containsExactly(jar.toUri().toURL());
        assertThat(loader.getParent()).isSameAs(parent);
    }
}
