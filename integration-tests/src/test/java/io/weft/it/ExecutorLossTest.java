package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.am.submit.YarnClientBackend;
import io.weft.api.Pair;
import io.weft.api.WeftSession;
import io.weft.planner.SchedulerListener;
import io.weft.planner.TaskDescription;
import io.weft.planner.TaskOutcome;
import io.weft.driver.DriverEngine;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Losing an executor container mid-job loses no map output (it is on HDFS): its running reduce tasks are retried
 * elsewhere and no completed map task runs again.
 */
class ExecutorLossTest {

    @Test
    void killedExecutorContainerCostsNoMapRecomputation() throws Exception {
        MiniClusters clusters = MiniClusters.get();
        try (WeftSession weft = clusters.clientSession("executor-loss-it").getOrCreate()) {
            DriverEngine engine = (DriverEngine) weft.engine();
            YarnClientBackend backend = (YarnClientBackend) engine.backend();
            Map<Integer, Integer> mapAttempts = new ConcurrentHashMap<>();
            AtomicInteger lostTasks = new AtomicInteger();
            engine.addSchedulerListener(new SchedulerListener() {
                private boolean killed;

                @Override
                public void taskStarted(TaskDescription task, String executorId) {
                    if (task.isMapTask()) {
                        mapAttempts.merge(task.partition(), 1, Integer::sum);
                    } else if (!killed) {
                        // The first reduce task: the map stage is complete; kill the executor running it.
                        killed = true;
                        long pid = backend.executorPids().get(executorId);
                        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }

                @Override
                public void taskEnded(TaskDescription task, String executorId, TaskOutcome outcome) {
                    if (outcome instanceof TaskOutcome.ExecutorLost) {
                        lostTasks.incrementAndGet();
                    }
                }
            });
            List<Integer> data = IntStream.range(0, 6000).boxed().toList();
            Map<Integer, Long> counts = weft.parallelize(data, 6).mapToPair(x -> Pair.of(x % 13, 1L))
                    .reduceByKey(Long::sum, 4)
                    .mapValues(v -> {
                        LockSupport.parkNanos(300_000_000L);
                        return v;
                    }).collectAsMap();
            Map<Integer, Long> expected = new HashMap<>();
            data.forEach(x -> expected.merge(x % 13, 1L, Long::sum));
            assertThat(counts).isEqualTo(expected);
            assertThat(lostTasks.get()).isPositive();
            // Every map partition ran exactly once: the dead executor's map outputs were read from HDFS.
            assertThat(mapAttempts).hasSize(6).allSatisfy((partition, attempts) -> assertThat(attempts).isEqualTo(1));
        }
    }
}
