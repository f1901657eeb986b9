package io.weft.driver.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.JobFailedException;
import io.weft.api.WeftException;
import io.weft.api.WeftFiles;
import io.weft.api.WeftSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * addFile, addJar, weft.files, weft.jars and WeftFiles in local mode (executor threads share the driver's JVM)
 * and local-cluster (executor JVMs fetch what was added), against plain-Java results.
 */
class ShippedFilesTest {

    private static final List<String> WORDS = List.of("a", "b", "c");

    /** Called in tasks: only a class loader with the shipped jar has the class. */
    static String greet(String who) throws Exception {
        Class<?> greeter = Class.forName("shipped.Greeter", true, Thread.currentThread().getContextClassLoader());
        return (String) greeter.getMethod("greet", String.class).invoke(greeter.getConstructor().newInstance(), who);
    }

    static String firstLine(String name) throws Exception {
        return Files.readAllLines(Path.of(WeftFiles.get(name))).get(0);
    }

    @Test
    void anAddedFileReachesTheDriverAndTheTasksOfLaterJobs(@TempDir Path dir) throws Exception {
        Path data = Files.writeString(dir.resolve("data.txt"), "first\nsecond\n");
        Path later = Files.writeString(dir.resolve("later.txt"), "later\n");
        try (WeftSession weft = WeftSession.builder().master("local[2]").getOrCreate()) {
            weft.addFile(data.toString());
            weft.addFile(data.toString()); // the same path again: nothing happens, as in Spark
            assertThat(Files.readString(Path.of(WeftFiles.get("data.txt")))).isEqualTo("first\nsecond\n");
            assertThat(WeftFiles.getRootDirectory()).isEqualTo(Path.of(WeftFiles.get("data.txt")).getParent()
                    .toString());
            // More partitions than records: empty partitions run too.
            List<String> seen = weft.parallelize(WORDS, 5).map(w -> w + ":" + firstLine("data.txt")).collect();
            assertThat(seen).isEqualTo(WORDS.stream().map(w -> w + ":first").collect(Collectors.toList()));

            weft.addFile(later.toUri().toString()); // a Hadoop URI works as well as a path
            assertThat(weft.parallelize(WORDS, 2).map(w -> firstLine("later.txt")).collect())
                    .containsOnly("later").hasSize(WORDS.size());
        }
        assertThatThrownBy(() -> WeftFiles.get("data.txt")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no Weft session");
    }

    @Test
    void anAddedJarLoadsClassesInTasksAndInResults(@TempDir Path dir) throws Exception {
        Path jar = TestJars.greeter(dir);
        try (WeftSession weft = WeftSession.builder().master("local[2]").getOrCreate()) {
            assertThatThrownBy(() -> weft.parallelize(WORDS, 2).map(ShippedFilesTest::greet).collect())
                    .isInstanceOf(JobFailedException.class).hasStackTraceContaining("shipped.Greeter");
            weft.addJar(jar.toString());
            assertThat(weft.parallelize(WORDS, 4).map(ShippedFilesTest::greet).collect())
                    .isEqualTo(WORDS.stream().map(w -> "hello " + w).collect(Collectors.toList()));
            // A result of a class only the jar has is read back on the driver too.
            List<Object> greeters = weft.parallelize(WORDS, 2).<Object>map(w -> Class.forName("shipped.Greeter", true,
                    Thread.currentThread().getContextClassLoader()).getConstructor().newInstance()).collect();
            assertThat(greeters).hasSize(3).allMatch(g -> g.getClass().getName().equals("shipped.Greeter"));
        }
    }

    @Test
    void executorJvmsFetchShippedFilesAndJarsAndGetTheirEnvironmentAndJvmOptions(@TempDir Path dir)
            throws Exception {
        Path data = Files.writeString(dir.resolve("data.txt"), "shipped\n");
        Path jar = TestJars.greeter(dir.resolve("jar"));
        Path later = Files.writeString(dir.resolve("later.txt"), "later\n");
        try (WeftSession weft = WeftSession.builder().master("local-cluster[2,1,256]")
                .config("weft.files", data + "#alias.txt").config("weft.jars", jar.toString())
                .config("weft.executorEnv.WEFT_SHIP_TEST", "from-env")
                .config("weft.executor.extraJavaOptions", "-Dweft.ship.test=bar").getOrCreate()) {
            assertThat(firstLine("alias.txt")).isEqualTo("shipped");
            List<String> seen = weft.parallelize(WORDS, 5).map(w -> System.getenv("WEFT_SHIP_TEST") + "|"
                    + System.getProperty("weft.ship.test") + "|" + firstLine("alias.txt") + "|" + greet(w)).collect();
            assertThat(seen).isEqualTo(WORDS.stream().map(w -> "from-env|bar|shipped|hello " + w)
                    .collect(Collectors.toList()));
            // Files added later reach every executor JVM (4 partitions over 2 single-core executors).
            weft.addFile(later.toString());
            assertThat(weft.parallelize(List.of(1, 2, 3, 4), 4).map(i -> firstLine("later.txt")).collect())
                    .containsExactly("later", "later", "later", "later");
            // The executors' directory is not the driver's: they fetched their own copies.
            List<String> roots = weft.parallelize(WORDS, 3).map(w -> WeftFiles.getRootDirectory()).collect();
            assertThat(roots).doesNotContain(WeftFiles.getRootDirectory());
        }
    }

    @Test
    void badPathsAndNameClashesFailNamingThePaths(@TempDir Path dir) throws Exception {
        Path one = Files.writeString(Files.createDirectories(dir.resolve("one")).resolve("same.txt"), "1");
        Path two = Files.writeString(Files.createDirectories(dir.resolve("two")).resolve("same.txt"), "2");
        try (WeftSession weft = WeftSession.builder().master("local[1]").getOrCreate()) {
            assertThatThrownBy(() -> weft.addFile(dir.resolve("missing.txt").toString()))
                    .isInstanceOf(WeftException.class).hasMessageContaining("missing.txt")
                    .hasMessageContaining("does not exist");
            assertThatThrownBy(() -> weft.addJar(dir.resolve("missing.jar").toString()))
                    .isInstanceOf(WeftException.class).hasMessageContaining("missing.jar");
            assertThatThrownBy(() -> weft.addFile(dir.resolve("one").toString()))
                    .isInstanceOf(WeftException.class).hasMessageContaining("is a directory");
            weft.addFile(one.toString());
            assertThatThrownBy(() -> weft.addFile(two.toString())).isInstanceOf(WeftException.class)
                    .hasMessageContaining(one.toUri().getPath()).hasMessageContaining(two.toUri().getPath());
            // The first one stands.
            assertThat(weft.parallelize(List.of(1), 1).map(i -> firstLine("same.txt")).collect())
                    .containsExactly("1");
        }
    }

    @Test
    void aHeapSizeInExtraJavaOptionsIsRefusedNamingTheMemorySetting() {
        assertThatThrownBy(() -> WeftSession.builder().master("local[1]")
                .config("weft.executor.extraJavaOptions", "-Dx=1 -Xmx2g").getOrCreate())
                .isInstanceOf(WeftException.class).hasMessageContaining("-Xmx2g")
                .hasMessageContaining("weft.executor.memory");
    }

    @Test
    void aMissingShippedFileFailsTheSessionNamingIt(@TempDir Path dir) {
        assertThatThrownBy(() -> WeftSession.builder().master("local[1]")
                .config("weft.files", dir.resolve("nope.txt").toString()).getOrCreate())
                .isInstanceOf(WeftException.class).hasMessageContaining("nope.txt");
        assertThat(WeftSession.active()).isEmpty();
    }
}
