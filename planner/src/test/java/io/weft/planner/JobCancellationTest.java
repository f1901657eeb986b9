package io.weft.planner;

import static io.weft.planner.TestLineage.all;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.JobCancelledException;
import io.weft.api.Pair;
import io.weft.api.lineage.Node;
import io.weft.planner.TestingCluster.Launched;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** Cancelling job groups and all jobs, on the scheduler's fakes. */
class JobCancellationTest {

    private final List<Pair<Integer, JobProperties>> started = new ArrayList<>();
    private final TestingCluster cluster = new TestingCluster(new SchedulerConfig(3, 2), MapOutputJournal.NONE,
            new SchedulerListener() {
                @Override
                public void jobStarted(int jobId, String callSite, ResultStage stage, JobProperties properties) {
                    started.add(Pair.of(jobId, properties));
                }
            });
    private final DagScheduler scheduler = cluster.scheduler;
    private final TestLineage lineage = new TestLineage();

    private static JobProperties group(String id) {
        return new JobProperties("about " + id, id, false);
    }

    private static Throwable failure(CompletableFuture<?> job) {
        assertThat(job).isCompletedExceptionally();
        try {
            job.get();
            throw new AssertionError("not failed");
        } catch (InterruptedException | ExecutionException e) {
            return e.getCause();
        }
    }

    private static List<Long> ids(List<Launched> launched) {
        return launched.stream().map(l -> l.task().taskId()).toList();
    }

    @Test
    void cancellingAGroupKillsExactlyItsTasksFailsItsJobsAndKeepsCompletedMapOutputs() throws Exception {
        scheduler.executorAdded("e1", "h1", 5);
        // Group g: a shuffle job whose map stage completes and whose reduce tasks then run ...
        Node<Pair<Integer, Integer>> reduced = lineage.shuffled(2, 3);
        CompletableFuture<List<byte[]>> shuffleJob = scheduler.submitJob(reduced, it -> 1, all(3), "collect",
                group("g"));
        List<Launched> maps = cluster.take();
        assertThat(maps).hasSize(2);
        maps.forEach(l -> cluster.succeedMap(l.task(), "e1", 3));
        List<Launched> reduces = cluster.take();
        assertThat(reduces).hasSize(3);
        // ... another job in the other group, running ...
        CompletableFuture<List<byte[]>> other = scheduler.submitJob(lineage.source(2), it -> 1, all(2), "count",
                group("other"));
        List<Launched> otherTasks = cluster.take();
        assertThat(otherTasks).hasSize(2);
        // ... and a job of g that waits: every core is taken.
        CompletableFuture<List<byte[]>> waiting = scheduler.submitJob(lineage.source(2), it -> 1, all(2), "first",
                group("g"));
        assertThat(cluster.take()).isEmpty();
        assertThat(started).extracting(Pair::value).containsExactly(group("g"), group("other"), group("g"));

        scheduler.cancelJobGroup("g");
        scheduler.drainForTest();

        assertThat(cluster.killed).containsExactlyInAnyOrderElementsOf(ids(reduces));
        for (CompletableFuture<List<byte[]>> job : List.of(shuffleJob, waiting)) {
            Throwable error = failure(job);
            assertThat(error).isInstanceOf(JobCancelledException.class)
                    .hasMessageContaining("'g' was cancelled (cancelJobGroup)")
                    .hasMessageContaining("session stays usable");
            assertThat(((JobCancelledException) error).cancelledGroup()).isEqualTo("g");
        }
        assertThat(failure(shuffleJob)).hasMessageContaining("collect");
        assertThat(failure(waiting)).hasMessageContaining("first");
        assertThat(other).isNotDone();

        // The killed attempts report back; their cores go to no task of the cancelled jobs.
        reduces.forEach(l -> scheduler.taskEnded(l.task().taskId(), new TaskOutcome.Killed()));
        assertThat(cluster.take()).isEmpty();
        otherTasks.forEach(l -> cluster.succeedResult(l.task(), 7, Map.of()));
        scheduler.drainForTest();
        assertThat(other.get()).extracting(b -> (int) b[0]).containsExactly(7, 7);

        // Completed map outputs stay registered: running the lineage again runs reduce tasks only.
        int shuffleId = 0; // TestLineage.shuffled writes shuffle 0
        CompletableFuture<Boolean> complete = scheduler.inspect(v -> v.mapOutputs().isComplete(shuffleId));
        scheduler.drainForTest();
        assertThat(complete.get()).isTrue();
        CompletableFuture<List<byte[]>> rerun = scheduler.submitJob(reduced, it -> 1, all(3), "collect",
                group("g"));
        List<Launched> again = cluster.take();
        assertThat(again).hasSize(3).extracting(l -> l.task().isMapTask()).containsOnly(false);
        again.forEach(l -> cluster.succeedResult(l.task(), 1, Map.of()));
        scheduler.drainForTest();
        assertThat(rerun.get()).hasSize(3);
    }

