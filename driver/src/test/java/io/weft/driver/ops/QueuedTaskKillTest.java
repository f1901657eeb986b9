package io.weft.driver.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.WeftSession;
import io.weft.driver.DriverEngine;
import io.weft.planner.SchedulerListener;
import io.weft.planner.TaskDescription;
import io.weft.planner.TaskOutcome;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A task queued on its executor ({@code weft.scheduler.tasksInFlightPerCore = 2} on one core, local mode, real
 * threads) and killed before a thread takes it never runs: it reports itself killed when the thread frees. Waits
 * are on latches, never on wall time.
 */
@Timeout(120)
class QueuedTaskKillTest {

    private static final long WAIT_SECONDS = 60;
    private static final CountDownLatch NEVER = new CountDownLatch(1);
    // Shared with the tasks, which run on this JVM's executor thread.
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final CountDownLatch FIRST_RUNS = new CountDownLatch(1);

    private static int blockUntilInterrupted(int value) {
        RUNS.incrementAndGet();
        FIRST_RUNS.countDown();
        try {
            NEVER.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted, as a cancelled task should be", e);
        }
        throw new AssertionError("NEVER was released");
    }

    @Test
    void aKilledQueuedTaskNeverRuns() throws Exception {
        try (WeftSession weft = WeftSession.builder().appName("queued-kill").master("local[1]")
                .config("weft.scheduler.tasksInFlightPerCore", "2").getOrCreate()) {
            CountDownLatch bothLaunched = new CountDownLatch(2);
            CountDownLatch bothEnded = new CountDownLatch(2);
            List<TaskOutcome> outcomes = new CopyOnWriteArrayList<>();
            ((DriverEngine) weft.engine()).addSchedulerListener(new SchedulerListener() {
                @Override
                public void taskStarted(TaskDescription task, String executorId) {
                    bothLaunched.countDown();
                }

                @Override
                public void taskEnded(TaskDescription task, String executorId, TaskOutcome outcome) {
                    outcomes.add(outcome);
                    bothEnded.countDown();
                }
            });
            CompletableFuture<Long> job = new CompletableFuture<>();
            Thread caller = new Thread(() -> {
                weft.setJobGroup("g", "blocks", true);
                try {
                    job.complete(weft.parallelize(List.of(0, 1), 2).map(QueuedTaskKillTest::blockUntilInterrupted)
                            .count());
                } catch (Throwable t) {
                    job.completeExceptionally(t);
                }
            }, "queued-kill-caller");
            caller.start();
            assertThat(bothLaunched.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("two tasks on one core").isTrue();
            assertThat(FIRST_RUNS.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            weft.cancelJobGroup("g");
            assertThat(bothEnded.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("both attempts reported").isTrue();
            assertThat(job).failsWithin(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(RUNS.get()).as("the queued task's function never ran").isEqualTo(1);
            assertThat(outcomes).hasSize(2).allSatisfy(o -> assertThat(o).isNotInstanceOf(TaskOutcome.Success.class));
        }
    }
}
