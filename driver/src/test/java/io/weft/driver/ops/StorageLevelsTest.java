package io.weft.driver.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.Dataset;
import io.weft.api.StorageLevel;
import io.weft.api.WeftSession;
import io.weft.driver.DriverEngine;
import io.weft.driver.backend.LocalBackend;
import io.weft.runtime.cache.BlockStore;
import java.io.File;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every storage level in local mode: same results, partitions served from the cache, unpersist frees them. */
class StorageLevelsTest {

    private static final AtomicInteger CALLS = new AtomicInteger();
    private static WeftSession weft;

    @BeforeAll
    static void start() {
        weft = WeftSession.builder().appName("storage-levels").master("local[2]").getOrCreate();
    }

    @AfterAll
    static void stop() {
        weft.close();
    }

    private static BlockStore blocks() {
        LocalBackend backend = (LocalBackend) ((DriverEngine) weft.engine()).backend();
        return backend.executor().environment().blockStore();
    }

    private static long cacheFiles() {
        LocalBackend backend = (LocalBackend) ((DriverEngine) weft.engine()).backend();
        File[] files = backend.executor().environment().localDir().listFiles((d, n) -> n.startsWith("cache-"));
        return files == null ? 0 : files.length;
    }

    @ParameterizedTest
    @EnumSource(StorageLevel.class)
    void eachLevelCachesAndUnpersistFreesIt(StorageLevel level) {
        blocks().clear();
        CALLS.set(0);
        // Nulls, strings and boxed longs, in 7 partitions.
        List<Integer> input = IntStream.range(0, 1000).boxed().toList();
        Dataset<Object> data = weft.parallelize(input, 7).map(x -> {
            CALLS.incrementAndGet();
            return x % 11 == 0 ? null : x % 2 == 0 ? (Object) ("s" + x) : (Object) (long) x;
        }).persist(level);
        List<Object> expected = input.stream().map(x -> x % 11 == 0 ? null
                : x % 2 == 0 ? (Object) ("s" + x) : (Object) (long) x).toList();
        long filesBefore = cacheFiles();

        assertThat(data.collect()).isEqualTo(expected);
        assertThat(CALLS.get()).isEqualTo(1000);
        assertThat(blocks().size()).isEqualTo(7);
        long hits = blocks().hits();
        assertThat(data.collect()).isEqualTo(expected);
        assertThat(data.filter(x -> x instanceof String).count()).isEqualTo(expected.stream()
                .filter(x -> x instanceof String).count());
        assertThat(CALLS.get()).isEqualTo(1000);
        assertThat(blocks().hits()).isEqualTo(hits + 14);
        if (level == StorageLevel.DISK_ONLY) {
            assertThat(blocks().diskBlocks()).isEqualTo(7);
            assertThat(cacheFiles()).isEqualTo(filesBefore + 7);
        } else if (!level.deserialized()) {
            assertThat(blocks().serializedBlocks()).isEqualTo(7);
        }

        data.unpersist();
        assertThat(blocks().size()).isZero();
        assertThat(blocks().memoryUsed()).isZero();
        assertThat(cacheFiles()).isEqualTo(filesBefore);
        assertThat(data.collect()).isEqualTo(expected);
        assertThat(CALLS.get()).isEqualTo(2000);
    }
}
