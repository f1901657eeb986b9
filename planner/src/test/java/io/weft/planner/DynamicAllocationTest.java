package io.weft.planner;

import static io.weft.planner.TestLineage.all;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.lineage.Node;
import io.weft.planner.TestingCluster.Launched;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Dynamic allocation inside the real scheduler, on the fake cluster's clock: what the backend is asked for, which
 * executors it is told to release, and that a released executor never gets a task.
 */
@Timeout(30)
class DynamicAllocationTest {

    private final TestLineage lineage = new TestLineage();
    private final TestingCluster cluster = new TestingCluster(SchedulerConfig.DEFAULTS.withLocality(
            SchedulerConfig.Locality.OFF));
    private final RecordingAllocationClient client = new RecordingAllocationClient();

    /** Records what dynamic allocation asks of the backend. */
    static final class RecordingAllocationClient implements ExecutorAllocationClient {
        final List<Integer> totals = new ArrayList<>();
        final List<String> released = new ArrayList<>();
        final List<String> reasons = new ArrayList<>();

        @Override
        public void requestTotalExecutors(int total) {
            totals.add(total);
        }

        @Override
        public void releaseExecutors(List<String> executorIds, String reason) {
            released.addAll(executorIds);
            reasons.add(reason);
        }
    }

    private void start(int initial) {
        cluster.scheduler.startDynamicAllocation(new AllocationSettings(0, 10, initial, 1, 2_000, Long.MAX_VALUE,
                1_000, 1_000), client);
        cluster.scheduler.drainForTest();
    }

    @Test
    void aBacklogRaisesTheTargetAndIdleExecutorsAreReleasedButNeverOneRunningATask() {
        cluster.scheduler.executorAdded("1", "h1", 1);
        cluster.scheduler.executorAdded("2", "h2", 1);
        start(2);
        Node<Integer> source = lineage.source(6);
        cluster.scheduler.submitJob(source, it -> 1, all(6), "test");
        List<Launched> first = cluster.take();
        assertThat(first).hasSize(2);
        cluster.advance(100);
        cluster.advance(1_000);
        cluster.advance(1_000);
        assertThat(client.totals).as("4 tasks wait: 1 more, then 2 more").containsExactly(3, 5);
        // Every task but one ends; the last runs on executor 1 for a long time.
        for (Launched launched : first) {
            if (launched.executorId().equals("2")) {
                cluster.succeedResult(launched.task(), 1, Map.of());
            }
        }
        List<Launched> tail = new ArrayList<>();
        for (List<Launched> next = cluster.take(); !next.isEmpty(); next = cluster.take()) {
            for (Launched launched : next) {
                if (launched.executorId().equals("2")) {
                    cluster.succeedResult(launched.task(), 1, Map.of());
                } else {
                    tail.add(launched);
                }
            }
        }
        assertThat(tail).isEmpty();
        cluster.advance(100);
        assertThat(client.totals).as("only the running task is left: one executor").endsWith(1);
        cluster.advance(2_000);
        assertThat(client.released).as("executor 1 runs a task; 2 is idle").containsExactly("2");
        assertThat(client.reasons).containsExactly("released: idle");
        for (int i = 0; i < 5; i++) {
            cluster.advance(2_000);
        }
        assertThat(client.released).as("a busy executor is never released").containsExactly("2");
        // Executor 2 is retired: a new job's tasks never go there, even before its loss is reported.
        cluster.scheduler.submitJob(lineage.source(2), it -> 1, all(2), "second");
        assertThat(cluster.take()).isEmpty();
        assertThat(tail).isEmpty();
    }

    @Test
    void theFirstTickKeepsTheInitialTargetAndAReleasedExecutorIsForgottenWhenLost() {
        start(2);
        cluster.scheduler.executorAdded("1", "h1", 1);
        cluster.scheduler.executorAdded("2", "h2", 1);
        cluster.advance(100);
        assertThat(client.totals).as("the initial 2 hold while the executors come").isEmpty();
        cluster.advance(2_000);
        assertThat(client.totals).containsExactly(0);
        assertThat(client.released).containsExactly("1", "2");
        cluster.scheduler.executorLost("1", "released: idle", false);
        cluster.scheduler.executorLost("2", "released: idle", false);
        cluster.scheduler.submitJob(lineage.source(1), it -> 1, all(1), "later");
        cluster.take();
        cluster.advance(100);
        cluster.advance(1_000);
        assertThat(client.totals).as("a backlog brings one back").containsExactly(0, 1);
    }
}
