package io.weft.driver.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.Dataset;
import io.weft.api.StorageLevel;
import io.weft.api.WeftSession;
import io.weft.driver.DriverEngine;
import io.weft.driver.backend.LocalBackend;
import io.weft.runtime.cache.BlockStore;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Storage levels with no cache memory at all ({@code weft.storage.fraction=0}): disk levels keep every partition
 * on disk, memory-only levels keep none and recompute; results are the same either way. Also more partitions than
 * records (empty partitions are cached like the others).
 */
class StorageOverflowTest {

    private static final AtomicInteger CALLS = new AtomicInteger();
    private static WeftSession weft;

    @BeforeAll
    static void start() {
        weft = WeftSession.builder().appName("storage-overflow").master("local[2]")
                .config("weft.storage.fraction", "0").getOrCreate();
    }

    @AfterAll
    static void stop() {
        weft.close();
    }

    private static BlockStore blocks() {
        return ((LocalBackend) ((DriverEngine) weft.engine()).backend()).executor().environment().blockStore();
    }

    @ParameterizedTest
    @EnumSource(StorageLevel.class)
    void partitionsThatFitNowhereAreRecomputedAndDiskLevelsSpill(StorageLevel level) {
        blocks().clear();
        CALLS.set(0);
        List<Integer> input = IntStream.range(0, 5).boxed().toList();
        Dataset<String> data = weft.parallelize(input, 9).map(x -> {
            CALLS.incrementAndGet();
            return "record-" + x;
        }).persist(level);
        List<String> expected = input.stream().map(x -> "record-" + x).toList();
        assertThat(data.collect()).isEqualTo(expected);
        assertThat(data.collect()).isEqualTo(expected);
        // Empty partitions take no memory as objects (MEMORY_ONLY and MEMORY_AND_DISK keep them in memory); as bytes
        // they hold an end marker, so serialized levels put them where the others go.
        long emptyInMemory = level.deserialized() ? 4 : 0;
        if (level.useDisk()) {
            assertThat(blocks().size()).isEqualTo(9);
            assertThat(blocks().diskBlocks()).isEqualTo(9 - emptyInMemory);
            assertThat(CALLS.get()).isEqualTo(5);
        } else {
            assertThat(blocks().diskBlocks()).isZero();
            assertThat(blocks().size()).isEqualTo(emptyInMemory);
            assertThat(CALLS.get()).isEqualTo(10);
        }
        data.unpersist();
        assertThat(blocks().size()).isZero();
    }
}
