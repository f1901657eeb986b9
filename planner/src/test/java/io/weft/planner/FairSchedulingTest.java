package io.weft.planner;

import static io.weft.planner.TestLineage.all;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.JobCancelledException;
import io.weft.api.lineage.Node;
import io.weft.planner.TestingCluster.Launched;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code weft.scheduler.mode = FAIR} on the scheduler's fakes: free cores shared between pools by running tasks,
 * FIFO within a pool, nothing killed for a late pool, and FIFO mode unchanged. Each job here is one result stage, so
 * a launched task's stage id names its job's pool.
 */
@Timeout(30)
class FairSchedulingTest {

    private static final SchedulerConfig NO_WAIT = SchedulerConfig.DEFAULTS.withLocality(SchedulerConfig.Locality.OFF);
    private static final SchedulerConfig FAIR = NO_WAIT.withMode(SchedulerConfig.Mode.FAIR);

    private final TestLineage lineage = new TestLineage();
    /** Stage id of each job's result stage to the job's pool, as the scheduler announced the job. */
    private final Map<Integer, String> poolOfStage = new HashMap<>();
    /** The attempts launched and not yet ended, oldest first. */
    private final List<Launched> running = new ArrayList<>();

    private TestingCluster cluster(SchedulerConfig config) {
        return new TestingCluster(config, MapOutputJournal.NONE, new SchedulerListener() {
            @Override
            public void jobStarted(int jobId, String callSite, ResultStage stage, JobProperties properties) {
                poolOfStage.put(stage.id(), properties.pool());
            }
        });
    }

    private static JobProperties pool(String name) {
        return new JobProperties(null, null, false, name);
    }

    private static JobProperties poolAndGroup(String name, String group) {
        return new JobProperties(null, group, false, name);
    }

    private CompletableFuture<List<byte[]>> submit(TestingCluster cluster, int tasks, JobProperties properties) {
        Node<Integer> source = lineage.source(tasks);
        return cluster.scheduler.submitJob(source, it -> 1, all(tasks), "job", properties);
    }

    /** Takes the new launches into {@link #running} and returns how many each pool got. */
    private Map<String, Integer> launches(TestingCluster cluster) {
        List<Launched> launched = cluster.take();
        running.addAll(launched);
        return byPool(launched);
    }

    private Map<String, Integer> byPool(List<Launched> launched) {
        Map<String, Integer> counts = new HashMap<>();
        launched.forEach(l -> counts.merge(poolOfStage.get(l.task().stageId()), 1, Integer::sum));
        return counts;
    }

    /** Ends the oldest running attempt of the pool successfully. */
    private void endOldest(TestingCluster cluster, String pool) {
        Launched oldest = running.stream().filter(l -> poolOfStage.get(l.task().stageId()).equals(pool))
                .findFirst().orElseThrow();
        running.remove(oldest);
        cluster.succeedResult(oldest.task(), 1, Map.of());
    }

    @Test
    void twoPoolsWithBacklogsSplitOneRoundEvenlyAndKeepSharingAsTasksEnd() {
        TestingCluster cluster = cluster(FAIR);
        submit(cluster, 40, pool("a"));
        submit(cluster, 40, pool("b"));
        assertThat(cluster.take()).isEmpty();
        cluster.scheduler.executorAdded("e1", "h1", 8);
        assertThat(launches(cluster)).as("one round of 8 free cores").isEqualTo(Map.of("a", 4, "b", 4));
        // Tasks end unevenly: three of a's, then one of b's, and so on; each freed core goes back to the pool that
        // is short of its share.
        String[] endings = {"a", "a", "a", "b", "b", "a", "b", "b", "b", "a", "a", "b"};
        for (String pool : endings) {
            endOldest(cluster, pool);
            assertThat(launches(cluster)).as("after one of %s's tasks ended", pool).isEqualTo(Map.of(pool, 1));
            assertThat(byPool(running)).isEqualTo(Map.of("a", 4, "b", 4));
        }
        assertThat(cluster.killed).isEmpty();
    }

    @Test
    void aPoolArrivingLaterGetsItsShareAtTheNextFreeCoresWithoutKillingAnything() {
        TestingCluster cluster = cluster(FAIR);
        cluster.scheduler.executorAdded("e1", "h1", 4);
        submit(cluster, 40, pool("a"));
        assertThat(launches(cluster)).isEqualTo(Map.of("a", 4));
        submit(cluster, 40, pool("b"));
        assertThat(launches(cluster)).as("no free core: b waits, nothing is killed").isEmpty();
        assertThat(cluster.killed).isEmpty();

        endOldest(cluster, "a");
        assertThat(launches(cluster)).isEqualTo(Map.of("b", 1));
        endOldest(cluster, "a");
        assertThat(launches(cluster)).isEqualTo(Map.of("b", 1));
        // 2 and 2 now: a tie goes to the pool whose waiting task set was submitted first, a's.
        endOldest(cluster, "a");
        assertThat(launches(cluster)).isEqualTo(Map.of("a", 1));
        endOldest(cluster, "b");
        assertThat(launches(cluster)).isEqualTo(Map.of("b", 1));
        assertThat(byPool(running)).isEqualTo(Map.of("a", 2, "b", 2));
        assertThat(cluster.killed).isEmpty();
    }

