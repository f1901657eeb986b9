package io.weft.planner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The index of waiting tasks on its own: lists by host and rack, lazy removal, retries, delay levels. */
@Timeout(30)
class PendingTasksTest {

    private static final Map<Integer, List<String>> INPUT = Map.of(0, List.of("h1", "h3"), 1, List.of("h2"), 2,
            List.of(), 3, List.of("h3"));
    private final ClusterHosts hosts = new ClusterHosts(host -> host.equals("h3") ? "/r2" : "/r1");

    private PendingTasks tasks(long nodeWait, long rackWait) {
        return new PendingTasks(List.of(0, 1, 2, 3), INPUT::get, hosts,
                new SchedulerConfig.Locality(nodeWait, rackWait), 0);
    }

    private void executorsOnEveryInputHost() {
        hosts.executorAdded("h1");
        hosts.executorAdded("h2");
        hosts.executorAdded("h3");
    }

    @Test
    void aTaskTakenThroughOneListIsNeverTakenThroughAnother() {
        executorsOnEveryInputHost();
        PendingTasks pending = tasks(0, 0);
        assertThat(pending.take("h3", "/r2", TaskLocality.NODE_LOCAL, i -> false))
                .isEqualTo(new PendingTasks.Taken(0, TaskLocality.NODE_LOCAL, true));
        assertThat(pending.take("h3", "/r2", TaskLocality.NODE_LOCAL, i -> false))
                .isEqualTo(new PendingTasks.Taken(3, TaskLocality.NODE_LOCAL, true));
        // Task 0 is also listed under h1 and rack /r1: those entries are stale and skipped.
        assertThat(pending.take("h1", "/r1", TaskLocality.RACK_LOCAL, i -> false))
                .isEqualTo(new PendingTasks.Taken(2, TaskLocality.NO_PREF, false));
        assertThat(pending.take("h1", "/r1", TaskLocality.RACK_LOCAL, i -> false))
                .isEqualTo(new PendingTasks.Taken(1, TaskLocality.RACK_LOCAL, true));
        assertThat(pending.take("h1", "/r1", TaskLocality.ANY, i -> false)).isNull();
        assertThat(pending.hasWaiting()).isFalse();
    }

    @Test
    void aRetryComesFirstAndAnAvoidedTaskKeepsItsPlace() {
        executorsOnEveryInputHost();
        PendingTasks pending = tasks(0, 0);
        // Off every input host and rack: the task without a preference first (as the linear poll did), then in order.
        assertThat(pending.take("h9", "/r9", TaskLocality.ANY, i -> false)).isEqualTo(
                new PendingTasks.Taken(2, TaskLocality.NO_PREF, false));
        assertThat(pending.take("h9", "/r9", TaskLocality.ANY, i -> false)).isEqualTo(
                new PendingTasks.Taken(0, TaskLocality.ANY, true));
        pending.retry(0);
        assertThat(pending.take("h9", "/r9", TaskLocality.ANY, i -> i == 0).index()).isEqualTo(1);
        assertThat(pending.take("h9", "/r9", TaskLocality.ANY, i -> false).index()).isEqualTo(0);
    }

    @Test
    void levelsRelaxAfterTheirWaitsOnlyWhileALiveExecutorCouldRunATaskThere() {
        PendingTasks pending = tasks(3_000, 5_000);
        assertThat(pending.allowedLevel(0)).as("no executors at all").isEqualTo(TaskLocality.ANY);

        hosts.executorAdded("h2");
        PendingTasks waiting = tasks(3_000, 5_000);
        assertThat(waiting.allowedLevel(2_999)).isEqualTo(TaskLocality.NODE_LOCAL);
        assertThat(waiting.allowedLevel(3_000)).isEqualTo(TaskLocality.RACK_LOCAL);
        assertThat(waiting.allowedLevel(7_999)).isEqualTo(TaskLocality.RACK_LOCAL);
        assertThat(waiting.allowedLevel(8_000)).isEqualTo(TaskLocality.ANY);
        waiting.resetWait(TaskLocality.NODE_LOCAL, 8_000);
        assertThat(waiting.allowedLevel(8_000)).isEqualTo(TaskLocality.NODE_LOCAL);
        // Task 1, the only one on h2, launches: nothing is left to wait for at the node level.
        assertThat(waiting.take("h2", "/r1", TaskLocality.NODE_LOCAL, i -> false).index()).isEqualTo(1);
        assertThat(waiting.allowedLevel(8_001)).isEqualTo(TaskLocality.RACK_LOCAL);
    }

    @Test
    void aTaskThatCannotRunOnAnInputHostOrRackNeverWaitsForOne() {
        hosts.executorAdded("h2");
        PendingTasks pending = tasks(3_000, 3_000);
        assertThat(pending.allowedLevel(0)).isEqualTo(TaskLocality.NODE_LOCAL);
        // At the level of tasks without a preference (which never wait), after the executor's own input:
        assertThat(pending.take("h2", "/r1", TaskLocality.NO_PREF, i -> false))
                .isEqualTo(new PendingTasks.Taken(1, TaskLocality.NODE_LOCAL, true));
        assertThat(pending.take("h2", "/r1", TaskLocality.NO_PREF, i -> false))
                .isEqualTo(new PendingTasks.Taken(2, TaskLocality.NO_PREF, false));
        // Task 0's input is on h1 and h3, neither with an executor: on rack /r1 it is as local as it can be.
        assertThat(pending.take("h2", "/r1", TaskLocality.NO_PREF, i -> false))
                .isEqualTo(new PendingTasks.Taken(0, TaskLocality.RACK_LOCAL, false));
        // Task 3's input is on rack /r2, which has no executor at all: anywhere is as good.
        assertThat(pending.take("h2", "/r1", TaskLocality.NO_PREF, i -> false))
                .isEqualTo(new PendingTasks.Taken(3, TaskLocality.ANY, false));
    }
}
