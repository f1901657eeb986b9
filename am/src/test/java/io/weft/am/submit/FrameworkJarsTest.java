package io.weft.am.submit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Splitting Weft's own classes out of a fat application jar, on real files. */
@Timeout(60)
class FrameworkJarsTest {

    private static final List<String> FRAMEWORK = List.of(FrameworkJars.MARKER, "io/weft/api/Dataset.class",
            "io/weft/shaded/io/netty/Channel.class", "META-INF/versions/11/io/weft/shaded/org/jctools/Queue.class",
            "com/esotericsoftware/kryo/Kryo.class", "io/weft/status/pages/style.css");
    private static final List<String> APPLICATION = List.of("com/example/Main.class",
            "io/weft/examples/WordCount.class", "META-INF/versions/11/com/example/Fast.class",
            "META-INF/services/com.example.Plugin", "log4j2.xml");

    @TempDir
    Path temp;

    private File jar(String name, List<String> entries, String salt) throws IOException {
        File file = temp.resolve(name).toFile();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(file.toPath()))) {
            out.putNextEntry(new JarEntry("io/weft/"));
            out.closeEntry();
            for (String entry : entries) {
                out.putNextEntry(new JarEntry(entry));
                // framework entries' content is fixed; the application's depends on the salt (a rebuilt app)
                String content = FRAMEWORK.contains(entry) ? "bytes of " + entry : salt + entry;
                out.write(content.getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return file;
    }

    private static List<String> entries(File jar) throws IOException {
        List<String> names = new ArrayList<>();
        try (JarFile file = new JarFile(jar, false)) {
            Collections.list(file.entries()).forEach(e -> names.add(e.getName()));
        }
        return names;
    }

    private static List<String> fatJar() {
        List<String> all = new ArrayList<>(FRAMEWORK);
        all.addAll(APPLICATION);
        return all;
    }

    @Test
    void onlyWeftsOwnPackagesAndTheirVersionedVariantsGoIntoAnOwnerOnlyFrameworkJar() throws IOException {
        File app = jar("app.jar", fatJar(), "v1");
        Path dir = temp.resolve("framework-jars");
        File framework = FrameworkJars.of(app, "a".repeat(64), dir).orElseThrow();

        assertThat(framework.getName()).isEqualTo("weft-framework-" + "a".repeat(32) + ".jar");
        assertThat(entries(framework)).containsExactlyElementsOf(concat(List.of(JarFile.MANIFEST_NAME), FRAMEWORK));
        try (JarFile read = new JarFile(framework)) {
            assertThat(read.getManifest().getMainAttributes().getValue("Multi-Release")).isEqualTo("true");
            assertThat(new String(read.getInputStream(read.getEntry("io/weft/api/Dataset.class")).readAllBytes(),
                    StandardCharsets.UTF_8)).isEqualTo("bytes of io/weft/api/Dataset.class");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(framework.toPath())))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        try (var left = Files.list(dir)) {
            assertThat(left).containsExactly(framework.toPath()); // no temporary file left behind
        }
    }

    @Test
    void aRebuiltApplicationWithTheSameWeftGivesAByteIdenticalFrameworkJar() throws IOException {
        Path dir = temp.resolve("framework-jars");
        File first = FrameworkJars.of(jar("app-1.jar", fatJar(), "v1"), "1".repeat(64), dir).orElseThrow();
        File second = FrameworkJars.of(jar("app-2.jar", fatJar(), "v2"), "2".repeat(64), dir).orElseThrow();
        assertThat(second).isNotEqualTo(first);
        assertThat(io.weft.planner.Digests.sha256Hex(Files.readAllBytes(second.toPath())))
                .isEqualTo(io.weft.planner.Digests.sha256Hex(Files.readAllBytes(first.toPath())));
    }

    @Test
    void anExistingFrameworkJarIsReusedNotRewritten() throws IOException {
        Path dir = temp.resolve("framework-jars");
        File app = jar("app.jar", fatJar(), "v1");
        File made = FrameworkJars.of(app, "b".repeat(64), dir).orElseThrow();
        Object inode = Files.getAttribute(made.toPath(), "unix:ino");
        File again = FrameworkJars.of(app, "b".repeat(64), dir).orElseThrow();
        assertThat(again).isEqualTo(made);
        assertThat(Files.getAttribute(again.toPath(), "unix:ino")).isEqualTo(inode);
    }

    @Test
    void jarsWithoutWeftOrWithNothingButWeftAreNotSplit() throws IOException {
        Path dir = temp.resolve("framework-jars");
        assertThat(FrameworkJars.of(jar("plain.jar", APPLICATION, "v1"), "c".repeat(64), dir)).isEmpty();
        assertThat(FrameworkJars.of(jar("weft.jar", FRAMEWORK, "v1"), "d".repeat(64), dir)).isEmpty();
    }

    @Test
    void aDirectoryOthersCanWriteIsNotUsed() throws IOException {
        Path dir = Files.createDirectory(temp.resolve("open"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Optional<File> framework = FrameworkJars.of(jar("app.jar", fatJar(), "v1"), "e".repeat(64), dir);
        assertThat(framework).isEmpty();
        try (var left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void frameworkEntriesAreRecognisedByPackage() {
        assertThat(Map.of("io/weft/runtime/X.class", true, "io/weft/examples/X.class", false,
                "META-INF/versions/17/io/weft/shaded/X.class", true, "META-INF/versions/17/com/x/Y.class", false,
                "org/objenesis/Objenesis.class", true, "io/weftish/X.class", false))
                .allSatisfy((name, framework) -> assertThat(FrameworkJars.isFramework(name)).as(name)
                        .isEqualTo(framework));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
