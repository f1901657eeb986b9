package io.weft.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.Pair;
import io.weft.api.PairDataset;
import io.weft.api.WeftSession;
import io.weft.planner.SchedulerListener;
import io.weft.planner.TaskDescription;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A driver attempt that dies leaves its committed map outputs and its journal behind; the next attempt running the
 * same program reuses every intact output, recomputes only what is missing, and does not rerun a committed
 * {@code saveAsTextFile}. A program that differs reuses nothing.
 */
class DriverRestartTest {

    private static final List<Integer> DATA = IntStream.range(0, 5000).boxed().toList();

    @TempDir
    Path temp;

    /** What a run observed. */
    record Run(long distinctKeys, Map<Integer, Integer> mapTasks, int resultTasks) {
    }

    /** The user's program: the same code in every attempt, as a restarted ApplicationMaster runs main again. */
    private static void program(WeftSession weft, String output) {
        PairDataset<Integer, Long> counts = weft.parallelize(DATA, 4).mapToPair(x -> Pair.of(x % 97, 1L))
                .reduceByKey(Long::sum, 3);
        counts.count();
        counts.mapValues(String::valueOf).saveAsTextFile(output);
    }

    private Run attempt(DriverAttempt attempt, java.util.function.BiConsumer<WeftSession, String> program,
            String output, boolean crash) throws IOException, InterruptedException {
        RetriedDriverEngineFactory.attempt = attempt;
        Map<Integer, Integer> mapTasks = new ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicInteger resultTasks = new java.util.concurrent.atomic.AtomicInteger();
        Path backup = temp.resolve("crashed-shuffle");
        Path shuffleRoot = temp.resolve("shuffle");
        long keys;
        try (WeftSession weft = WeftSession.builder().master("retried-driver")
                .config("weft.shuffle.dir", shuffleRoot.toUri().toString()).config("weft.ui.enabled", "false")
                .getOrCreate()) {
            DriverEngine engine = (DriverEngine) weft.engine();
            engine.addSchedulerListener(new SchedulerListener() {
                @Override
                public void taskStarted(TaskDescription task, String executorId) {
                    if (task.isMapTask()) {
                        mapTasks.merge(task.partition(), 1, Integer::sum);
                    } else {
                        resultTasks.incrementAndGet();
                    }
                }
            });
            program.accept(weft, output);
            keys = weft.parallelize(DATA, 2).map(x -> x % 97).distinct().count();
            if (crash) {
                // Map outputs reach the journal on its writer thread: wait for all six (four maps of the
                // program's shuffle, two of distinct's) before taking the copy, as a driver killed later would.
                Path journal = shuffleRoot.resolve(RetriedDriverEngineFactory.applicationId).resolve("_journal")
                        .resolve("attempt-1.jsonl");
                assertThat(Poll.until(() -> mapLines(journal) >= 6, 30_000, 20)).as("journal lines written").isTrue();
                // What a killed driver leaves: its shuffle directory as it was (closing would delete it).
                copy(shuffleRoot.resolve(RetriedDriverEngineFactory.applicationId), backup);
            }
        }
        if (crash) {
            copy(backup, shuffleRoot.resolve(RetriedDriverEngineFactory.applicationId));
        }
        return new Run(keys, mapTasks, resultTasks.get());
    }

    private static long mapLines(Path journal) {
        try {
            return Files.readAllLines(journal, StandardCharsets.UTF_8).stream()
                    .filter(l -> l.contains("\"kind\":\"map\"")).count();
        } catch (IOException e) {
            return 0;
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private Path appShuffleDir() {
        return temp.resolve("shuffle").resolve(RetriedDriverEngineFactory.applicationId);
    }

    private static Map<Integer, Long> read(Path output) throws IOException {
        Map<Integer, Long> counts = new HashMap<>();
        try (Stream<Path> parts = Files.list(output)) {
            for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
                for (String line : Files.readAllLines(part)) {
                    String[] kv = line.replaceAll("[()]", "").split(",");
                    counts.put(Integer.parseInt(kv[0].trim()), Long.parseLong(kv[1].trim()));
                }
            }
        }
        return counts;
    }

    @Test
    void theNextAttemptReusesIntactMapOutputsAndCommittedOutputs() throws Exception {
        RetriedDriverEngineFactory.applicationId = "retried-" + System.nanoTime();
        String output = temp.resolve("out").toUri().toString();
        Run first = attempt(new DriverAttempt(1, true), DriverRestartTest::program, output, true);
        assertThat(first.mapTasks()).containsOnlyKeys(0, 1, 2, 3);
        Map<Integer, Long> expected = new HashMap<>();
        DATA.forEach(x -> expected.merge(x % 97, 1L, Long::sum));
        assertThat(read(temp.resolve("out"))).isEqualTo(expected);
        long committedAt = Files.getLastModifiedTime(temp.resolve("out").resolve("_SUCCESS")).toMillis();

        // The crash also tore the journal's last line, and lost one map output file.
        Path journal = appShuffleDir().resolve("_journal").resolve("attempt-1.jsonl");
        Files.writeString(journal, "{\"kind\":\"map\",\"shuffleId\":0,\"fing", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        try (Stream<Path> files = Files.list(appShuffleDir().resolve("shuffle_0"))) {
            for (Path lost : files.filter(p -> p.getFileName().toString().startsWith("map_2_")).toList()) {
                Files.delete(lost);
            }
        }

        Run second = attempt(new DriverAttempt(2, false), DriverRestartTest::program, output, false);
        assertThat(second.distinctKeys()).isEqualTo(97);
        // Only the lost output ran again; the distinct job's shuffle, committed by the first attempt too, is reused.
        assertThat(second.mapTasks()).isEqualTo(Map.of(2, 1));
        // The save's three result tasks did not run again.
        assertThat(second.resultTasks()).isEqualTo(first.resultTasks() - 3);
        assertThat(read(temp.resolve("out"))).isEqualTo(expected);
        assertThat(Files.getLastModifiedTime(temp.resolve("out").resolve("_SUCCESS")).toMillis())
                .as("the committed output was not rewritten").isEqualTo(committedAt);
        assertThat(appShuffleDir()).as("a clean end deletes the shuffle directory").doesNotExist();
    }

    @Test
    void aProgramThatChangedBetweenAttemptsReusesNothing() throws Exception {
        RetriedDriverEngineFactory.applicationId = "retried-" + System.nanoTime();
        attempt(new DriverAttempt(1, true), DriverRestartTest::program, temp.resolve("a").toUri().toString(), true);
        Run changed = attempt(new DriverAttempt(2, false), (weft, out) -> {
            PairDataset<Integer, Long> counts = weft.parallelize(DATA, 4).mapToPair(x -> Pair.of(x % 89, 1L))
                    .reduceByKey(Long::sum, 3);
            assertThat(counts.count()).isEqualTo(89);
        }, null, false);
        assertThat(changed.mapTasks()).containsKeys(0, 1, 2, 3);
    }
}
