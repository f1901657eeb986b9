package io.weft.driver.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.Broadcast;
import io.weft.api.JobFailedException;
import io.weft.api.WeftSession;
import io.weft.driver.DriverEngine;
import io.weft.driver.backend.LocalBackend;
import io.weft.runtime.broadcast.BroadcastStore;
import io.weft.runtime.broadcast.FileBroadcast;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Broadcast.unpersist() and destroy() in local mode. */
class BroadcastLifecycleTest {

    private static WeftSession weft;

    @BeforeAll
    static void start() {
        weft = WeftSession.builder().appName("broadcasts").master("local[2]")
                .config("weft.task.maxFailures", "2").getOrCreate();
    }

    @AfterAll
    static void stop() {
        weft.close();
    }

    private static BroadcastStore executorCopies() {
        return ((LocalBackend) ((DriverEngine) weft.engine()).backend()).executor().environment().broadcasts();
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    @Test
    void unpersistDropsExecutorCopiesThatAreFetchedAgainWhenUsed() {
        Broadcast<Map<Integer, String>> names = weft.broadcast(Map.of(1, "one", 2, "two"));
        List<String> expected = range(20).stream().map(x -> x % 3 == 0 ? "?" : x % 3 == 1 ? "one" : "two").toList();
        long before = executorCopies().fetches();
        assertThat(weft.parallelize(range(20), 4).map(x -> names.value().getOrDefault(x % 3, "?")).collect())
                .isEqualTo(expected);
        assertThat(executorCopies().fetches()).isEqualTo(before + 1);

        names.unpersist();
        assertThat(names.value()).containsEntry(1, "one");
        assertThat(weft.parallelize(range(20), 4).map(x -> names.value().getOrDefault(x % 3, "?")).collect())
                .isEqualTo(expected);
        assertThat(executorCopies().fetches()).isEqualTo(before + 2);
    }

    @Test
    void destroyRemovesTheDataAndLaterUseFailsSayingSo() {
        Broadcast<Integer> offset = weft.broadcast(100);
        assertThat(weft.parallelize(range(4), 2).map(x -> x + offset.value()).collect())
                .containsExactly(100, 101, 102, 103);
        Path file = Path.of(URI.create(((FileBroadcast<Integer>) offset).path()));
        assertThat(file).exists();

        offset.destroy();
        offset.destroy();
        assertThat(offset.isDestroyed()).isTrue();
        assertThat(file).doesNotExist();
        assertThatThrownBy(offset::value).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("after it was destroyed");
        assertThatThrownBy(offset::unpersist).hasMessageContaining("after it was destroyed");
        assertThatThrownBy(() -> weft.parallelize(range(4), 2).map(x -> x + offset.value()).collect())
                .isInstanceOf(JobFailedException.class).hasStackTraceContaining("after it was destroyed");
    }
}
