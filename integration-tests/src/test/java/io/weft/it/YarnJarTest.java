package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.examples.TextCorpus;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user types: {@code yarn jar weft-examples-<version>-app.jar [options] <example> [args]}, through Hadoop's
 * real entry point ({@code org.apache.hadoop.util.RunJar}) in a separate JVM whose class path is Hadoop's client
 * jars only, as on a gateway machine. The application jar's manifest names WeftSubmit. Each example's output on
 * HDFS is checked against a plain Java computation of the same result.
 */
class YarnJarTest {

    /** Runs {@code yarn jar app.jar [options] program...} in cluster mode; asserts it succeeded. */
    private static String yarnJar(MiniClusters clusters, Path local, String... program) throws Exception {
        String printed = run(clusters, local, program);
        assertThat(printed).contains("Submitted application application_").contains("Tracking URL: ")
                .contains("Final status: SUCCEEDED");
        return printed;
    }

    /** Runs {@code yarn jar app.jar [options] args...} and returns what it printed; asserts it exited 0. */
    private static String run(MiniClusters clusters, Path local, String... program) throws Exception {
        List<String> args = new ArrayList<>(List.of("--num-executors", "2", "--executor-memory", "256m",
                "--driver-memory", "256m"));
        args.addAll(List.of(program));
        YarnJarClient.Run run = YarnJarClient.run(clusters, local, args);
        assertThat(run.exitCode()).as(run.printed()).isZero();
        return run.printed();
    }

    /** The lines of a saveAsTextFile output, part files in order. */
    private static List<String> lines(FileSystem fs, String output) throws IOException {
        assertThat(fs.exists(new org.apache.hadoop.fs.Path(output, "_SUCCESS"))).isTrue();
        FileStatus[] parts = fs.listStatus(new org.apache.hadoop.fs.Path(output),
                p -> p.getName().startsWith("part-"));
        Arrays.sort(parts, (a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
        List<String> lines = new ArrayList<>();
        for (FileStatus part : parts) {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(fs.open(part.getPath()),
                    StandardCharsets.UTF_8))) {
                reader.lines().forEach(lines::add);
            }
        }
        return lines;
    }

    /** Parses {@code (key,value)} lines, as {@code Pair.toString} writes them. */
    private static Map<String, String> pairs(List<String> lines) {
        Map<String, String> map = new HashMap<>();
        for (String line : lines) {
            int comma = line.lastIndexOf(',');
            assertThat(map.put(line.substring(1, comma), line.substring(comma + 1, line.length() - 1))).isNull();
        }
        return map;
    }