    @Test
    void onePoolAloneGetsEveryCoreAndRunsItsTaskSetsInSubmissionOrder() {
        TestingCluster cluster = cluster(FAIR);
        CompletableFuture<List<byte[]>> first = submit(cluster, 3, pool("a"));
        submit(cluster, 20, pool("a"));
        cluster.scheduler.executorAdded("e1", "h1", 8);
        List<Launched> launched = cluster.take();
        assertThat(launched).hasSize(8);
        // FIFO within the pool: the first job's three tasks, then the second's.
        int firstStage = launched.get(0).task().stageId();
        assertThat(launched.subList(0, 3)).allMatch(l -> l.task().stageId() == firstStage);
        assertThat(launched.subList(3, 8)).noneMatch(l -> l.task().stageId() == firstStage);
        launched.subList(0, 3).forEach(l -> cluster.succeedResult(l.task(), 1, Map.of()));
        assertThat(cluster.take()).hasSize(3);
        assertThat(first).isCompleted();
    }

    @Test
    void withinAPoolTaskSetsQueueInSubmissionOrderWhileTheOtherPoolGetsItsShare() {
        TestingCluster cluster = cluster(FAIR);
        submit(cluster, 20, pool("a"));
        submit(cluster, 20, pool("a"));
        submit(cluster, 20, pool("b"));
        cluster.scheduler.executorAdded("e1", "h1", 8);
        List<Launched> launched = cluster.take();
        assertThat(byPool(launched)).isEqualTo(Map.of("a", 4, "b", 4));
        assertThat(launched.stream().map(l -> l.task().stageId()).distinct()).as("a's second job waits").hasSize(2);
    }

    @Test
    void fifoModeIgnoresPools() {
        TestingCluster cluster = cluster(NO_WAIT);
        assertThat(NO_WAIT.mode()).isEqualTo(SchedulerConfig.Mode.FIFO);
        submit(cluster, 40, pool("a"));
        submit(cluster, 40, pool("b"));
        cluster.scheduler.executorAdded("e1", "h1", 8);
        assertThat(launches(cluster)).isEqualTo(Map.of("a", 8));
        endOldest(cluster, "a");
        assertThat(launches(cluster)).isEqualTo(Map.of("a", 1));
    }

    @Test
    void aPoolWaitingForLocalityLeavesOtherCoresToTheOtherPool() {
        TestingCluster cluster = cluster(SchedulerConfig.DEFAULTS.withMode(SchedulerConfig.Mode.FAIR));
        cluster.scheduler.executorAdded("e1", "h1", 4);
        cluster.scheduler.executorAdded("e2", "h2", 4);
        cluster.take();
        cluster.scheduler.submitJob(new LocatedSource(100, 10, p -> List.of("h1")), it -> 1, all(10), "local",
                pool("a"));
        submit(cluster, 20, pool("b"));
        List<Launched> launched = cluster.take();
        running.addAll(launched);
        List<Launched> ofA = launched.stream().filter(l -> poolOfStage.get(l.task().stageId()).equals("a"))
                .toList();
        assertThat(launched).as("every core is used").hasSize(8);
        assertThat(ofA).as("a launches only on its input host while it waits").isNotEmpty()
                .allMatch(l -> l.executorId().equals("e1"));
    }

    @Test
    void cancellingOneGroupKillsOnlyItsTasksAndItsCoresGoToTheOtherPool() throws Exception {
        TestingCluster cluster = cluster(FAIR);
        CompletableFuture<List<byte[]>> cancelled = submit(cluster, 40, poolAndGroup("a", "g"));
        CompletableFuture<List<byte[]>> other = submit(cluster, 40, poolAndGroup("b", "h"));
        cluster.scheduler.executorAdded("e1", "h1", 8);
        assertThat(launches(cluster)).isEqualTo(Map.of("a", 4, "b", 4));
        List<Long> ofA = running.stream().filter(l -> poolOfStage.get(l.task().stageId()).equals("a"))
                .map(l -> l.task().taskId()).toList();

        cluster.scheduler.cancelJobGroup("g");
        cluster.scheduler.drainForTest();

        assertThat(cluster.killed).containsExactlyInAnyOrderElementsOf(ofA);
        assertThat(cancelled).isCompletedExceptionally();
        try {
            cancelled.get();
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(JobCancelledException.class);
        }
        for (long id : ofA) {
            cluster.scheduler.taskEnded(id, new TaskOutcome.Killed());
        }
        assertThat(launches(cluster)).as("the freed cores go to b").isEqualTo(Map.of("b", 4));
        assertThat(other).isNotDone();
    }

