package io.weft.driver.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.WeftException;
import io.weft.api.WeftSession;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** textFile: split boundaries, compressed files, directories, globs, empty files and missing paths. */
class TextFileTest {

    private static WeftSession weft;

    @BeforeAll
    static void start() {
        weft = WeftSession.builder().master("local[2]").getOrCreate();
    }

    @AfterAll
    static void stop() {
        weft.close();
    }

    private static List<String> randomLines(long seed, int n) {
        Random random = new Random(seed);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // Lengths vary a lot so that split boundaries fall inside lines; some lines are empty.
            int length = random.nextInt(10) == 0 ? 0 : random.nextInt(300);
            StringBuilder line = new StringBuilder("#" + i + ":");
            for (int c = 0; c < length; c++) {
                line.append((char) ('a' + random.nextInt(26)));
            }
            lines.add(line.toString());
        }
        return lines;
    }

    @Test
    void everyLineIsReadExactlyOnceWhateverTheSplits(@TempDir Path dir) throws IOException {
        List<String> lines = randomLines(1, 5000);
        Path file = dir.resolve("lines.txt");
        Files.write(file, lines);
        for (int minPartitions : new int[] {1, 2, 7, 33}) {
            var ds = weft.textFile(file.toString(), minPartitions);
            assertThat(ds.numPartitions()).isGreaterThanOrEqualTo(minPartitions);
            assertThat(ds.collect()).isEqualTo(lines);
        }
    }

    @Test
    void gzipFilesAreReadWholeAndDirectoriesAndGlobsWork(@TempDir Path dir) throws IOException {
        List<String> plain = randomLines(2, 800);
        List<String> zipped = randomLines(3, 900);
        Files.write(dir.resolve("a.txt"), plain);
        try (OutputStream raw = Files.newOutputStream(dir.resolve("b.txt.gz"));
                Writer out = new OutputStreamWriter(new GZIPOutputStream(raw), StandardCharsets.UTF_8)) {
            for (String line : zipped) {
                out.write(line);
                out.write('\n');
            }
        }
        Files.createFile(dir.resolve("empty.txt"));
        Files.createFile(dir.resolve("_SUCCESS"));

        var gz = weft.textFile(dir.resolve("b.txt.gz").toString(), 8);
        assertThat(gz.numPartitions()).isEqualTo(1);
        assertThat(gz.collect()).isEqualTo(zipped);

        List<String> all = new ArrayList<>(plain);
        all.addAll(zipped);
        assertThat(weft.textFile(dir.toUri().toString(), 4).collect()).containsExactlyInAnyOrderElementsOf(all);
        assertThat(weft.textFile(dir + "/*.txt").collect()).containsExactlyInAnyOrderElementsOf(plain);
        assertThat(weft.textFile(dir.resolve("empty.txt").toString(), 3).count()).isZero();
    }

    @Test
    void missingPathFailsAtOnceNamingIt(@TempDir Path dir) {
        String missing = dir.resolve("nope").toString();
        assertThatThrownBy(() -> weft.textFile(missing))
                .isInstanceOf(WeftException.class)
                .hasMessageContaining(missing)
                .hasMessageContaining("Fix:");
    }
}