    /** A corpus on HDFS under {@code dir}, and its words counted by plain Java. */
    private static Map<String, String> corpus(FileSystem fs, Path local, org.apache.hadoop.fs.Path dir)
            throws IOException {
        new TextCorpus(500, 1.0).write(local.resolve("in"), 256 << 10, 1, 4);
        Path file = local.resolve("in").resolve("part-000.txt");
        fs.mkdirs(dir);
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(file.toUri()), dir);
        Map<String, String> expected = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            for (String word : line.split(" ")) {
                if (!word.isEmpty()) {
                    expected.merge(word, "1", (a, b) -> String.valueOf(Long.parseLong(a) + 1));
                }
            }
        }
        return expected;
    }

    @Test
    void wordCountThroughYarnJarMatchesAPlainCount(@TempDir Path local) throws Exception {
        MiniClusters clusters = MiniClusters.get();
        FileSystem fs = clusters.fs();
        org.apache.hadoop.fs.Path input = fs.makeQualified(new org.apache.hadoop.fs.Path("/data/yarn-jar"));
        Map<String, String> expected = corpus(fs, local, input);
        String output = fs.makeQualified(new org.apache.hadoop.fs.Path("/out/yarn-jar")).toString();

        yarnJar(clusters, local, "--input", input.toString(), "io.weft.examples.WordCount", input.toString(),
                output);

        assertThat(pairs(lines(fs, output))).isEqualTo(expected);
        // The application jar (which RunJar ran) went to the private jar cache, owner-only, never the public one.
        String appJar = new File(System.getProperty("weftit.appJar")).getName();
        org.apache.hadoop.fs.Path home = fs.getHomeDirectory();
        assertThat(jarsNamed(fs, new org.apache.hadoop.fs.Path(home, ".weft/staging/_jars"), appJar))
                .isNotEmpty().allSatisfy(s -> assertThat(s.getPermission().toString()).isEqualTo("rw-------"));
        assertThat(jarsNamed(fs, new org.apache.hadoop.fs.Path(home, ".weft/jars"), appJar)).isEmpty();
    }

    private static List<FileStatus> jarsNamed(FileSystem fs, org.apache.hadoop.fs.Path dir, String name)
            throws IOException {
        List<FileStatus> found = new ArrayList<>();
        if (fs.exists(dir)) {
            var files = fs.listFiles(dir, true);
            while (files.hasNext()) {
                FileStatus file = files.next();
                if (file.getPath().getName().equals(name)) {
                    found.add(file);
                }
            }
        }
        return found;
    }

    @Test
    void wordCountInClientModeThroughYarnJarMatchesAPlainCount(@TempDir Path local) throws Exception {
        // The driver runs in the RunJar JVM, whose class path is Hadoop's jars only: the application jar that
        // RunJar loaded must reach the containers (the launcher AM once died with ClassNotFoundException).
        MiniClusters clusters = MiniClusters.get();
        FileSystem fs = clusters.fs();
        org.apache.hadoop.fs.Path input = fs.makeQualified(new org.apache.hadoop.fs.Path("/data/yarn-jar-client"));
        Map<String, String> expected = corpus(fs, local, input);
        String output = fs.makeQualified(new org.apache.hadoop.fs.Path("/out/yarn-jar-client")).toString();

        String printed = run(clusters, local, "--deploy-mode", "client", "io.weft.examples.WordCount",
                input.toString(), output);

        assertThat(pairs(lines(fs, output))).isEqualTo(expected);
        assertThat(printed).contains("SUCCEEDED").doesNotContain("FAILED").doesNotContain("ClassNotFound");
    }

    @Test
    void joinThroughYarnJarMatchesAPlainJoin(@TempDir Path local) throws Exception {
        MiniClusters clusters = MiniClusters.get();
        FileSystem fs = clusters.fs();
        String output = fs.makeQualified(new org.apache.hadoop.fs.Path("/out/yarn-jar-join")).toString();

        yarnJar(clusters, local, "io.weft.examples.JoinExample", output);

        // The example's data, joined with a hash map.
        String[] countries = {"FR", "DE", "US", "JP", "BR", "IN", "NG", "NZ"};
        int customers = 1_000;
        Map<String, String> expected = new HashMap<>();
        for (int o = 0; o < 50_000; o++) {
            int customer = (o * 31) % customers;
            long amount = o % 100 + 1;
            expected.merge(countries[(customer * 7) % countries.length], String.valueOf(amount),
                    (a, b) -> String.valueOf(Long.parseLong(a) + Long.parseLong(b)));
        }
        assertThat(pairs(lines(fs, output))).isEqualTo(expected);
    }

    @Test
    void globalSortThroughYarnJarMatchesAPlainSort(@TempDir Path local) throws Exception {
        MiniClusters clusters = MiniClusters.get();
        FileSystem fs = clusters.fs();
        String output = fs.makeQualified(new org.apache.hadoop.fs.Path("/out/yarn-jar-sort")).toString();
        int records = 40_000;

        yarnJar(clusters, local, "io.weft.examples.SortExample", String.valueOf(records), output);

        // The example's keys: 8 seeds, records / 8 keys each, sorted by the JDK.
        List<Long> keys = new ArrayList<>();
        for (int seed = 0; seed < 8; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < records / 8; i++) {
                keys.add(random.nextLong(1_000_000_000L));
            }
        }
        keys.sort(null);
        List<String> expected = keys.stream().map(k -> "(" + k + ",v" + k + ")").toList();
        // Part files in name order hold the keys in global order: a total sort, not one per partition.
        assertThat(lines(fs, output)).containsExactlyElementsOf(expected);
    }
}