    @Test
    void aMapStageAnotherGroupNeedsKeepsRunning() throws Exception {
        scheduler.executorAdded("e1", "h1", 4);
        Node<Pair<Integer, Integer>> reduced = lineage.shuffled(2, 2);
        CompletableFuture<List<byte[]>> cancelled = scheduler.submitJob(reduced, it -> 1, all(2), "collect",
                group("g"));
        CompletableFuture<List<byte[]>> kept = scheduler.submitJob(reduced, it -> 2, all(2), "count",
                group("other"));
        List<Launched> maps = cluster.take();
        assertThat(maps).hasSize(2).extracting(l -> l.task().isMapTask()).containsOnly(true);

        scheduler.cancelJobGroup("g");
        scheduler.drainForTest();

        assertThat(failure(cancelled)).isInstanceOf(JobCancelledException.class);
        assertThat(cluster.killed).isEmpty();
        maps.forEach(l -> cluster.succeedMap(l.task(), "e1", 2));
        List<Launched> reduces = cluster.take();
        assertThat(reduces).hasSize(2);
        reduces.forEach(l -> cluster.succeedResult(l.task(), 2, Map.of()));
        scheduler.drainForTest();
        assertThat(kept.get()).hasSize(2);
    }

    @Test
    void cancellingAGroupWithoutJobsChangesNothing() throws Exception {
        scheduler.executorAdded("e1", "h1", 2);
        CompletableFuture<List<byte[]>> job = scheduler.submitJob(lineage.source(2), it -> 1, all(2), "count",
                group("g"));
        List<Launched> tasks = cluster.take();
        scheduler.cancelJobGroup("nobody");
        scheduler.cancelJobGroup("G");
        scheduler.drainForTest();
        assertThat(cluster.killed).isEmpty();
        assertThat(job).isNotDone();
        tasks.forEach(l -> cluster.succeedResult(l.task(), 1, Map.of()));
        scheduler.drainForTest();
        assertThat(job.get()).hasSize(2);
    }

    @Test
    void cancelAllJobsEndsEveryJobAndLaterJobsRun() throws Exception {
        scheduler.executorAdded("e1", "h1", 4);
        CompletableFuture<List<byte[]>> grouped = scheduler.submitJob(lineage.source(2), it -> 1, all(2), "count",
                group("g"));
        CompletableFuture<List<byte[]>> ungrouped = scheduler.submitJob(lineage.source(2), it -> 1, all(2),
                "collect");
        List<Launched> running = cluster.take();
        assertThat(running).hasSize(4);

        scheduler.cancelAllJobs();
        scheduler.drainForTest();

        assertThat(cluster.killed).containsExactlyInAnyOrderElementsOf(ids(running));
        for (CompletableFuture<List<byte[]>> job : List.of(grouped, ungrouped)) {
            Throwable error = failure(job);
            assertThat(error).isInstanceOf(JobCancelledException.class)
                    .hasMessageContaining("all jobs were cancelled (cancelAllJobs)");
            assertThat(((JobCancelledException) error).cancelledGroup()).isNull();
        }
        // A task that finishes before its kill lands changes nothing.
        cluster.succeedResult(running.get(0).task(), 1, Map.of());
        running.subList(1, 4).forEach(l -> scheduler.taskEnded(l.task().taskId(), new TaskOutcome.Killed()));
        scheduler.drainForTest();

        CompletableFuture<List<byte[]>> later = scheduler.submitJob(lineage.source(2), it -> 1, all(2), "count",
                group("g"));
        List<Launched> tasks = cluster.take();
        assertThat(tasks).hasSize(2);
        tasks.forEach(l -> cluster.succeedResult(l.task(), 3, Map.of()));
        scheduler.drainForTest();
        assertThat(later.get()).extracting(b -> (int) b[0]).containsExactly(3, 3);
    }
}
