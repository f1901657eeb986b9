package io.weft.planner;

import static io.weft.planner.TestLineage.all;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.planner.TestingCluster.Launched;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Delay scheduling and rack awareness, on the fake cluster's clock with a hand-written topology: racks r1 = {h1,
 * h2} and r2 = {h3, h4}.
 */
@Timeout(30)
class DelaySchedulingTest {

    private static final Topology RACKS = host -> host.equals("h1") || host.equals("h2") ? "/r1" : "/r2";
    private static final SchedulerConfig WAITS = SchedulerConfig.DEFAULTS
            .withLocality(new SchedulerConfig.Locality(3_000, 5_000));

    private final TestingCluster cluster = new TestingCluster(WAITS, MapOutputJournal.NONE,
            new SchedulerListener() {
            }, RACKS);
    private final DagScheduler scheduler = cluster.scheduler;

    private static int partition(Launched launched) {
        return launched.task().partition();
    }

    @Test
    void aTaskWaitsForItsInputHostThenItsRackThenGoesAnywhere() {
        scheduler.executorAdded("e1", "h1", 1);
        scheduler.executorAdded("e3", "h3", 1);
        LocatedSource input = new LocatedSource(0, 3, p -> List.of("h1"));
        scheduler.submitJob(input, it -> 1, all(3), "count");
        List<Launched> first = cluster.take();
        assertThat(first).singleElement().satisfies(l -> assertThat(l.executorId()).isEqualTo("e1"));

        // e1 finishes and takes the next local task: e3 was turned away meanwhile, so the wait is not restarted.
        cluster.advance(2_000);
        cluster.succeedResult(first.get(0).task(), 0, Map.of());
        assertThat(cluster.take()).singleElement().satisfies(l -> assertThat(l.executorId()).isEqualTo("e1"));

        cluster.advance(999);
        assertThat(cluster.take()).as("node wait not over").isEmpty();
        cluster.advance(1);
        assertThat(cluster.take()).as("rack level: e3 is on another rack than h1").isEmpty();
        cluster.advance(4_999);
        assertThat(cluster.take()).as("rack wait not over").isEmpty();
        cluster.advance(1);
        assertThat(cluster.take()).singleElement().satisfies(l -> {
            assertThat(l.executorId()).isEqualTo("e3");
            assertThat(partition(l)).isEqualTo(2);
        });
    }

    @Test
    void aTaskWhoseInputHostHasNoExecutorGoesToItsRackAtOnce() {
        scheduler.executorAdded("e3", "h3", 1);
        scheduler.executorAdded("e2", "h2", 1);
        scheduler.submitJob(new LocatedSource(0, 1, p -> List.of("h1")), it -> 1, all(1), "count");
        assertThat(cluster.take()).singleElement().satisfies(l -> assertThat(l.executorId()).isEqualTo("e2"));
    }

    @Test
    void eachExecutorTakesTheTaskWhoseInputItHolds() {
        scheduler.executorAdded("e1", "h1", 1);
        scheduler.executorAdded("e2", "h2", 1);
        scheduler.executorAdded("e3", "h3", 1);
        scheduler.executorAdded("e4", "h4", 1);
        List<String> where = List.of("h4", "h3", "h2", "h1");
        scheduler.submitJob(new LocatedSource(0, 4, p -> List.of(where.get(p))), it -> 1, all(4), "count");
        assertThat(cluster.take()).hasSize(4)
                .allSatisfy(l -> assertThat(l.task().preferredHosts()).containsExactly(
                        "h" + l.executorId().substring(1)));
    }

    @Test
    void whenTheLastExecutorOnAnInputHostIsLostItsTasksStopWaitingForIt() {
        scheduler.executorAdded("e1", "h1", 1);
        scheduler.executorAdded("e2", "h2", 1);
        scheduler.submitJob(new LocatedSource(0, 2, p -> List.of("h1")), it -> 1, all(2), "count");
        Launched first = cluster.take().get(0);
        assertThat(first.executorId()).isEqualTo("e1");
        scheduler.executorLost("e1", "node lost", false);
        // Both tasks wait again, h1 has no executor: rack r1 (e2) takes one at once, without a node wait.
        assertThat(cluster.take()).singleElement().satisfies(l -> assertThat(l.executorId()).isEqualTo("e2"));
    }

