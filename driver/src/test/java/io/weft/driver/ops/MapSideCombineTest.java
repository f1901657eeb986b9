package io.weft.driver.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.Pair;
import io.weft.api.PairDataset;
import io.weft.api.WeftSession;
import io.weft.planner.SchedulerListener;
import io.weft.planner.Stage;
import io.weft.planner.TaskDescription;
import io.weft.planner.TaskOutcome;
import io.weft.driver.DriverEngine;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * reduceByKey combines before the shuffle, unless a map task's first records are nearly all distinct keys
 * ({@code weft.shuffle.mapSideCombine.uniqueRatio}); groupByKey ships every record; narrow steps share one stage.
 */
@org.junit.jupiter.api.Timeout(120)
class MapSideCombineTest {

    /** Records the map tasks of the session's jobs write. */
    private static AtomicLong countShuffled(WeftSession weft) {
        AtomicLong shuffled = new AtomicLong();
        ((DriverEngine) weft.engine()).addSchedulerListener(new SchedulerListener() {
            @Override
            public void taskEnded(TaskDescription task, String executorId, TaskOutcome outcome) {
                if (outcome instanceof TaskOutcome.Success s && task.isMapTask()) {
                    shuffled.addAndGet(s.metrics().recordsWritten());
                }
            }
        });
        return shuffled;
    }

    /** One map task of 250,000 records whose first 200,000 keys are distinct, then repeat: the sums of each key. */
    private static long lateRepeats(WeftSession weft) {
        return weft.range(0, 250_000, 1, 1).mapToPair(x -> Pair.of(x % 200_000, 1L)).reduceByKey(Long::sum)
                .map(p -> p.key() * 3 + p.value()).fold(0L, Long::sum);
    }

    @Test
    void mostlyDistinctKeysArePassedOnUnlessTheRatioIsOne() {
        long expected = 0;
        for (long k = 0; k < 200_000; k++) {
            expected += k * 3 + (k < 50_000 ? 2 : 1);
        }
        try (WeftSession weft = WeftSession.builder().master("local[2]").getOrCreate()) {
            AtomicLong shuffled = countShuffled(weft);
            assertThat(lateRepeats(weft)).isEqualTo(expected);
            // The first 100,000 records are all distinct: combining stopped, every record was shuffled.
            assertThat(shuffled.get()).isEqualTo(250_000);
        }
        try (WeftSession weft = WeftSession.builder().master("local[2]")
                .config("weft.shuffle.mapSideCombine.uniqueRatio", "1").getOrCreate()) {
            AtomicLong shuffled = countShuffled(weft);
            assertThat(lateRepeats(weft)).isEqualTo(expected);
            assertThat(shuffled.get()).isEqualTo(200_000);
        }
    }

    @Test
    void reduceByKeyCombinesOnTheMapSideAndGroupByKeyDoesNot() {
        try (WeftSession weft = WeftSession.builder().master("local[2]").getOrCreate()) {
            AtomicLong shuffled = new AtomicLong();
            List<Stage> stages = new CopyOnWriteArrayList<>();
            ((DriverEngine) weft.engine()).addSchedulerListener(new SchedulerListener() {
                @Override
                public void taskEnded(TaskDescription task, String executorId, TaskOutcome outcome) {
                    if (outcome instanceof TaskOutcome.Success s && task.isMapTask()) {
                        shuffled.addAndGet(s.metrics().recordsWritten());
                    }
                }

                @Override
                public void stageSubmitted(Stage stage, int attempt, int tasks) {
                    stages.add(stage);
                }
            });
            PairDataset<Integer, Integer> pairs = weft.parallelize(IntStream.range(0, 10_000).boxed().toList(), 4)
                    .map(x -> x * 3).filter(x -> x % 2 == 0).mapToPair(x -> Pair.of(x % 10, x));

            assertThat(pairs.reduceByKey(Integer::sum).count()).isEqualTo(5);
            // Four map tasks, at most 5 distinct keys each.
            assertThat(shuffled.get()).isLessThanOrEqualTo(20);
            // map, filter and mapToPair were pipelined into the one map stage.
            assertThat(stages).hasSize(2);

            shuffled.set(0);
            assertThat(pairs.groupByKey().count()).isEqualTo(5);
            assertThat(shuffled.get()).isEqualTo(5_000);
        }
    }
}
