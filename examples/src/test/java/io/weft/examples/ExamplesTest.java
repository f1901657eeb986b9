package io.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.Pair;
import io.weft.api.WeftSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each example program against an independent computation. */
class ExamplesTest {

    private static WeftSession weft;

    @BeforeAll
    static void start() {
        weft = WeftSession.builder().appName("examples").master("local[2]").getOrCreate();
    }

    @AfterAll
    static void stop() {
        weft.close();
    }

    @Test
    void wordCountMatchesAPlainCount(@TempDir Path dir) throws Exception {
        new TextCorpus(2_000, 1.0).write(dir, 1 << 20, 3, 5);
        Map<String, Long> expected = new HashMap<>();
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                for (String line : Files.readAllLines(file)) {
                    for (String word : line.split(" ")) {
                        if (!word.isEmpty()) {
                            expected.merge(word, 1L, Long::sum);
                        }
                    }
                }
            }
        }
        assertThat(WordCount.count(weft, dir.toUri().toString()).collectAsMap()).isEqualTo(expected);
    }

    @Test
    void sumByKeyMatchesAPlainSumAndChecksum(@TempDir Path dir) throws Exception {
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        Map<String, Long> expected = new HashMap<>();
        for (int f = 0; f < 3; f++) {
            StringBuilder rows = new StringBuilder();
            for (int i = 0; i < 20_000; i++) {
                String key = "k" + (int) (500 * Math.pow(random.nextDouble(), 3));
                long value = random.nextInt(1000);
                rows.append(key).append(',').append(value).append('\n');
                expected.merge(key, value, Long::sum);
            }
            Files.writeString(dir.resolve("rows-" + f + ".csv"), rows);
        }
        long checksum = 0;
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            checksum += (long) e.getKey().hashCode() * 31 + e.getValue();
        }

        assertThat(SumByKey.sum(weft, dir.toUri().toString()).collectAsMap()).isEqualTo(expected);
        assertThat(SumByKey.checksum(SumByKey.sum(weft, dir.toUri().toString())))
                .isEqualTo(Pair.of(checksum, (long) expected.size()));
    }

    @Test
    void sumByKeyNamesALineWithoutAComma(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("rows.csv"), "a,1\nno comma here\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> SumByKey.checksum(SumByKey.sum(weft, dir.toUri().toString())))
                .hasStackTraceContaining("no comma here");
    }

    @Test
    void joinTotalsMatchANestedLoop() {
        int customers = 200;
        int orders = 5_000;
        String[] countries = {"FR", "DE", "US", "JP", "BR", "IN", "NG", "NZ"};
        Map<String, Long> expected = new HashMap<>();
        for (int o = 0; o < orders; o++) {
            int customer = (o * 31) % customers;
            expected.merge(countries[(customer * 7) % countries.length], (long) (o % 100 + 1), Long::sum);
        }
        assertThat(JoinExample.totalsByCountry(weft, customers, orders).collectAsMap()).isEqualTo(expected);
    }

    @Test
    void sortIsGlobal() {
        List<Pair<Long, String>> sorted = SortExample.sort(weft, 40_000, 4).collect();
        assertThat(sorted).hasSize(40_000);
        assertThat(sorted).extracting(Pair::key).isSorted();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, 2})
    void pageRankMatchesASequentialComputation(int checkpointEvery, @TempDir Path checkpoints) throws Exception {
        List<Pair<Integer, Integer>> edges = PageRank.graph(300);
        weft.setCheckpointDir(checkpoints.toString());
        Map<Integer, Double> actual = PageRank.run(weft, edges, 5, 3, checkpointEvery);
        try (var written = Files.walk(checkpoints)) {
            long parts = written.filter(f -> f.getFileName().toString().startsWith("part-")).count();
            // Two checkpoints (after iterations 2 and 4) of 3 partitions each, or none.
            assertThat(parts).isEqualTo(checkpointEvery == 0 ? 0 : 2 * 3);
        }
        Map<Integer, List<Integer>> links = new HashMap<>();
        edges.stream().distinct().forEach(e -> links.computeIfAbsent(e.key(), k -> new java.util.ArrayList<>())
                .add(e.value()));
        Map<Integer, Double> ranks = new HashMap<>();
        links.keySet().forEach(p -> ranks.put(p, 1.0));
        for (int i = 0; i < 5; i++) {
            Map<Integer, Double> sums = new HashMap<>();
            for (Map.Entry<Integer, List<Integer>> e : links.entrySet()) {
                double share = ranks.get(e.getKey()) / e.getValue().size();
                e.getValue().forEach(t -> sums.merge(t, share, Double::sum));
            }
            ranks.clear();
            sums.forEach((p, s) -> ranks.put(p, 0.15 + 0.85 * s));
        }
        assertThat(actual.keySet()).isEqualTo(ranks.keySet());
        ranks.forEach((p, r) -> assertThat(actual.get(p)).isCloseTo(r, org.assertj.core.data.Offset.offset(1e-9)));
    }

    /** The ported Spark job against a sequential sessionization of the same log. */
    @Test
    void sessionizeMatchesASequentialSessionization(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("clicks.tsv");
        Sessionize.writeLog(log, 60, 3_000, 7);
        Path out = dir.resolve("visits");
        Sessionize.Summary summary = Sessionize.run(weft, log.toString(), out.toString(), 3);

        // Sequentially: every click sorted by user, time and page; a new visit wherever the user changes or the
        // gap exceeds 30 minutes.
        List<String[]> clicks = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (!line.startsWith("#")) {
                clicks.add(line.split("\t"));
            }
        }
        clicks.sort(java.util.Comparator.<String[], String>comparing(c -> c[0])
                .thenComparingLong(c -> Long.parseLong(c[1])).thenComparing(c -> c[2]));
        List<String> visits = new java.util.ArrayList<>();
        Map<String, Long> entries = new HashMap<>();
        int first = 0;
        for (int i = 1; i <= clicks.size(); i++) {
            if (i == clicks.size() || !clicks.get(i)[0].equals(clicks.get(i - 1)[0])
                    || Long.parseLong(clicks.get(i)[1]) - Long.parseLong(clicks.get(i - 1)[1]) > 1800) {
                String[] a = clicks.get(first);
                visits.add(a[0] + "\t" + a[1] + "\t" + clicks.get(i - 1)[1] + "\t" + a[2] + "\t" + (i - first));
                entries.merge(a[2], 1L, Long::sum);
                first = i;
            }
        }
        List<String> written = new java.util.ArrayList<>();
        try (var parts = Files.list(out)) {
            for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList()) {
                written.addAll(Files.readAllLines(part));
            }
        }
        assertThat(written).containsExactlyInAnyOrderElementsOf(visits);
        assertThat(written).extracting(l -> Long.parseLong(l.split("\t")[1])).isSorted();
        List<Pair<String, Long>> top = entries.entrySet().stream()
                .map(e -> Pair.of(e.getKey(), e.getValue()))
                .sorted(new Sessionize.ByCountDesc()).limit(3).toList();
        assertThat(summary.topEntries()).isEqualTo(top);
        double[] seconds = visits.stream().mapToDouble(v -> Long.parseLong(v.split("\t")[2])
                - Long.parseLong(v.split("\t")[1])).toArray();
        assertThat(summary.durations().count()).isEqualTo(seconds.length);
        assertThat(summary.durations().mean()).isCloseTo(java.util.Arrays.stream(seconds).average().orElseThrow(),
                org.assertj.core.data.Offset.offset(1e-6));
        assertThat(summary.durations().max()).isEqualTo(java.util.Arrays.stream(seconds).max().orElseThrow());
    }
}
