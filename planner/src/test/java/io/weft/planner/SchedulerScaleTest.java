package io.weft.planner;

import static io.weft.planner.TestLineage.all;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.planner.TestingCluster.Launched;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A 100,000-task stage goes through the scheduler without a scan of the waiting tasks per launch: the scheduler
 * asks each partition where its input is a fixed number of times (the linear scan it replaced asked once per
 * waiting task looked at, per launch: billions of times here). Counts operations, never time.
 */
@Timeout(120)
class SchedulerScaleTest {

    private static final int TASKS = 100_000;
    private static final int HOSTS = 200;

    @Test
    void aHundredThousandTaskStageLooksUpEachPartitionsInputAFixedNumberOfTimes() throws Exception {
        TestingCluster cluster = new TestingCluster(SchedulerConfig.DEFAULTS);
        for (int h = 0; h < HOSTS; h++) {
            cluster.scheduler.executorAdded("e" + h, "host" + h, 4);
        }
        Random random = new Random(42);
        List<List<String>> replicas = new ArrayList<>(TASKS);
        for (int p = 0; p < TASKS; p++) {
            int first = random.nextInt(HOSTS);
            replicas.add(List.of("host" + first, "host" + (first + 1) % HOSTS, "host" + (first + 7) % HOSTS));
        }
        LocatedSource input = new LocatedSource(0, TASKS, replicas::get);
        CompletableFuture<List<byte[]>> job = cluster.scheduler.submitJob(input, it -> 1, all(TASKS), "count");

        Deque<Launched> running = new ArrayDeque<>(cluster.take());
        assertThat(running).hasSize(HOSTS * 4);
        int nodeLocal = 0;
        int launched = running.size();
        while (!running.isEmpty()) {
            Launched task = running.poll();
            if (task.task().preferredHosts().contains("host" + task.executorId().substring(1))) {
                nodeLocal++;
            }
            cluster.succeedResult(task.task(), 0, Map.of());
            List<Launched> next = cluster.take();
            launched += next.size();
            running.addAll(next);
        }
        assertThat(job).isCompleted();
        assertThat(job.get()).hasSize(TASKS);
        assertThat(launched).isEqualTo(TASKS);
        // The clock never moved, so no locality wait ended: every task ran on a host holding its input.
        assertThat(nodeLocal).isEqualTo(TASKS);
        // Once to index the task, once for its task description.
        assertThat(input.locationLookups).isLessThanOrEqualTo(2L * TASKS);
    }
}
