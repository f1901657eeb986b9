package io.weft.driver.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.WeftSession;
import io.weft.driver.DriverEngine;
import io.weft.planner.JobProperties;
import io.weft.planner.ResultStage;
import io.weft.planner.SchedulerListener;
import io.weft.planner.TaskDescription;
import io.weft.planner.TaskLocality;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code weft.scheduler.mode = FAIR} in local mode with real threads: two user threads in different pools run jobs
 * of many tasks at once, and both make progress before either finishes. Tasks run in this JVM and wait on static
 * latches; the order of launches comes from a scheduler listener (on the scheduler thread). Nothing waits on wall
 * time.
 */
@Timeout(120)
class FairPoolsTest {

    private static final long WAIT_SECONDS = 60;
    private static final int TASKS = 40;

    private static WeftSession weft;
    /** Released once both jobs are submitted: until then pool a's first tasks hold every core. */
    private static final CountDownLatch GATE = new CountDownLatch(1);
    private static final CountDownLatch FIRST_TASKS_RUNNING = new CountDownLatch(4);
    private static final CountDownLatch JOBS_STARTED = new CountDownLatch(2);
    /** The pool of each launched task, in launch order. */
    private static final List<String> LAUNCHES = Collections.synchronizedList(new ArrayList<>());
    private static final Map<Integer, String> POOL_OF_STAGE = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() {
        weft = WeftSession.builder().appName("fair").master("local[4]").config("weft.scheduler.mode", "FAIR")
                .getOrCreate();
        ((DriverEngine) weft.engine()).addSchedulerListener(new SchedulerListener() {
            @Override
            public void jobStarted(int jobId, String callSite, ResultStage finalStage, JobProperties properties) {
                POOL_OF_STAGE.put(finalStage.id(), properties.pool());
                JOBS_STARTED.countDown();
            }

            @Override
            public void taskStarted(TaskDescription task, String executorId, boolean speculative,
                    TaskLocality locality) {
                LAUNCHES.add(POOL_OF_STAGE.get(task.stageId()));
            }
        });
    }

    @AfterAll
    static void stop() {
        GATE.countDown();
        weft.close();
    }

    private static Integer passGate(Integer x) throws InterruptedException {
        FIRST_TASKS_RUNNING.countDown();
        if (!GATE.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("the test never opened the gate");
        }
        return x * 2;
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    private static CompletableFuture<List<Integer>> inPool(String pool, Callable<List<Integer>> action) {
        CompletableFuture<List<Integer>> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                weft.setLocalProperty(WeftSession.SCHEDULER_POOL, pool);
                result.complete(action.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, "user-" + pool);
        thread.start();
        return result;
    }

    @Test
    void twoPoolsRunConcurrentJobsAndBothProgressBeforeEitherFinishes() throws Exception {
        List<Integer> expected = range(TASKS).stream().map(x -> x * 2).toList();
        CompletableFuture<List<Integer>> a = inPool("a",
                () -> weft.parallelize(range(TASKS), TASKS).map(FairPoolsTest::passGate).collect());
        assertThat(FIRST_TASKS_RUNNING.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("a's tasks hold the 4 cores").isTrue();
        CompletableFuture<List<Integer>> b = inPool("b",
                () -> weft.parallelize(range(TASKS), TASKS).map(FairPoolsTest::passGate).collect());
        assertThat(JOBS_STARTED.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("both jobs submitted").isTrue();

        GATE.countDown();

        assertThat(a.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(expected);
        assertThat(b.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(expected);
        List<String> launches = List.copyOf(LAUNCHES);
        assertThat(launches).hasSize(2 * TASKS);
        assertThat(launches.subList(0, 4)).containsOnly("a");
        // FIFO would launch all 40 of a's tasks before any of b's. FAIR gives b the first cores that free.
        int firstOfB = launches.indexOf("b");
        int lastOfA = launches.lastIndexOf("a");
        assertThat(firstOfB).as("b's first launch, in %s", launches).isLessThan(8);
        assertThat(launches.subList(0, lastOfA).stream().filter("b"::equals).count())
                .as("b's launches while a still had tasks to start, in %s", launches).isGreaterThanOrEqualTo(10);
    }
}