    @Test
    void listenersHearHowLocalEachLaunchIs() {
        Map<Integer, TaskLocality> heard = new java.util.HashMap<>();
        TestingCluster recorded = new TestingCluster(WAITS, MapOutputJournal.NONE, new SchedulerListener() {
            @Override
            public void taskStarted(TaskDescription task, String executorId, boolean speculative,
                    TaskLocality locality) {
                heard.put(task.partition(), locality);
            }
        }, RACKS);
        recorded.scheduler.executorAdded("e1", "h1", 2);
        recorded.scheduler.executorAdded("e3", "h3", 2);
        List<List<String>> where = List.of(List.of("h1"), List.of(), List.of("h4"), List.of("h2"));
        recorded.scheduler.submitJob(new LocatedSource(0, 4, where::get), it -> 1, all(4), "count");
        assertThat(recorded.take()).hasSize(3);
        recorded.advance(5_000);
        assertThat(recorded.take()).hasSize(1);
        assertThat(heard).containsExactlyInAnyOrderEntriesOf(Map.of(0, TaskLocality.NODE_LOCAL, 1,
                TaskLocality.NO_PREF, 2, TaskLocality.RACK_LOCAL, 3, TaskLocality.ANY));
    }

    @Test
    void tasksWithoutAPreferenceNeverWait() {
        scheduler.executorAdded("e1", "h1", 1);
        scheduler.executorAdded("e3", "h3", 2);
        scheduler.submitJob(new LocatedSource(0, 3, p -> p == 1 ? List.of() : List.of("h1")), it -> 1, all(3),
                "count");
        List<Launched> launched = cluster.take();
        assertThat(launched).extracting(Launched::executorId, DelaySchedulingTest::partition)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("e1", 0),
                        org.assertj.core.groups.Tuple.tuple("e3", 1));
    }

    @Test
    void oneHostAsInLocalModeNeverWaits() {
        TestingCluster local = new TestingCluster(WAITS);
        local.scheduler.executorAdded("driver-0", "localhost", 1);
        local.scheduler.executorAdded("driver-1", "localhost", 1);
        // Inputs on other hosts (a remote HDFS): the one default rack holds them all, so nothing waits.
        local.scheduler.submitJob(new LocatedSource(0, 3, p -> p == 0 ? List.of("localhost") : List.of("dn" + p)),
                it -> 1, all(3), "count");
        List<Launched> first = local.take();
        assertThat(first).hasSize(2);
        local.succeedResult(first.get(0).task(), 0, Map.of());
        assertThat(local.take()).hasSize(1);
    }

    @Test
    void aRetryGoesFirstAndAvoidsTheExecutorItFailedOn() {
        scheduler.executorAdded("e1", "h1", 1);
        scheduler.executorAdded("e2", "h2", 1);
        scheduler.submitJob(new LocatedSource(0, 4, p -> List.of("h1")), it -> 1, all(4), "count");
        Launched first = cluster.take().get(0);
        assertThat(first.executorId()).isEqualTo("e1");
        scheduler.taskEnded(first.task().taskId(), new TaskOutcome.Failed(new io.weft.api.RemoteTaskException(
                "java.lang.IllegalStateException", "boom", new StackTraceElement[0], null)));
        // Partition 0 is first again, but not for e1: e1 takes the next local task, e2 (same rack) the retry.
        List<Launched> next = cluster.take();
        assertThat(next).extracting(Launched::executorId, DelaySchedulingTest::partition)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("e1", 1));
        cluster.advance(3_000);
        assertThat(cluster.take()).extracting(Launched::executorId, DelaySchedulingTest::partition)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("e2", 0));
    }

    @Test
    void theTimerOffersAgainWhenAWaitEnds() throws Exception {
        // The real scheduler thread and timer; only the clock is fake. Exclusion and speculation are off, so the
        // locality wait alone must start the timer.
        SchedulerConfig config = new SchedulerConfig(4, 4, SchedulerConfig.Exclusion.OFF,
                SchedulerConfig.Speculation.OFF, new SchedulerConfig.Locality(3_000, 3_000));
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1_000);
        List<String> launchedOn = new CopyOnWriteArrayList<>();
        CompletableFuture<String> remoteLaunch = new CompletableFuture<>();
        TaskLauncher launcher = new TaskLauncher() {
            @Override
            public void launchTask(String executorId, TaskDescription task) {
                launchedOn.add(executorId);
                if (executorId.equals("e3")) {
                    remoteLaunch.complete(executorId);
                }
            }

            @Override
            public void killTask(String executorId, long taskId) {
            }
        };
        try (DagScheduler threaded = new DagScheduler(config, launcher, cluster, cluster, new SchedulerListener() {
        }, MapOutputJournal.NONE, now::get, RACKS, r -> new Thread(r, "weft-scheduler-test"))) {
            threaded.start();
            threaded.executorAdded("e1", "h1", 1);
            threaded.executorAdded("e3", "h3", 1);
            threaded.submitJob(new LocatedSource(0, 2, p -> List.of("h1")), it -> 1, all(2), "count");
            assertThat(threaded.inspect(v -> v.runningTasks()).get(10, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(launchedOn).containsExactly("e1");
            now.addAndGet(6_000); // both waits over; no event follows but the timer's
            assertThat(remoteLaunch.get(20, TimeUnit.SECONDS)).isEqualTo("e3");
        }
    }
}
