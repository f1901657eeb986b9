package io.weft.driver.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.Broadcast;
import io.weft.api.ClosureSerializationException;
import io.weft.api.Dataset;
import io.weft.api.JobFailedException;
import io.weft.api.LongAccumulator;
import io.weft.api.Pair;
import io.weft.api.PairDataset;
import io.weft.api.RemoteTaskException;
import io.weft.api.StorageLevel;
import io.weft.api.WeftException;
import io.weft.api.WeftSession;
import io.weft.api.lineage.TaskContext;
import io.weft.driver.DriverEngine;
import io.weft.driver.backend.LocalBackend;
import java.io.File;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Job semantics in local mode: closures, retries, errors, commit protocol, accumulators, broadcasts, caching. */
class JobSemanticsTest {

    private static WeftSession weft;

    @BeforeAll
    static void start() {
        weft = WeftSession.builder().appName("semantics").master("local[2]")
                .config("weft.task.maxFailures", "3").getOrCreate();
    }

    @AfterAll
    static void stop() {
        weft.close();
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    // ---- closures --------------------------------------------------------------------------------------

    private int offset = 3;

    @Test
    void closureCapturingASocketFailsWhenDefinedAndNamesEverything() throws IOException {
        try (Socket socket = new Socket()) {
            Dataset<Integer> ds = weft.parallelize(range(10), 2);
            assertThatThrownBy(() -> ds.map(x -> x + socket.getPort()))
                    .isInstanceOf(ClosureSerializationException.class)
                    .hasMessageContaining("map:")
                    .hasMessageContaining("lambda$")
                    .hasMessageContaining(JobSemanticsTest.class.getName())
                    .hasMessageContaining("java.net.Socket")
                    .hasMessageContaining("Fix:");
        }
    }

    @Test
    void closureCapturingANonSerializableEnclosingObjectSaysToCopyTheField() {
        Dataset<Integer> ds = weft.parallelize(range(10), 2);
        assertThatThrownBy(() -> ds.filter(x -> x > offset))
                .isInstanceOf(ClosureSerializationException.class)
                .hasMessageContaining("filter:")
                .hasMessageContaining(JobSemanticsTest.class.getName())
                .hasMessageContaining("copy the field into a local variable");
        int localOffset = offset;
        assertThat(ds.filter(x -> x > localOffset).count()).isEqualTo(6);
    }

    @Test
    void closureCapturingAThreadFails() {
        Thread thread = new Thread(() -> { });
        assertThatThrownBy(() -> weft.parallelize(range(3), 1).map(x -> x + thread.getName().length()))
                .isInstanceOf(ClosureSerializationException.class)
                .hasMessageContaining("java.lang.Thread");
    }

    /** A class whose Java serialization hooks must run: Kryo's field copy would lose the transient value. */
    static final class Celsius implements Serializable {
        private static final long serialVersionUID = 1L;
        private transient double kelvin;

        Celsius(double celsius) {
            this.kelvin = celsius + 273.15;
        }

        double celsius() {
            return kelvin - 273.15;
        }

        private void writeObject(ObjectOutputStream out) throws IOException {
            out.defaultWriteObject();
            out.writeDouble(kelvin);
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            kelvin = in.readDouble();
        }
    }

    @Test
    void customJavaSerializationWorksInClosuresAndRecords() {
        Celsius base = new Celsius(10);
        List<Double> shifted = weft.parallelize(List.of(1.0, 2.0), 2).map(x -> x + base.celsius()).collect();
        assertThat(shifted).containsExactly(11.0, 12.0);
        Map<Integer, Double> byKey = weft.parallelize(List.of(1, 2, 3, 4), 2)
                .mapToPair(x -> Pair.of(x % 2, new Celsius(x))).reduceByKey((a, b) -> new Celsius(a.celsius()
                        + b.celsius())).mapValues(Celsius::celsius).collectAsMap();
        assertThat(byKey.get(0)).isCloseTo(6.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(byKey.get(1)).isCloseTo(4.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    // ---- failures --------------------------------------------------------------------------------------

    /** Spark's functions declare {@code throws Exception}; ported lambdas that throw checked exceptions compile. */
    @Test
    void aCheckedExceptionFromAFunctionFailsTheJobWithThatExceptionAsTheCause() {
        Dataset<Integer> ds = weft.parallelize(range(8), 2).filter(x -> {
            if (x == 5) {
                throw new java.io.IOException("unreadable record " + x);
            }
            return true;
        }).map(x -> x);
        assertThatThrownBy(ds::collect).isInstanceOf(JobFailedException.class).satisfies(e -> {
            RemoteTaskException remote = (RemoteTaskException) e.getCause();
            assertThat(remote.originalClassName()).isEqualTo("java.io.IOException");
            assertThat(remote.getMessage()).isEqualTo("unreadable record 5");
        });
        // Pair answers Tuple2's names too.
        Pair<String, Integer> pair = weft.parallelize(List.of(1), 1).mapToPair(x -> Pair.of("k", x)).first();
        assertThat(pair._1()).isEqualTo(pair.key()).isEqualTo("k");
        assertThat(pair._2()).isEqualTo(pair.value()).isEqualTo(1);
    }

    @Test
    void failingTaskIsRetriedThenFailsWithTheExecutorsException() {
        Dataset<Integer> ds = weft.parallelize(range(20), 4).map(x -> {
            if (x == 13) {
                throw new IllegalStateException("bad record " + x);
            }
            return x;
        });
        assertThatThrownBy(ds::count)
                .isInstanceOf(JobFailedException.class)
                .hasMessageContaining("failed 3 times")
                .hasMessageContaining("partition 2")
                .satisfies(e -> {
                    JobFailedException failed = (JobFailedException) e;
                    assertThat(failed.partition()).isEqualTo(2);
                    assertThat(failed.getCause()).isInstanceOf(RemoteTaskException.class);
                    RemoteTaskException remote = (RemoteTaskException) failed.getCause();
                    assertThat(remote.originalClassName()).isEqualTo("java.lang.IllegalStateException");
                    assertThat(remote.getMessage()).isEqualTo("bad record 13");
                    assertThat(remote.getStackTrace()).isNotEmpty();
                    assertThat(remote.getStackTrace()[0].getMethodName()).contains("lambda$");
                });
        // The session stays usable.
        assertThat(weft.parallelize(range(5), 2).count()).isEqualTo(5);
    }

    @Test
    void flakyTaskSucceedsOnRetryAndAccumulatorsCountOnce() {
        LongAccumulator seen = weft.longAccumulator("seen");
        weft.parallelize(range(40), 4).foreach(x -> {
            seen.add(1);
            // Every partition's first attempt fails after adding: those updates must not count.
            if (TaskContext.current().attemptNumber() == 0 && x % 10 == 9) {
                throw new IllegalStateException("flaky");
            }
        });
        assertThat(seen.value()).isEqualTo(40);
    }

    // ---- output commit ---------------------------------------------------------------------------------

    @Test
    void saveAsTextFileWritesPartsAndSuccess(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out");
        weft.parallelize(range(100), 3).map(x -> "line-" + x).saveAsTextFile(out.toUri().toString());
        assertThat(out.resolve("_SUCCESS")).exists();
        assertThat(out.resolve("_temporary")).doesNotExist();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            lines.addAll(Files.readAllLines(out.resolve(String.format("part-%05d", i))));
        }
        assertThat(lines).isEqualTo(range(100).stream().map(x -> "line-" + x).toList());
        assertThat(weft.textFile(out.toString()).count()).isEqualTo(100);
    }

    @Test
    void failedSaveLeavesNoPartialOutputAndExistingDestinationIsRefused(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("failed");
        Dataset<String> failing = weft.parallelize(range(100), 4).map(x -> {
            if (x == 99) {
                throw new IllegalArgumentException("no");
            }
            return "x" + x;
        });
        assertThatThrownBy(() -> failing.saveAsTextFile(out.toString())).isInstanceOf(JobFailedException.class);
        assertThat(out).doesNotExist();

        Path existing = Files.createDirectories(dir.resolve("existing"));
        assertThatThrownBy(() -> weft.parallelize(range(3), 1).saveAsTextFile(existing.toString()))
                .isInstanceOf(WeftException.class)
                .hasMessageContaining("already exists");
    }

    // ---- broadcast and cache -----------------------------------------------------------------------------

    @Test
    void broadcastIsFetchedOncePerExecutor() {
        DriverEngine engine = (DriverEngine) weft.engine();
        LocalBackend backend = (LocalBackend) engine.backend();
        long before = backend.executor().environment().broadcasts().fetches();
        Map<Integer, String> names = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            names.put(i, "name" + i);
        }
        Broadcast<Map<Integer, String>> lookup = weft.broadcast(names);
        List<String> out = weft.parallelize(range(100), 8).map(x -> lookup.value().get(x)).collect();
        assertThat(out).isEqualTo(range(100).stream().map(x -> "name" + x).toList());
        assertThat(backend.executor().environment().broadcasts().fetches() - before).isEqualTo(1);
    }

    @Test
    void cachedDatasetIsComputedOnce() {
        LongAccumulator computed = weft.longAccumulator("computed");
        Dataset<Integer> ds = weft.parallelize(range(1000), 4).map(x -> {
            computed.add(1);
            return x * 2;
        }).cache();
        assertThat(ds.count()).isEqualTo(1000);
        assertThat(ds.reduce(Integer::sum)).isEqualTo(999 * 1000);
        assertThat(computed.value()).isEqualTo(1000);
        ds.unpersist();
        assertThat(ds.count()).isEqualTo(1000);
        assertThat(computed.value()).isEqualTo(2000);
    }

    @Test
    void shuffleOutputIsReusedByLaterJobs() {
        LongAccumulator mapped = weft.longAccumulator("mapped");
        PairDataset<Integer, Long> counts = weft.parallelize(range(500), 4).mapToPair(x -> {
            mapped.add(1);
            return Pair.of(x % 7, 1L);
        }).reduceByKey(Long::sum);
        assertThat(counts.count()).isEqualTo(7);
        assertThat(counts.collectAsMap().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(500);
        assertThat(mapped.value()).isEqualTo(500);
    }

    @Test
    void memoryAndDiskCacheSpillsWhatDoesNotFitAndMemoryOnlyRecomputes() {
        withSession(Map.of("weft.storage.fraction", "0"), session -> {
            LocalBackend backend = (LocalBackend) ((DriverEngine) session.engine()).backend();
            LongAccumulator computed = session.longAccumulator("computed");
            Dataset<String> onDisk = session.parallelize(range(20_000), 2).map(x -> {
                computed.add(1);
                return "value-" + x;
            }).persist(StorageLevel.MEMORY_AND_DISK);
            assertThat(onDisk.count()).isEqualTo(20_000);
            assertThat(onDisk.filter(v -> v.startsWith("value-1")).count()).isEqualTo(11_111);
            assertThat(computed.value()).isEqualTo(20_000);
            assertThat(backend.executor().environment().blockStore().diskBlocks()).isEqualTo(2);

            LongAccumulator recomputed = session.longAccumulator("recomputed");
            Dataset<Integer> memoryOnly = session.parallelize(range(1000), 2).map(x -> {
                recomputed.add(1);
                return x;
            }).cache();
            assertThat(memoryOnly.count()).isEqualTo(1000);
            assertThat(memoryOnly.count()).isEqualTo(1000);
            // Nothing fits in a zero budget: MEMORY_ONLY partitions are recomputed, not lost.
            assertThat(recomputed.value()).isEqualTo(2000);
        });
    }

    /** Runs with a session of its own settings (one session per JVM), then restores the shared one. */
    private static void withSession(Map<String, String> settings, java.util.function.Consumer<WeftSession> body) {
        weft.close();
        WeftSession.Builder builder = WeftSession.builder().master("local[2]");
        settings.forEach(builder::config);
        try (WeftSession session = builder.getOrCreate()) {
            body.accept(session);
        } finally {
            weft = WeftSession.builder().appName("semantics").master("local[2]")
                    .config("weft.task.maxFailures", "3").getOrCreate();
        }
    }

    // ---- shuffle directory -------------------------------------------------------------------------------

    @Test
    void closingTheSessionDeletesItsShuffleDirectory(@TempDir Path dir) {
        withSession(Map.of("weft.shuffle.dir", dir.toUri().toString()), session -> {
            session.parallelize(range(100), 4).mapToPair(x -> Pair.of(x % 3, x)).groupByKey().count();
            File appDir = dir.resolve(session.applicationId()).toFile();
            assertThat(appDir).isDirectory();
            assertThat(appDir.list()).isNotEmpty();
            session.close();
            assertThat(appDir).doesNotExist();
        });
    }

    @Test
    void accumulatorCountsEachSuccessfulTaskOnce() {
        LongAccumulator acc = weft.longAccumulator("sum");
        weft.parallelize(range(100), 5).foreach(x -> acc.add(x));
        assertThat(acc.value()).isEqualTo(4950);
    }
}
