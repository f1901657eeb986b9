package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module layout's rules that Maven's dependency graph cannot state (docs/architecture.md): YARN's types stay in
 * {@code yarn-conf} and {@code am}; the API and the planner use no Hadoop (the API's Hadoop I/O methods are the one
 * exception it will have); no main class grows past about 500 lines.
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

    @Test
    void theApiAndThePlannerUseNoHadoop() {
        for (String module : List.of("api", "planner")) {
            assertThat(mainSources(module)).allSatisfy(file -> assertThat(read(file)).as(file.toString())
                    .doesNotContain("org.apache.hadoop"));
        }
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
