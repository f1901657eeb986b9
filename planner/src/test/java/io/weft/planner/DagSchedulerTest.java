package io.weft.planner;

import static io.weft.planner.TestLineage.all;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.JobFailedException;
import io.weft.api.Pair;
import io.weft.api.RemoteTaskException;
import io.weft.api.lineage.Node;
import io.weft.planner.TestingCluster.Launched;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class DagSchedulerTest {

    private final TestingCluster cluster = new TestingCluster(new SchedulerConfig(3, 2));
    private final DagScheduler scheduler = cluster.scheduler;
    private final TestLineage lineage = new TestLineage();

    private static RemoteTaskException boom() {
        return new RemoteTaskException("java.lang.IllegalStateException", "boom", new StackTraceElement[0], null);
    }

    @Test
    void oneTaskPerPartitionWithinFreeCoresAndResultsInOrder() throws Exception {
        scheduler.executorAdded("e1", "h1", 2);
        CompletableFuture<List<byte[]>> job = scheduler.submitJob(lineage.source(5), it -> 1, all(5), "count");
        List<Launched> first = cluster.take();
        assertThat(first).hasSize(2);
        int done = 0;
        while (done < 5) {
            List<Launched> running = first;
            for (Launched l : running) {
                cluster.succeedResult(l.task(), l.task().partition() * 10, Map.of());
                done++;
            }
            first = cluster.take();
            assertThat(first.size()).isLessThanOrEqualTo(2);
        }
        assertThat(job.get()).extracting(bytes -> (int) bytes[0]).containsExactly(0, 10, 20, 30, 40);
        assertThat(cluster.serializedNodes).hasSize(1).containsValue(1);
    }

    @Test
    void mapStageRunsFirstThenReduceTasksGetTheirBlocks() throws Exception {
        scheduler.executorAdded("e1", "h1", 8);
        Node<Pair<Integer, Integer>> reduced = lineage.shuffled(2, 3);
        CompletableFuture<List<byte[]>> job = scheduler.submitJob(reduced, it -> 1, all(3), "collect");
        List<Launched> maps = cluster.take();
        assertThat(maps).extracting(l -> l.task().isMapTask()).containsOnly(true);
        assertThat(maps).extracting(l -> l.task().partition()).containsExactlyInAnyOrder(0, 1);
        cluster.succeedMap(maps.get(0).task(), "e1", 3);
        assertThat(cluster.take()).isEmpty();
        cluster.succeedMap(maps.get(1).task(), "e1", 3);
        List<Launched> reduces = cluster.take();
        assertThat(reduces).hasSize(3).extracting(l -> l.task().isMapTask()).containsOnly(false);
        TaskDescription partitionZero = reduces.stream().filter(l -> l.task().partition() == 0).findFirst()
                .orElseThrow().task();
        // Map 0 wrote nothing for reduce partition 0: only map 1's block is listed.
        assertThat(partitionZero.shuffleInputs().get(0)).extracting(ShuffleBlock::mapIndex).containsExactly(1);
        reduces.forEach(l -> cluster.succeedResult(l.task(), 1, Map.of()));
        scheduler.drainForTest();
        assertThat(job.get()).hasSize(3);

        // A second job over the same shuffle runs no map task.
        CompletableFuture<List<byte[]>> again = scheduler.submitJob(reduced, it -> 2, all(3), "count");
        List<Launched> second = cluster.take();
        assertThat(second).hasSize(3).extracting(l -> l.task().isMapTask()).containsOnly(false);
        second.forEach(l -> cluster.succeedResult(l.task(), 2, Map.of()));
        scheduler.drainForTest();
        assertThat(again.get()).hasSize(3);
    }

    @Test
    void failingTaskIsRetriedElsewhereThenFailsTheJob() {
        scheduler.executorAdded("e1", "h1", 1);
        scheduler.executorAdded("e2", "h2", 1);
        CompletableFuture<List<byte[]>> job = scheduler.submitJob(lineage.source(1), it -> 1, all(1), "count");
        Launched attempt = cluster.take().get(0);
        for (int i = 1; i <= 3; i++) {
            scheduler.taskEnded(attempt.task().taskId(), new TaskOutcome.Failed(boom()));
            List<Launched> next = cluster.take();
            if (i < 3) {
                assertThat(next).hasSize(1);
                assertThat(next.get(0).executorId()).isNotEqualTo(attempt.executorId());
                assertThat(next.get(0).task().attemptNumber()).isEqualTo(i);
                attempt = next.get(0);
            } else {
                assertThat(next).isEmpty();
            }
        }
        assertThat(job).isCompletedExceptionally();
        try {
            job.get();
        } catch (InterruptedException | ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(JobFailedException.class)
                    .hasMessageContaining("partition 0").hasMessageContaining("failed 3 times");
            assertThat(e.getCause().getCause()).isInstanceOf(RemoteTaskException.class);
        }
    }

    @Test
    void accumulatorsCountOnlyTheFirstSuccessOfAPartition() throws Exception {
        scheduler.executorAdded("e1", "h1", 2);
        CompletableFuture<List<byte[]>> job = scheduler.submitJob(lineage.source(2), it -> 1, all(2), "foreach");
        List<Launched> tasks = cluster.take();
        scheduler.taskEnded(tasks.get(0).task().taskId(), new TaskOutcome.Failed(boom()));
        Launched retry = cluster.take().get(0);
        cluster.succeedResult(retry.task(), 1, Map.of(7L, 5L));
        cluster.succeedResult(tasks.get(1).task(), 1, Map.of(7L, 5L));
        scheduler.drainForTest();
        assertThat(job.get()).hasSize(2);
        assertThat(cluster.accumulators).containsEntry(7L, 10L);
    }

    @Test
    void aLateFetchFailureFromAnAbandonedAttemptDoesNotDiscardTheRecomputedOutput() throws Exception {
        scheduler.executorAdded("e1", "h1", 2);
        CompletableFuture<List<byte[]>> job = scheduler.submitJob(lineage.shuffled(3, 3), it -> 1, all(3), "collect");
        List<Launched> maps;
        while (!(maps = cluster.take()).isEmpty() && maps.get(0).task().isMapTask()) {
            maps.forEach(map -> cluster.succeedMap(map.task(), "e1", 3));
        }
        List<Launched> reduces = maps;
        assertThat(reduces).hasSize(2);
        // Both running reducers could not read map output 2; the first report reruns it.
        scheduler.taskEnded(reduces.get(0).task().taskId(), new TaskOutcome.FetchFailed(0, 2, "gone"));
        List<Launched> rerun = cluster.take();
        assertThat(rerun).extracting(l -> l.task().isMapTask(), l -> l.task().partition())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(true, 2));
        cluster.succeedMap(rerun.get(0).task(), "e1", 3);
        List<Launched> resumed = new ArrayList<>(cluster.take());
        assertThat(resumed).hasSize(1);
        // The second reducer's report arrives only now, about the output that has since been recomputed.
        scheduler.taskEnded(reduces.get(1).task().taskId(), new TaskOutcome.FetchFailed(0, 2, "gone"));
        List<Launched> next = cluster.take();
        assertThat(next).as("no third run of map 2").noneMatch(l -> l.task().isMapTask());
        resumed.addAll(next);
        while (!resumed.isEmpty()) {
            resumed.forEach(l -> cluster.succeedResult(l.task(), 1, Map.of()));
            resumed = new ArrayList<>(cluster.take());
        }
        scheduler.drainForTest();
        assertThat(job.get()).hasSize(3);
    }

    @Test
    void fetchFailureRecomputesOnlyTheLostMapOutput() throws Exception {
        scheduler.executorAdded("e1", "h1", 8);
        CompletableFuture<List<byte[]>> job = scheduler.submitJob(lineage.shuffled(3, 2), it -> 1, all(2), "collect");
        for (Launched map : cluster.take()) {
            cluster.succeedMap(map.task(), "e1", 2);
        }
        List<Launched> reduces = cluster.take();
        assertThat(reduces).hasSize(2);
        cluster.succeedResult(reduces.get(0).task(), 1, Map.of());
        scheduler.taskEnded(reduces.get(1).task().taskId(), new TaskOutcome.FetchFailed(0, 2, "gone"));
        List<Launched> rerun = cluster.take();
        assertThat(rerun).hasSize(1);
        assertThat(rerun.get(0).task().isMapTask()).isTrue();
        assertThat(rerun.get(0).task().partition()).isEqualTo(2);
        cluster.succeedMap(rerun.get(0).task(), "e1", 2);
        List<Launched> resumed = cluster.take();
        assertThat(resumed).hasSize(1);
        assertThat(resumed.get(0).task().partition()).isEqualTo(reduces.get(1).task().partition());
        cluster.succeedResult(resumed.get(0).task(), 1, Map.of());
        scheduler.drainForTest();
        assertThat(job.get()).hasSize(2);
    }

    @Test
    void anUnreadableSegmentFileRecomputesEveryOutputInItAndNoOtherInOneRound() throws Exception {
        scheduler.executorAdded("e1", "h1", 8);
        CompletableFuture<List<byte[]>> job = scheduler.submitJob(lineage.shuffled(4, 2), it -> 1, all(2), "collect");
        for (Launched map : cluster.take()) {
            int m = map.task().partition();
            // Maps 0 and 2 share one executor's segment file, maps 1 and 3 another's.
            cluster.succeedMapInFile(map.task(), "e1", 2, m % 2 == 0 ? "/shuffle/seg_e1_0.data"
                    : "/shuffle/seg_e2_0.data", 1000L * (m / 2));
        }
        List<Launched> reduces = cluster.take();
        assertThat(reduces).hasSize(2);
        cluster.succeedResult(reduces.get(0).task(), 1, Map.of());
        scheduler.taskEnded(reduces.get(1).task().taskId(), new TaskOutcome.FetchFailed(0, 2, "file gone"));
        List<Launched> rerun = cluster.take();
        assertThat(rerun).extracting(l -> l.task().isMapTask()).containsOnly(true);
        assertThat(rerun).extracting(l -> l.task().partition()).containsExactlyInAnyOrder(0, 2);
        rerun.forEach(l -> cluster.succeedMap(l.task(), "e1", 2));
        List<Launched> resumed = cluster.take();
        assertThat(resumed).hasSize(1);
        assertThat(resumed.get(0).task().partition()).isEqualTo(reduces.get(1).task().partition());
        cluster.succeedResult(resumed.get(0).task(), 1, Map.of());
        scheduler.drainForTest();
        assertThat(job.get()).hasSize(2);
    }

    @Test
    void repeatedFetchFailuresFailTheJob() {
        scheduler.executorAdded("e1", "h1", 8);
        CompletableFuture<List<byte[]>> job = scheduler.submitJob(lineage.shuffled(1, 1), it -> 1, all(1), "collect");
        for (int round = 0; round < 3 && !job.isDone(); round++) {
            for (Launched map : cluster.take()) {
                cluster.succeedMap(map.task(), "e1", 1);
            }
            for (Launched reduce : cluster.take()) {
                scheduler.taskEnded(reduce.task().taskId(), new TaskOutcome.FetchFailed(0, 0, "corrupt"));
            }
            scheduler.drainForTest();
        }
        assertThat(job).isCompletedExceptionally();
    }

    @Test
    void lostExecutorsTasksRunElsewhereAndItsMapOutputsAreKept() throws Exception {
        scheduler.executorAdded("e1", "h1", 1);
        scheduler.executorAdded("e2", "h2", 1);
        CompletableFuture<List<byte[]>> job = scheduler.submitJob(lineage.shuffled(2, 2), it -> 1, all(2), "collect");
        List<Launched> maps = cluster.take();
        assertThat(maps).hasSize(2);
        Launched onE1 = maps.stream().filter(l -> l.executorId().equals("e1")).findFirst().orElseThrow();
        Launched onE2 = maps.stream().filter(l -> l.executorId().equals("e2")).findFirst().orElseThrow();
        cluster.succeedMap(onE1.task(), "e1", 2);
        scheduler.executorLost("e2", "killed");
        scheduler.drainForTest();
        List<Launched> retried = cluster.take();
        assertThat(retried).hasSize(1);
        assertThat(retried.get(0).executorId()).isEqualTo("e1");
        assertThat(retried.get(0).task().partition()).isEqualTo(onE2.task().partition());
        cluster.succeedMap(retried.get(0).task(), "e1", 2);
        List<Launched> reduces = cluster.take();
        // Map output 0 (committed by e1 earlier) was not recomputed: only reduce tasks follow.
        assertThat(reduces).extracting(l -> l.task().isMapTask()).containsOnly(false);
        for (Launched reduce : reduces) {
            cluster.succeedResult(reduce.task(), 1, Map.of());
        }
        List<Launched> last = cluster.take();
        last.forEach(l -> cluster.succeedResult(l.task(), 1, Map.of()));
        scheduler.drainForTest();
        assertThat(job.get()).hasSize(2);
    }

    @Test
    void concurrentJobsShareAMapStageWithoutRunningItTwice() throws Exception {
        scheduler.executorAdded("e1", "h1", 16);
        Node<Pair<Integer, Integer>> reduced = lineage.shuffled(2, 2);
        CompletableFuture<List<byte[]>> a = scheduler.submitJob(reduced, it -> 1, all(2), "a");
        CompletableFuture<List<byte[]>> b = scheduler.submitJob(reduced, it -> 2, all(2), "b");
        List<Launched> maps = cluster.take();
        assertThat(maps).hasSize(2).extracting(l -> l.task().isMapTask()).containsOnly(true);
        maps.forEach(l -> cluster.succeedMap(l.task(), "e1", 2));
        List<Launched> reduces = cluster.take();
        assertThat(reduces).hasSize(4).extracting(l -> l.task().isMapTask()).containsOnly(false);
        reduces.forEach(l -> cluster.succeedResult(l.task(), 1, Map.of()));
        scheduler.drainForTest();
        assertThat(a.get()).hasSize(2);
        assertThat(b.get()).hasSize(2);
    }

    @Test
    void emptyJobCompletesAtOnce() throws Exception {
        assertThat(scheduler.submitJob(lineage.source(2), it -> 1, new int[0], "nothing").get()).isEmpty();
    }
}
