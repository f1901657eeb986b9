package io.weft.driver.stock;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A program started the way a user starts one, {@code java -cp app.jar Main}, with none of the {@code --add-opens}
 * flags the test JVMs get, puts the JDK's value types through closures, shuffles and results
 * ({@link JdkValueTypesMain}). On this JDK, and on the newest LTS JDK when the machine has one.
 */
class StockJvmTest {

    /** Where a newer LTS JDK may be installed (Temurin's packages). */
    private static final Path NEWER_JDKS = Path.of("/usr/lib/jvm");

    private static String run(Path java) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx512m", "-cp",
                System.getProperty("java.class.path"), JdkValueTypesMain.class.getName()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("the program ends").isTrue();
        String printed = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(printed).isZero();
        return printed;
    }

    @Test
    void jdkValueTypesWorkOnThisJdkWithoutJvmFlags() throws Exception {
        assertThat(run(Path.of(System.getProperty("java.home"), "bin", "java"))).contains("OK 44");
    }

    @Test
    void jdkValueTypesWorkOnTheNewestLtsJdkWithoutJvmFlags() throws Exception {
        List<Path> newer = new ArrayList<>();
        if (Files.isDirectory(NEWER_JDKS)) {
            try (Stream<Path> jdks = Files.list(NEWER_JDKS)) {
                jdks.filter(dir -> dir.getFileName().toString().matches(".*-(2[5-9])-jdk.*"))
                        .map(dir -> dir.resolve("bin/java")).filter(Files::isExecutable).forEach(newer::add);
            }
        }
        org.junit.jupiter.api.Assumptions.assumeFalse(newer.isEmpty(), "no JDK 25 or later under " + NEWER_JDKS);
        for (Path java : newer) {
            assertThat(run(java)).as(java.toString()).contains("OK 44");
        }
    }
}
