package io.weft.driver.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.Pair;
import io.weft.api.PairDataset;
import io.weft.api.WeftSession;
import io.weft.planner.SchedulerListener;
import io.weft.planner.TaskDescription;
import io.weft.planner.TaskOutcome;
import io.weft.driver.DriverEngine;
import java.io.File;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A deleted map output is a fetch failure: only that map output is recomputed, and the job's result is right. */
class FetchFailureTest {

    @Test
    void lostMapOutputIsRecomputedAloneAndTheJobSucceeds() throws Exception {
        try (WeftSession weft = WeftSession.builder().master("local[2]").getOrCreate()) {
            DriverEngine engine = (DriverEngine) weft.engine();
            Map<Integer, Integer> mapAttempts = new ConcurrentHashMap<>();
            List<TaskOutcome> outcomes = new java.util.concurrent.CopyOnWriteArrayList<>();
            engine.addSchedulerListener(new SchedulerListener() {
                @Override
                public void taskStarted(TaskDescription task, String executorId) {
                    if (task.isMapTask()) {
                        mapAttempts.merge(task.partition(), 1, Integer::sum);
                    }
                }

                @Override
                public void taskEnded(TaskDescription task, String executorId, TaskOutcome outcome) {
                    outcomes.add(outcome);
                }
            });
            List<Integer> data = IntStream.range(0, 4000).boxed().toList();
            PairDataset<Integer, Long> counts = weft.parallelize(data, 4).mapToPair(x -> Pair.of(x % 97, 1L))
                    .reduceByKey(Long::sum, 3);
            assertThat(counts.count()).isEqualTo(97);
            assertThat(mapAttempts).containsOnlyKeys(0, 1, 2, 3).allSatisfy((k, v) -> assertThat(v).isEqualTo(1));

            File shuffle0 = new File(new File(engine.shuffleDir().toUri()), "shuffle_0");
            File[] mapOneFiles = shuffle0.listFiles((dir, name) -> name.startsWith("map_1_"));
            assertThat(mapOneFiles).hasSize(1);
            assertThat(mapOneFiles[0].delete()).isTrue();

            Map<Integer, Long> expected = new HashMap<>();
            data.forEach(x -> expected.merge(x % 97, 1L, Long::sum));
            assertThat(counts.collectAsMap()).isEqualTo(expected);
            assertThat(outcomes).anyMatch(o -> o instanceof TaskOutcome.FetchFailed f && f.mapIndex() == 1);
            // Only the lost output ran again.
            assertThat(mapAttempts).containsEntry(0, 1).containsEntry(1, 2).containsEntry(2, 1).containsEntry(3, 1);
        }
    }
}
