package io.weft.driver.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A shuffle several times larger than the heap completes in a JVM with -Xmx96m, spilling to disk. */
class SmallHeapShuffleTest {

    @Test
    void shuffleLargerThanTheHeapCompletes(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("out.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // 8 partitions x 400k records x ~100 bytes: about 320 MB of records through each of two shuffles.
        Process process = new ProcessBuilder(List.of(java, "-Xmx96m", "-Djava.io.tmpdir=" + dir,
                "-cp", System.getProperty("java.class.path"), BigShuffleMain.class.getName(), "8", "400000"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = process.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(finished).as(output).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        Matcher m = Pattern.compile("expected=(\\d+/\\d+) actual=(\\d+/\\d+)").matcher(output);
        assertThat(m.find()).as(output).isTrue();
        assertThat(m.group(2)).isEqualTo(m.group(1));
        assertThat(m.group(1)).startsWith("3200000/");
        // Spill and shuffle files are gone once the session closed.
        assertThat(dir.resolve("weft-shuffle").toFile().list()).isEmpty();
        File[] leftovers = dir.toFile().listFiles((d, name) -> name.startsWith("weft-local"));
        assertThat(leftovers).isEmpty();
    }
}
