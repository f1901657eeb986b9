package io.weft.planner;

import static io.weft.planner.TestLineage.all;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.JobFailedException;
import io.weft.api.Pair;
import io.weft.api.RemoteTaskException;
import io.weft.api.lineage.Node;
import io.weft.planner.TestingCluster.Launched;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** Exclusion of failing executors, speculation of slow tasks and recovery of map outputs from a journal. */
@org.junit.jupiter.api.Timeout(30)
class DagSchedulerFaultsTest {

    private static final SchedulerConfig.Exclusion EXCLUDE = new SchedulerConfig.Exclusion(true, 2, 2, 10_000,
            5_000);
    private static final SchedulerConfig.Speculation NO_SPECULATION = SchedulerConfig.Speculation.OFF;
    private static final SchedulerConfig.Speculation SPECULATE = new SchedulerConfig.Speculation(true, 0.5, 1.5,
            100);
    private final TestLineage lineage = new TestLineage();

    private static TaskOutcome.Failed boom() {
        return new TaskOutcome.Failed(new RemoteTaskException("java.lang.IllegalStateException", "boom",
                new StackTraceElement[0], null));
    }

    private static Throwable failure(CompletableFuture<?> job) {
        assertThat(job).as("the job has ended").isDone();
        try {
            job.get();
            throw new AssertionError("the job succeeded");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Runs every launched task to success until the job is done. */
    private static void succeedAll(TestingCluster cluster) {
        List<Launched> launched;
        while (!(launched = cluster.take()).isEmpty()) {
            launched.forEach(l -> cluster.succeedResult(l.task(), 1, Map.of()));
        }
    }

    @Test
    void anExecutorWithRepeatedFailuresGetsNoMoreTasksOfTheStageThenNoneAtAllUntilItsExclusionExpires()
            throws Exception {
        TestingCluster cluster = new TestingCluster(new SchedulerConfig(10, 4, EXCLUDE, NO_SPECULATION));
        DagScheduler scheduler = cluster.scheduler;
        scheduler.executorAdded("bad", "h1", 1);
        CompletableFuture<List<byte[]>> job = scheduler.submitJob(lineage.source(4), it -> 1, all(4), "count");
        // Two failures on "bad" (the only executor, so retries land there too) exclude it from this stage.
        for (int i = 0; i < 2; i++) {
            Launched attempt = cluster.take().get(0);
            assertThat(attempt.executorId()).isEqualTo("bad");
            scheduler.taskEnded(attempt.task().taskId(), boom());
        }
        assertThat(cluster.take()).isEmpty();
        scheduler.executorAdded("good", "h2", 1);
        List<Launched> next = cluster.take();
        assertThat(next).hasSize(1).extracting(Launched::executorId).containsOnly("good");
        next.forEach(l -> cluster.succeedResult(l.task(), 1, Map.of()));
        succeedAll(cluster);
        assertThat(job.get()).hasSize(4);
        // The stage succeeded elsewhere: "bad" is to blame, and gets nothing in the next job either.
        CompletableFuture<List<byte[]>> second = scheduler.submitJob(lineage.source(2), it -> 1, all(2), "count");
        assertThat(cluster.take()).extracting(Launched::executorId).containsOnly("good");
        // After the timeout "bad" is usable again.
        cluster.advance(10_001);
        assertThat(cluster.take()).extracting(Launched::executorId).containsOnly("bad");
        assertThat(second).isNotDone();
    }

    @Test
    void aTaskThatFailsEverywhereFailsItsJobButExcludesNoExecutorForTheNext() throws Exception {
        TestingCluster cluster = new TestingCluster(new SchedulerConfig(4, 4, EXCLUDE, NO_SPECULATION));
        DagScheduler scheduler = cluster.scheduler;
        scheduler.executorAdded("e1", "h1", 1);
        scheduler.executorAdded("e2", "h2", 1);
        CompletableFuture<List<byte[]>> job = scheduler.submitJob(lineage.source(1), it -> 1, all(1), "count");
        for (int i = 0; i < 4; i++) {
            List<Launched> attempt = cluster.take();
            assertThat(attempt).hasSize(1);
            scheduler.taskEnded(attempt.get(0).task().taskId(), boom());
        }
        scheduler.drainForTest();
        assertThat(failure(job)).hasMessageContaining("failed 4 times").hasMessageContaining("boom");
        CompletableFuture<List<byte[]>> next = scheduler.submitJob(lineage.source(2), it -> 1, all(2), "count");
        assertThat(cluster.take()).extracting(Launched::executorId).containsExactlyInAnyOrder("e1", "e2");
        assertThat(next).isNotDone();
    }

    @Test
    void aDisconnectedExecutorGetsNoTasksAndItsRunningTaskFailsWithTheReasonThatFollows() {
        TestingCluster cluster = new TestingCluster(new SchedulerConfig(4, 4, EXCLUDE, NO_SPECULATION));
        DagScheduler scheduler = cluster.scheduler;
        scheduler.executorAdded("e1", "h1", 1);
        CompletableFuture<List<byte[]>> job = scheduler.submitJob(lineage.source(2), it -> 1, all(2), "count");
        List<Launched> first = cluster.take();
        assertThat(first).hasSize(1);
        scheduler.executorDisconnected("e1");
        // The first task's slot frees, but a disconnected executor gets nothing more; its task is still running.
        cluster.succeedResult(first.get(0).task(), 1, Map.of());
        assertThat(cluster.take()).isEmpty();
        scheduler.executorAdded("e2", "h2", 1);
        List<Launched> second = cluster.take();
        assertThat(second).extracting(Launched::executorId).containsExactly("e2");
        scheduler.executorDisconnected("e2");
        scheduler.executorLost("e2", "container_7 was killed for exceeding its physical memory limit", true);
        scheduler.drainForTest();
        assertThat(job).isNotDone();
        scheduler.executorAdded("e3", "h3", 1);
        List<Launched> retry = cluster.take();
        assertThat(retry).extracting(Launched::executorId).containsExactly("e3");
        assertThat(retry.get(0).task().attemptNumber()).as("the memory kill counted as a failed attempt").isEqualTo(1);
    }

    @Test
    void lossesNoTaskCouldCauseRunItAgainWithoutCountingAFailure() throws Exception {
        // One attempt allowed: a single counted failure would fail the job.
        TestingCluster cluster = new TestingCluster(new SchedulerConfig(1, 4, EXCLUDE, NO_SPECULATION));
        DagScheduler scheduler = cluster.scheduler;
        CompletableFuture<List<byte[]>> job = scheduler.submitJob(lineage.source(1), it -> 1, all(1), "count");
        for (int i = 1; i <= 3; i++) {
            scheduler.executorAdded("e" + i, "h" + i, 1);
            assertThat(cluster.take()).extracting(Launched::executorId).containsExactly("e" + i);
            scheduler.executorLost("e" + i, "container_" + i + " was preempted by YARN", false);
            scheduler.drainForTest();
            assertThat(job).as("preemption %d", i).isNotDone();
        }
        scheduler.executorAdded("e4", "h4", 1);
        List<Launched> last = cluster.take();
        cluster.succeedResult(last.get(0).task(), 1, Map.of());
        scheduler.drainForTest();
        assertThat(job.get()).hasSize(1);
        // A loss the task may have caused counts: with one attempt allowed, the next job fails at once.
        CompletableFuture<List<byte[]>> next = scheduler.submitJob(lineage.source(2), it -> 1, all(1), "count");
        List<Launched> doomed = cluster.take();
        assertThat(doomed).hasSize(1);
        scheduler.executorLost(doomed.get(0).executorId(), "killed for exceeding its physical memory limit", true);
        scheduler.drainForTest();
        assertThat(failure(next)).hasMessageContaining("killed for exceeding its physical memory limit");
    }

    @Test
    void twoExcludedExecutorsOnAHostExcludeTheHostAndTellTheBackend() throws Exception {
        TestingCluster cluster = new TestingCluster(new SchedulerConfig(10, 4, EXCLUDE, NO_SPECULATION));
        DagScheduler scheduler = cluster.scheduler;
        scheduler.executorAdded("a", "badhost", 1);
        scheduler.executorAdded("b", "badhost", 1);
        CompletableFuture<List<byte[]>> job = scheduler.submitJob(lineage.source(8), it -> 1, all(8), "count");
        for (int round = 0; round < 2; round++) {
            for (Launched l : cluster.take()) {
                scheduler.taskEnded(l.task().taskId(), boom());
            }
        }
        assertThat(cluster.take()).isEmpty();
        scheduler.executorAdded("d", "goodhost", 1);
        succeedAll(cluster);
        assertThat(job.get()).hasSize(8);
        assertThat(cluster.excludedNodes).containsExactly(Set.of("badhost"));
        // A new executor on the excluded host gets nothing; one elsewhere does.
        scheduler.executorAdded("c", "badhost", 1);
        scheduler.submitJob(lineage.source(2), it -> 1, all(2), "count");
        assertThat(cluster.take()).extracting(Launched::executorId).containsOnly("d");
        cluster.advance(10_001);
        assertThat(cluster.excludedNodes).last().isEqualTo(Set.of());
    }

    @Test
    void aStageThatFindsEveryExecutorExcludedFailsWithAMessageSayingSo() {
        TestingCluster cluster = new TestingCluster(new SchedulerConfig(10, 4, EXCLUDE, NO_SPECULATION));
        DagScheduler scheduler = cluster.scheduler;
        scheduler.executorAdded("e1", "h1", 1);
        CompletableFuture<List<byte[]>> job = scheduler.submitJob(lineage.source(2), it -> 1, all(2), "count");
        for (int i = 0; i < 2; i++) {
            scheduler.taskEnded(cluster.take().get(0).task().taskId(), boom());
        }
        cluster.advance(0);
        cluster.advance(4_000);
        assertThat(job).isNotDone();
        cluster.advance(1_001);
        assertThat(failure(job)).isInstanceOf(JobFailedException.class)
                .hasMessageContaining("every executor (e1 on h1) is excluded")
                .hasMessageContaining("Most recent failure: task 1").hasMessageContaining("boom")
                .hasMessageContaining("weft.exclude.maxFailuresPerExecutor")
                .hasCauseInstanceOf(RemoteTaskException.class);
    }

    @Test
    void withExclusionOffFailuresOnlyCountTowardsTheTaskLimit() {
        TestingCluster cluster = new TestingCluster(new SchedulerConfig(3, 4, SchedulerConfig.Exclusion.OFF,
                NO_SPECULATION));
        DagScheduler scheduler = cluster.scheduler;
        scheduler.executorAdded("e1", "h1", 1);
        CompletableFuture<List<byte[]>> job = scheduler.submitJob(lineage.source(1), it -> 1, all(1), "count");
        for (int i = 0; i < 3; i++) {
            List<Launched> launched = cluster.take();
            assertThat(launched).hasSize(1);
            scheduler.taskEnded(launched.get(0).task().taskId(), boom());
        }
        cluster.scheduler.drainForTest();
        assertThat(failure(job)).hasMessageContaining("failed 3 times");
    }

    @Test
    void aSlowTaskGetsACopyElsewhereTheFirstToFinishWinsAndTheOtherIsKilled() throws Exception {
        TestingCluster cluster = new TestingCluster(new SchedulerConfig(4, 4, EXCLUDE, SPECULATE));
        DagScheduler scheduler = cluster.scheduler;
        scheduler.executorAdded("slow", "h1", 1);
        scheduler.executorAdded("fast", "h2", 1);
        CompletableFuture<List<byte[]>> job = scheduler.submitJob(lineage.source(3), it -> 1, all(3), "count");
        List<Launched> first = cluster.take();
        Launched stuck = first.stream().filter(l -> l.executorId().equals("slow")).findFirst().orElseThrow();
        Launched quick = first.stream().filter(l -> l.executorId().equals("fast")).findFirst().orElseThrow();
        cluster.now.addAndGet(100);
        cluster.succeedResult(quick.task(), 1, Map.of(9L, 1L));
        Launched third = cluster.take().get(0);
        assertThat(third.executorId()).isEqualTo("fast");
        cluster.now.addAndGet(50);
        cluster.succeedResult(third.task(), 1, Map.of(9L, 1L));
        assertThat(cluster.take()).isEmpty();
        // Median success 100 ms: the stuck task, 150 ms old now, is slow once it has run more than 150 ms.
        cluster.advance(0);
        assertThat(cluster.take()).isEmpty();
        cluster.advance(10);
        List<Launched> copies = cluster.take();
        assertThat(copies).hasSize(1);
        Launched copy = copies.get(0);
        assertThat(copy.executorId()).isEqualTo("fast");
        assertThat(copy.task().partition()).isEqualTo(stuck.task().partition());
        assertThat(copy.task().attemptNumber()).isEqualTo(1);
        // The copy wins; the original is killed, and its late success counts for nothing.
        cluster.succeedResult(copy.task(), 7, Map.of(9L, 1L));
        scheduler.drainForTest();
        assertThat(cluster.killed).containsExactly(stuck.task().taskId());
        cluster.succeedResult(stuck.task(), 8, Map.of(9L, 1L));
        scheduler.drainForTest();
        assertThat(job.get()).extracting(bytes -> (int) bytes[0]).contains(7).doesNotContain(8);
        assertThat(cluster.accumulators).containsEntry(9L, 3L);
        // Only one copy per task, however long it runs.
        cluster.advance(10_000);
        assertThat(cluster.take()).isEmpty();
    }

    @Test
    void aFailedSpeculativeCopyIsNotRetriedWhileTheOriginalRuns() throws Exception {
        TestingCluster cluster = new TestingCluster(new SchedulerConfig(4, 4, SchedulerConfig.Exclusion.OFF,
                SPECULATE));
        DagScheduler scheduler = cluster.scheduler;
        scheduler.executorAdded("a", "h1", 1);
        scheduler.executorAdded("b", "h2", 1);
        CompletableFuture<List<byte[]>> job = scheduler.submitJob(lineage.source(2), it -> 1, all(2), "count");
        List<Launched> first = cluster.take();
        cluster.now.addAndGet(100);
        cluster.succeedResult(first.get(1).task(), 1, Map.of());
        scheduler.drainForTest();
        cluster.advance(200);
        List<Launched> copies = cluster.take();
        assertThat(copies).hasSize(1);
        Launched copy = copies.get(0);
        scheduler.taskEnded(copy.task().taskId(), boom());
        assertThat(cluster.take()).isEmpty();
        cluster.succeedResult(first.get(0).task(), 1, Map.of());
        scheduler.drainForTest();
        assertThat(job.get()).hasSize(2);
    }

    @Test
    void mapOutputsAnEarlierAttemptCommittedAreRecoveredNotRecomputed() throws Exception {
        RecordingJournal journal = new RecordingJournal();
        TestingCluster first = new TestingCluster(SchedulerConfig.DEFAULTS, journal, new SchedulerListener() {
        });
        first.scheduler.executorAdded("e1", "h1", 4);
        first.scheduler.submitJob(lineage.shuffled(3, 2), it -> 1, all(2), "collect");
        List<Launched> maps = first.take();
        assertThat(maps).hasSize(3);
        first.succeedMap(maps.get(0).task(), "e1", 2);
        first.succeedMap(maps.get(1).task(), "e1", 2);
        first.scheduler.drainForTest();
        assertThat(journal.entries).hasSize(1);
        assertThat(journal.entries.values().iterator().next()).extracting(MapStatus::mapIndex)
                .containsExactlyInAnyOrder(0, 1);

        // The "new attempt": same program, same ids, a fresh scheduler reading the same journal.
        lineage.reset();
        List<Integer> recovered = new ArrayList<>();
        TestingCluster second = new TestingCluster(SchedulerConfig.DEFAULTS, journal, new SchedulerListener() {
            @Override
            public void mapOutputsRecovered(ShuffleMapStage stage, int outputs) {
                recovered.add(outputs);
            }
        });
        second.scheduler.executorAdded("e9", "h1", 4);
        CompletableFuture<List<byte[]>> job = second.scheduler.submitJob(lineage.shuffled(3, 2), it -> 1, all(2),
                "collect");
        List<Launched> rerun = second.take();
        assertThat(rerun).hasSize(1);
        assertThat(rerun.get(0).task().partition()).isEqualTo(2);
        assertThat(recovered).containsExactly(2);
        second.succeedMap(rerun.get(0).task(), "e9", 2);
        List<Launched> reduces = second.take();
        assertThat(reduces).hasSize(2).extracting(l -> l.task().isMapTask()).containsOnly(false);
        reduces.forEach(l -> second.succeedResult(l.task(), 1, Map.of()));
        second.scheduler.drainForTest();
        assertThat(job.get()).hasSize(2);
    }

    @Test
    void aDifferentMapStageUnderTheSameShuffleIdRecoversNothing() {
        RecordingJournal journal = new RecordingJournal();
        journal.entries.put("0/some-other-program", new ArrayList<>(List.of(new MapStatus(0, 1, "e1",
                "/shuffle/map_0_1", new long[] {0, 10}, new long[] {10, 10}))));
        TestingCluster cluster = new TestingCluster(SchedulerConfig.DEFAULTS, journal, new SchedulerListener() {
        });
        cluster.scheduler.executorAdded("e1", "h1", 4);
        cluster.scheduler.submitJob(lineage.shuffled(2, 2), it -> 1, all(2), "collect");
        assertThat(cluster.take()).hasSize(2).extracting(l -> l.task().isMapTask()).containsOnly(true);
    }

    /** Keeps committed outputs in memory, keyed by shuffle id and fingerprint. */
    private static final class RecordingJournal implements MapOutputJournal {
        final Map<String, List<MapStatus>> entries = new HashMap<>();

        @Override
        public List<MapStatus> recover(int shuffleId, String fingerprint) {
            return entries.getOrDefault(shuffleId + "/" + fingerprint, List.of());
        }

        @Override
        public void committed(int shuffleId, String fingerprint, MapStatus status) {
            entries.computeIfAbsent(shuffleId + "/" + fingerprint, k -> new ArrayList<>()).add(status);
        }
    }

    @Test
    void whenTheBackendGivesUpRunningJobsAndLaterOnesFailWithItsReason() {
        TestingCluster cluster = new TestingCluster(new SchedulerConfig(4, 4, EXCLUDE, NO_SPECULATION));
        DagScheduler scheduler = cluster.scheduler;
        scheduler.executorAdded("e1", "h1", 1);
        CompletableFuture<List<byte[]>> running = scheduler.submitJob(lineage.source(3), it -> 1, all(3), "count");
        assertThat(cluster.take()).hasSize(1);
        // The cluster-mode AM's executor budget ran out: it calls abort, as AmBackend wires it.
        scheduler.abort("6 executor containers failed, the most weft.executor.maxFailures allows");
        scheduler.drainForTest();
        assertThat(failure(running)).isInstanceOf(JobFailedException.class)
                .hasMessageContaining("weft.executor.maxFailures allows");
        CompletableFuture<List<byte[]>> later = scheduler.submitJob(lineage.source(2), it -> 1, all(2), "collect");
        scheduler.drainForTest();
        assertThat(failure(later)).hasMessageContaining("weft.executor.maxFailures allows");
        assertThat(cluster.take()).isEmpty();
    }
}