    @Test
    void tasksInFlightPerCoreSlotsAreSharedToo() {
        TestingCluster cluster = cluster(FAIR.withTasksInFlightPerCore(2));
        submit(cluster, 10, pool("a"));
        submit(cluster, 10, pool("b"));
        cluster.scheduler.executorAdded("e1", "h1", 2);
        assertThat(launches(cluster)).as("2 cores x 2 in flight").isEqualTo(Map.of("a", 2, "b", 2));
        endOldest(cluster, "b");
        assertThat(launches(cluster)).isEqualTo(Map.of("b", 1));
    }

    @Test
    void aSpeculativeCopyWaitsUntilNoPoolHasAWaitingTaskThatCouldUseTheCore() {
        SchedulerConfig speculating = new SchedulerConfig(4, 4, SchedulerConfig.Exclusion.OFF,
                new SchedulerConfig.Speculation(true, 0.5, 1.5, 100), SchedulerConfig.Locality.OFF)
                .withMode(SchedulerConfig.Mode.FAIR);
        TestingCluster cluster = cluster(speculating);
        cluster.scheduler.executorAdded("e1", "h1", 2);
        cluster.scheduler.executorAdded("e2", "h2", 2);
        submit(cluster, 4, pool("a"));
        assertThat(launches(cluster)).isEqualTo(Map.of("a", 4));
        submit(cluster, 6, pool("b"));
        cluster.advance(200);
        for (int i = 0; i < 3; i++) {
            endOldest(cluster, "a");
        }
        assertThat(launches(cluster)).as("a has nothing waiting: the cores go to b").isEqualTo(Map.of("b", 3));
        Launched slow = running.stream().filter(l -> poolOfStage.get(l.task().stageId()).equals("a")).findFirst()
                .orElseThrow();
        cluster.advance(1_000); // a's last task is now slow, but every core is busy
        assertThat(cluster.take()).isEmpty();

        // b's tasks end one by one: while b has a task waiting, the freed core is b's, though a runs fewer tasks.
        for (int i = 0; i < 3; i++) {
            endOldest(cluster, "b");
            assertThat(launches(cluster)).isEqualTo(Map.of("b", 1));
        }
        // Nothing waits any more: a freed core on the other executor than the slow attempt's gets the copy.
        List<Launched> copies = new ArrayList<>();
        while (copies.isEmpty() && running.stream().anyMatch(l -> poolOfStage.get(l.task().stageId()).equals("b"))) {
            endOldest(cluster, "b");
            copies.addAll(cluster.take());
        }
        assertThat(copies).hasSize(1);
        assertThat(copies.get(0).task().partition()).isEqualTo(slow.task().partition());
        assertThat(copies.get(0).task().stageId()).isEqualTo(slow.task().stageId());
        assertThat(copies.get(0).executorId()).isNotEqualTo(slow.executorId());
    }

    @Test
    void aCoreOnAnExecutorExcludedForAPoolsStageGoesToTheOtherPool() {
        SchedulerConfig excluding = new SchedulerConfig(4, 4, new SchedulerConfig.Exclusion(true, 2, 2, 10_000,
                5_000), SchedulerConfig.Speculation.OFF, SchedulerConfig.Locality.OFF)
                .withMode(SchedulerConfig.Mode.FAIR);
        TestingCluster cluster = cluster(excluding);
        cluster.scheduler.executorAdded("e1", "h1", 3);
        cluster.scheduler.executorAdded("e2", "h2", 2);
        submit(cluster, 20, pool("a"));
        assertThat(launches(cluster)).isEqualTo(Map.of("a", 5));
        // Two of a's tasks fail on e1, one after the other; the first failure's core is given a's next task.
        failOldestOn(cluster, "e1");
        assertThat(launches(cluster)).isEqualTo(Map.of("a", 1));
        failOldestOn(cluster, "e1");
        assertThat(cluster.take()).as("e1 now runs no more of a's stage").isEmpty();
        submit(cluster, 20, pool("b"));
        assertThat(launches(cluster)).isEqualTo(Map.of("b", 1));
        // a runs 4 (2 on each executor), b 1. Two of a's tasks end on e1: the first core would be b's anyway; the
        // second would be a's (2 and 2, a submitted first), but e1 is excluded for a's stage.
        List<Launched> aOnE1 = running.stream().filter(l -> l.executorId().equals("e1")
                && poolOfStage.get(l.task().stageId()).equals("a")).toList();
        assertThat(aOnE1).hasSize(2);
        for (Launched ending : aOnE1) {
            running.remove(ending);
            cluster.succeedResult(ending.task(), 1, Map.of());
        }
        List<Launched> next = cluster.take();
        assertThat(next).extracting(Launched::executorId).containsExactly("e1", "e1");
        assertThat(byPool(next)).isEqualTo(Map.of("b", 2));
    }

    private void failOldestOn(TestingCluster cluster, String executorId) {
        Launched failing = running.stream().filter(l -> l.executorId().equals(executorId)).findFirst()
                .orElseThrow();
        running.remove(failing);
        cluster.scheduler.taskEnded(failing.task().taskId(), new TaskOutcome.Failed(new io.weft.api.RemoteTaskException(
                "java.lang.IllegalStateException", "boom", new StackTraceElement[0], null)));
    }
}
