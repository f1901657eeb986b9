package io.weft.driver.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.Dataset;
import io.weft.api.JobFailedException;
import io.weft.api.Pair;
import io.weft.api.PairDataset;
import io.weft.api.StorageLevel;
import io.weft.api.WeftSession;
import io.weft.driver.DriverEngine;
import io.weft.planner.SchedulerListener;
import io.weft.planner.ShuffleMapStage;
import io.weft.planner.Stage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** checkpoint() and localCheckpoint() in local mode: files written, lineage cut, parents never recomputed. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CheckpointTest {

    /** Calls of the functions below; local mode runs tasks in this JVM. */
    private static final AtomicInteger CALLS = new AtomicInteger();
    private static final List<Stage> SUBMITTED = new CopyOnWriteArrayList<>();

    @TempDir
    static Path checkpoints;

    private static WeftSession weft;

    @BeforeAll
    static void start() {
        weft = WeftSession.builder().appName("checkpoints").master("local[2]")
                .config("weft.task.maxFailures", "2").getOrCreate();
        ((DriverEngine) weft.engine()).addSchedulerListener(new SchedulerListener() {
            @Override
            public void stageSubmitted(Stage stage, int attempt, int tasks) {
                SUBMITTED.add(stage);
            }
        });
    }

    @AfterAll
    static void stop() {
        weft.close();
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    @Test
    @Order(1)
    void checkpointWithoutADirectoryNamesSetCheckpointDir() {
        Dataset<Integer> data = weft.parallelize(range(10), 2);
        assertThatThrownBy(data::checkpoint).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("setCheckpointDir");
    }

    @Test
    @Order(2)
    void checkpointWritesFilesAfterTheFirstJobAndCutsTheLineage() throws Exception {
        weft.setCheckpointDir(checkpoints.toUri().toString());
        CALLS.set(0);
        Dataset<Integer> doubled = weft.parallelize(range(100), 4).map(x -> {
            CALLS.incrementAndGet();
            return x * 2;
        });
        // Made before the checkpoint: it must see the cut too.
        Dataset<Integer> child = doubled.filter(x -> x % 3 == 0);
        doubled.checkpoint();
        assertThat(doubled.isCheckpointed()).isFalse();
        assertThat(doubled.lineage().lineageDependencies()).hasSize(1);

        assertThat(doubled.count()).isEqualTo(100);

        assertThat(doubled.isCheckpointed()).isTrue();
        String appDir = weft.getCheckpointDir().orElseThrow();
        assertThat(appDir).endsWith(weft.applicationId());
        Path nodeDir = Path.of(new java.net.URI(doubled.getCheckpointFile().orElseThrow()));
        assertThat(nodeDir).startsWith(checkpoints);
        try (var files = Files.list(nodeDir)) {
            // (The local file system adds .crc files beside them.)
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")).sorted()
                    .toList())
                    .containsExactly("part-00000", "part-00001", "part-00002", "part-00003");
        }
        // Kept on the executors during the first job, so writing the files did not recompute it either.
        assertThat(CALLS.get()).isEqualTo(100);
        assertThat(doubled.lineage().storageLevel()).isNull();

        List<Integer> expected = range(100).stream().map(x -> x * 2).filter(x -> x % 3 == 0).toList();
        assertThat(child.collect()).isEqualTo(expected);
        assertThat(doubled.map(x -> x + 1).collect())
                .isEqualTo(range(100).stream().map(x -> x * 2 + 1).toList());
        assertThat(CALLS.get()).isEqualTo(100);
        // The child's lineage stops at the checkpointed node.
        assertThat(child.lineage().lineageDependencies().get(0).parent()).isSameAs(doubled.lineage());
        assertThat(doubled.lineage().lineageDependencies()).isEmpty();
        assertThat(doubled.lineage().dependencies()).hasSize(1);
    }

    @Test
    @Order(3)
    void persistedCheckpointKeepsTheUsersLevel() {
        weft.setCheckpointDir(checkpoints.toUri().toString());
        CALLS.set(0);
        Dataset<Integer> data = weft.parallelize(range(50), 3).map(x -> {
            CALLS.incrementAndGet();
            return x;
        }).persist(StorageLevel.MEMORY_ONLY);
        data.checkpoint();
        assertThat(data.collect()).isEqualTo(range(50));
        assertThat(data.lineage().storageLevel()).isEqualTo(StorageLevel.MEMORY_ONLY);
        assertThat(data.reduce(Integer::sum)).isEqualTo(50 * 49 / 2);
        assertThat(CALLS.get()).isEqualTo(50);
    }

    @Test
    @Order(4)
    void checkpointedShuffleIsNotRecomputedByLaterJobs() {
        weft.setCheckpointDir(checkpoints.toUri().toString());
        List<Integer> keys = IntStream.range(0, 500).map(i -> i % 7 == 0 ? 0 : i % 13).boxed().toList();
        PairDataset<Integer, Integer> sums = weft.parallelize(keys, 5).mapToPair(k -> Pair.of(k, 1))
                .reduceByKey(Integer::sum, 3);
        sums.checkpoint();
        Map<Integer, Integer> expected = keys.stream()
                .collect(Collectors.toMap(k -> k, k -> 1, Integer::sum, TreeMap::new));
        assertThat(new TreeMap<>(sums.collectAsMap())).isEqualTo(expected);
        assertThat(sums.isCheckpointed()).isTrue();

        SUBMITTED.clear();
        Dataset<Integer> later = sums.map(p -> p.key() * 1000 + p.value());
        assertThat(later.collect()).containsExactlyInAnyOrderElementsOf(
                expected.entrySet().stream().map(e -> e.getKey() * 1000 + e.getValue()).toList());
        assertThat(SUBMITTED).hasSize(1).noneMatch(s -> s instanceof ShuffleMapStage);
    }

    @Test
    @Order(5)
    void localCheckpointCutsTheLineage() {
        CALLS.set(0);
        Dataset<String> data = weft.parallelize(range(60), 4).map(x -> {
            CALLS.incrementAndGet();
            return x % 10 == 0 ? null : "v" + x;
        });
        Dataset<String> child = data.filter(s -> s != null && s.endsWith("1"));
        data.localCheckpoint();
        assertThat(data.lineage().storageLevel()).isEqualTo(StorageLevel.MEMORY_AND_DISK);
        assertThat(data.count()).isEqualTo(60);
        assertThat(data.isCheckpointed()).isTrue();
        assertThat(data.getCheckpointFile()).isEmpty();
        assertThat(data.lineage().lineageDependencies()).isEmpty();
        assertThat(child.collect()).isEqualTo(range(60).stream().filter(x -> x % 10 == 1).map(x -> "v" + x)
                .toList());
        assertThat(CALLS.get()).isEqualTo(60);
    }

    @Test
    @Order(6)
    void aLostLocalCheckpointBlockFailsTheJobSayingSo() {
        Dataset<Integer> data = weft.parallelize(range(20), 2).map(x -> x + 1);
        data.localCheckpoint();
        assertThat(data.count()).isEqualTo(20);
        // As if the executor holding it were lost: its blocks are gone, the level stays.
        ((DriverEngine) weft.engine()).backend().unpersist(data.lineage().id());
        assertThatThrownBy(data::collect).isInstanceOf(JobFailedException.class)
                .hasStackTraceContaining("is lost").hasStackTraceContaining("localCheckpoint");
    }

    @Test
    @Order(7)
    void changingTheLevelOfAPersistedDatasetThrows() {
        Dataset<Integer> data = weft.parallelize(range(5), 1).persist(StorageLevel.DISK_ONLY);
        data.persist(StorageLevel.DISK_ONLY);
        assertThatThrownBy(() -> data.persist(StorageLevel.MEMORY_ONLY))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("Cannot change storage level");
        data.unpersist();
        data.persist(StorageLevel.MEMORY_ONLY);
    }

    @Test
    @Order(8)
    void closingTheSessionDeletesItsCheckpointDirectory() throws Exception {
        weft.setCheckpointDir(checkpoints.toUri().toString());
        Dataset<Integer> data = weft.parallelize(range(10), 2);
        data.checkpoint();
        data.count();
        Path appDir = Path.of(new java.net.URI(weft.getCheckpointDir().orElseThrow()));
        assertThat(appDir).isDirectory();
        weft.close();
        assertThat(appDir).doesNotExist();
    }
}
