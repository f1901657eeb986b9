package io.weft.am.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.planner.Digests;
import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipping rule of attached programs, on the local file system: jars the session has stay home. */
class SessionJarsTest {

    private static File jar(Path dir, String name, String content) throws Exception {
        Path jar = dir.resolve(name);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("x.txt"));
            out.write(content.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar.toFile();
    }

    private static String sha(File file) throws Exception {
        try (InputStream in = Files.newInputStream(file.toPath())) {
            return Digests.sha256Hex(in);
        }
    }

    @Test
    void jarsTheSessionWasStagedWithAreNotShippedAndDirectoriesArePacked(@TempDir Path local) throws Exception {
        File framework = jar(local, "weft-driver.jar", "framework");
        File renamedFramework = jar(local, "copy-of-weft-driver.jar", "framework");
        File app = jar(local, "app.jar", "the program");
        File tooling = jar(local, "junit-jupiter-api-5.jar", "test tooling");
        Path classes = Files.createDirectories(local.resolve("target/classes/com/example"));
        Files.writeString(classes.resolve("Main.class"), "bytes");

        Path staging = Files.createDirectories(local.resolve("staging"));
        Files.writeString(staging.resolve("weft-jars.txt"), "000-weft-driver.jar\tfile:/cache/" + sha(framework)
                + "/weft-driver.jar\tPUBLIC\n001-classes.jar\tfile:" + staging + "/001-classes.jar\tAPPLICATION\n");
        FileSystem fs = FileSystem.getLocal(new Configuration());
        Set<String> digests = SessionJars.stagedDigests(fs, new org.apache.hadoop.fs.Path(staging.toUri()));
        assertThat(digests).containsExactly(sha(framework));

        List<File> ship = SessionJars.toShip(List.of(framework.getPath(), renamedFramework.getPath(), app.getPath(),
                tooling.getPath(), local.resolve("target/classes").toString(), local.resolve("missing.jar")
                        .toString()), digests);
        assertThat(ship).hasSize(2);
        assertThat(ship.get(0)).isEqualTo(app);
        try (JarFile packed = new JarFile(ship.get(1))) {
            assertThat(packed.getEntry("com/example/Main.class")).isNotNull();
        }
        // The same classes pack to the same bytes, so the session's digest check can skip them next time.
        Path again = Files.createDirectories(local.resolve("other/target/classes/com/example"));
        Files.copy(classes.resolve("Main.class"), again.resolve("Main.class"));
        Files.setLastModifiedTime(again.resolve("Main.class"), Files.getLastModifiedTime(classes.resolve("Main.class")));
        File repacked = SessionJars.toShip(List.of(local.resolve("other/target/classes").toString()), Set.of()).get(0);
        assertThat(sha(repacked)).isEqualTo(sha(ship.get(1)));
    }
}
