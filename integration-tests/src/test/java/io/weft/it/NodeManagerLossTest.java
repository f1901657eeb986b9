package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The NodeManager that hosts the executors stops in the middle of a reduce stage: its containers die with it; once
 * YARN declares the node lost, the AM gets replacements on the other node, where the job finishes; no map output
 * (on HDFS) is recomputed. The mini cluster is left with one NodeManager, so this class shuts it down afterwards;
 * the next test class starts a fresh one.
 */
class NodeManagerLossTest {

    @AfterAll
    static void freshClusterForTheNextClass() {
        MiniClusters.shutdown();
    }

    @Test
    void losingANodeManagerCostsOnlyTheTasksRunningThere() throws Exception {
        MiniClusters clusters = MiniClusters.get();
        String lostNode = clusters.nodeName(0);
        // The AM stays on the surviving (labelled) node; unlabelled executors go to the other one first.
        try (WeftSession weft = clusters.clientSession("node-loss-it")
                .config("weft.yarn.am.nodeLabelExpression", MiniClusters.FAST_LABEL)
                .config("weft.executor.instances", "4").getOrCreate()) {
            DriverEngine engine = (DriverEngine) weft.engine();
            assertThat(clusters.amLog(weft.applicationId())).as("an executor on the node that will stop")
                    .contains("on " + lostNode);
            Map<Integer, Integer> mapAttempts = new ConcurrentHashMap<>();
            AtomicInteger lostTasks = new AtomicInteger();
            AtomicBoolean stopped = new AtomicBoolean();
            engine.addSchedulerListener(new SchedulerListener() {
                @Override
                public void taskStarted(TaskDescription task, String executorId) {
                    if (task.isMapTask()) {
                        mapAttempts.merge(task.partition(), 1, Integer::sum);
                    } else if (stopped.compareAndSet(false, true)) {
                        // The map stage is complete: stop the NodeManager, and every container on it.
                        new Thread(() -> clusters.yarn.getNodeManager(0).stop(), "stop-nm-0").start();
                    }
                }

                @Override
                public void taskEnded(TaskDescription task, String executorId, TaskOutcome outcome) {
                    if (outcome instanceof TaskOutcome.ExecutorLost) {
                        lostTasks.incrementAndGet();
                    }
                }
            });
            List<Integer> data = IntStream.range(0, 8000).boxed().toList();
            Map<Integer, Long> counts = weft.parallelize(data, 8).mapToPair(x -> Pair.of(x % 17, 1L))
                    .reduceByKey(Long::sum, 8)
                    .mapValues(v -> {
                        LockSupport.parkNanos(500_000_000L);
                        return v;
                    }).collectAsMap();
            Map<Integer, Long> expected = new HashMap<>();
            data.forEach(x -> expected.merge(x % 17, 1L, Long::sum));
            assertThat(counts).isEqualTo(expected);
            assertThat(lostTasks.get()).as("reduce tasks were running on the stopped node").isPositive();
            assertThat(mapAttempts).hasSize(8).allSatisfy((partition, attempts) -> assertThat(attempts).isEqualTo(1));
        }
    }
}
