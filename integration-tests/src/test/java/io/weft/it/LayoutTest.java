package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module layout's rules that Maven's dependency graph cannot state (docs/architecture.md): YARN's types stay in
 * {@code yarn-conf} and {@code am}; the planner uses no Hadoop, and the API only Hadoop's public I/O packages, only in
 * the files of its Hadoop I/O methods; no main class grows past about 500 lines.
 */
class LayoutTest {

    private static final Path ROOT = Path.of("..");

    private static List<Path> mainSources(String module) {
        Path dir = ROOT.resolve(module).resolve("src/main/java");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void yarnTypesStayInYarnConfAndAm() {
        for (String module : List.of("api", "planner", "conf", "container-runtime", "status", "driver", "examples")) {
            assertThat(mainSources(module)).as("main sources of %s", module).isNotEmpty()
                    .allSatisfy(file -> assertThat(read(file)).as(file.toString())
                            .doesNotContain("org.apache.hadoop.yarn"));
        }
    }

    /**
     * The API files that hold the Hadoop I/O methods (Spark's: they take InputFormat, OutputFormat, Writable,
     * Configuration and codec classes; WeftSession, Dataset and PairDataset inherit them from these interfaces) and
     * the engine-facing records those methods hand to the engine.
     */
    private static final Set<String> API_HADOOP_IO_FILES = Set.of("io/weft/api/SessionHadoopInput.java",
            "io/weft/api/DatasetHadoopOutput.java", "io/weft/api/PairHadoopOutput.java",
            "io/weft/api/ObjectFiles.java", "io/weft/api/spi/HadoopInput.java", "io/weft/api/spi/HadoopOutput.java");

    /** Hadoop's public I/O packages: configuration, Writables and codecs, both MapReduce APIs. */
    private static final Pattern HADOOP_IO_PACKAGES = Pattern.compile(
            "org\\.apache\\.hadoop\\.(conf|io|mapred|mapreduce)(\\..*)?");

    private static final Pattern HADOOP_REFERENCE = Pattern.compile("org\\.apache\\.hadoop\\.[\\w.]+");

    @Test
    void thePlannerUsesNoHadoop() {
        assertThat(mainSources("planner")).isNotEmpty().allSatisfy(file -> assertThat(read(file))
                .as(file.toString()).doesNotContain("org.apache.hadoop"));
    }

    @Test
    void theApiNamesHadoopIoTypesOnlyInItsHadoopIoMethods() {
        Path root = ROOT.resolve("api/src/main/java");
        assertThat(mainSources("api")).isNotEmpty().allSatisfy(file -> {
            String name = root.relativize(file).toString().replace('\\', '/');
            Matcher references = HADOOP_REFERENCE.matcher(read(file));
            while (references.find()) {
                String reference = references.group();
                assertThat(API_HADOOP_IO_FILES).as("%s names %s outside the Hadoop I/O files", name, reference)
                        .contains(name);
                assertThat(HADOOP_IO_PACKAGES.matcher(reference).matches()).as(
                        "%s names %s: the API may use only org.apache.hadoop.conf, .io (.io.compress), .mapred and"
                                + " .mapreduce", name, reference).isTrue();
            }
        });
        // The files exist (a rename must update this test, not silently pass it).
        assertThat(API_HADOOP_IO_FILES).allSatisfy(f -> assertThat(root.resolve(f)).exists());
    }

    @Test
    void noMainClassIsOverAboutFiveHundredLines() {
        for (String module : List.of("api", "planner", "conf", "container-runtime", "status", "driver", "yarn-conf",
                "am", "examples", "benchmarks")) {
            assertThat(mainSources(module)).allSatisfy(file -> assertThat(read(file).lines().count())
                    .as(file.toString()).isLessThanOrEqualTo(520));
        }
    }
}
