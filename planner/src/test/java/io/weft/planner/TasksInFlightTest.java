package io.weft.planner;

import static io.weft.planner.TestLineage.all;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.planner.TestingCluster.Launched;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code weft.scheduler.tasksInFlightPerCore}: more attempts launched than an executor has cores, on the fake
 * cluster's clock. One host per rack unless a test says otherwise.
 */
@Timeout(30)
class TasksInFlightTest {

    private static final SchedulerConfig NO_WAIT = SchedulerConfig.DEFAULTS.withLocality(SchedulerConfig.Locality.OFF);

    private final TestLineage lineage = new TestLineage();

    private static List<String> executorsOf(List<Launched> launched) {
        return launched.stream().map(Launched::executorId).toList();
    }

    @Test
    void twoPerCoreGiveAnExecutorOfTwoCoresFourTasksAndKeepItAtFour() {
        TestingCluster cluster = new TestingCluster(NO_WAIT.withTasksInFlightPerCore(2));
        cluster.scheduler.executorAdded("e1", "h1", 2);
        CompletableFuture<List<byte[]>> job = cluster.scheduler.submitJob(lineage.source(6), it -> 1, all(6), "six");
        List<Launched> first = cluster.take();
        assertThat(executorsOf(first)).containsExactly("e1", "e1", "e1", "e1");
        cluster.succeedResult(first.get(0).task(), 1, Map.of());
        assertThat(cluster.take()).as("one ended, one more in flight").hasSize(1);
        for (int i = 1; i < 4; i++) {
            cluster.succeedResult(first.get(i).task(), 1, Map.of());
        }
        List<Launched> last = cluster.take();
        assertThat(last).hasSize(1);
        assertThat(job).isNotDone();
    }

    @Test
    void onePerCoreIsTodaysBehaviour() {
        TestingCluster cluster = new TestingCluster(NO_WAIT);
        assertThat(NO_WAIT.tasksInFlightPerCore()).isEqualTo(1);
        cluster.scheduler.executorAdded("e1", "h1", 2);
        cluster.scheduler.submitJob(lineage.source(6), it -> 1, all(6), "six");
        List<Launched> first = cluster.take();
        assertThat(executorsOf(first)).containsExactly("e1", "e1");
        cluster.succeedResult(first.get(0).task(), 1, Map.of());
        assertThat(cluster.take()).hasSize(1);
    }

    @Test
    void aSlotThatWouldQueueTakesOnlyATaskOnItsInputHost() {
        TestingCluster cluster = new TestingCluster(NO_WAIT.withTasksInFlightPerCore(2));
        cluster.scheduler.executorAdded("e1", "h1", 1);
        cluster.scheduler.executorAdded("e3", "h3", 1);
        cluster.scheduler.submitJob(new LocatedSource(0, 6, p -> List.of("h1")), it -> 1, all(6), "local");
        List<Launched> launched = cluster.take();
        // e1 runs one and queues one, both on their input host; e3 runs one elsewhere but queues none.
        assertThat(executorsOf(launched)).containsExactlyInAnyOrder("e1", "e1", "e3");
    }

    @Test
    void queuedAttemptsOfALostExecutorRunAgain() {
        TestingCluster cluster = new TestingCluster(NO_WAIT.withTasksInFlightPerCore(2));
        cluster.scheduler.executorAdded("e1", "h1", 1);
        CompletableFuture<List<byte[]>> job = cluster.scheduler.submitJob(lineage.source(2), it -> 1, all(2), "two");
        List<Launched> first = cluster.take();
        assertThat(first).hasSize(2);
        cluster.scheduler.executorLost("e1", "container killed", false);
        cluster.scheduler.executorAdded("e2", "h2", 1);
        List<Launched> again = cluster.take();
        assertThat(executorsOf(again)).containsExactly("e2", "e2");
        assertThat(again).extracting(l -> l.task().partition()).containsExactlyInAnyOrder(0, 1);
        for (Launched l : again) {
            cluster.succeedResult(l.task(), 1, Map.of());
        }
        cluster.take();
        assertThat(job).isCompleted();
    }

    @Test
    void anExecutorHoldingOnlyAQueuedAttemptIsNotIdle() {
        ExecutorPool pool = new ExecutorPool(host -> "/r", 2);
        pool.add("e1", "h1", 1);
        ExecutorPool.Slots slots = pool.get("e1");
        pool.occupy(slots);
        pool.occupy(slots);
        assertThat(slots.free).isZero();
        pool.release(slots);
        assertThat(slots.hasIdleCore()).as("the other attempt runs on its only core").isFalse();
        assertThat(pool.retireIfIdle("e1")).as("one attempt still held").isFalse();
        pool.release(slots);
        assertThat(pool.retireIfIdle("e1")).isTrue();
    }

    @Test
    void aQueuedSlotTakesNeitherRackLocalNorAnyHostLaunches() {
        ExecutorPool pool = new ExecutorPool(host -> "/r", 2);
        pool.add("e1", "h1", 1);
        ExecutorPool.Slots slots = pool.get("e1");
        assertThat(slots.takes(TaskLocality.ANY)).isTrue();
        pool.occupy(slots);
        assertThat(slots.takes(TaskLocality.NODE_LOCAL)).isTrue();
        assertThat(slots.takes(TaskLocality.NO_PREF)).isTrue();
        assertThat(slots.takes(TaskLocality.RACK_LOCAL)).isFalse();
        assertThat(slots.takes(TaskLocality.ANY)).isFalse();
    }

    @Test
    void cancellingKillsTheQueuedAttemptBeforeTheRunningOneFreesItsThread() {
        TestingCluster cluster = new TestingCluster(NO_WAIT.withTasksInFlightPerCore(2));
        cluster.scheduler.executorAdded("e1", "h1", 1);
        cluster.scheduler.submitJob(lineage.source(2), it -> 1, all(2), "two", new JobProperties("two", "g", true));
        List<Launched> launched = cluster.take();
        assertThat(launched).hasSize(2);
        cluster.scheduler.cancelJobGroup("g");
        cluster.scheduler.drainForTest();
        // The later launch waits behind the earlier on the executor's one thread: it must be marked killed first.
        assertThat(cluster.killed).containsExactly(launched.get(1).task().taskId(), launched.get(0).task().taskId());
    }
}
