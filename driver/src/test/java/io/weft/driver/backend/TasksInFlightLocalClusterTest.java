package io.weft.driver.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.Pair;
import io.weft.api.WeftSession;
import io.weft.driver.DriverEngine;
import io.weft.planner.SchedulerListener;
import io.weft.planner.TaskDescription;
import io.weft.planner.TaskOutcome;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code weft.scheduler.tasksInFlightPerCore = 3} on executors in their own JVMs with one core each: every executor
 * holds up to three attempts, runs one and queues the others, and results stay exact.
 */
@Timeout(120)
class TasksInFlightLocalClusterTest {

    private static WeftSession weft;
    private static final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private static final AtomicInteger mostInFlight = new AtomicInteger();

    @BeforeAll
    static void start() {
        weft = WeftSession.builder().appName("in-flight").master("local-cluster[2,1,256]")
                .config("weft.scheduler.tasksInFlightPerCore", "3").getOrCreate();
        ((DriverEngine) weft.engine()).addSchedulerListener(new SchedulerListener() {
            @Override
            public void taskStarted(TaskDescription task, String executorId) {
                int now = inFlight.computeIfAbsent(executorId, id -> new AtomicInteger()).incrementAndGet();
                mostInFlight.accumulateAndGet(now, Math::max);
            }

            @Override
            public void taskEnded(TaskDescription task, String executorId, TaskOutcome outcome) {
                inFlight.get(executorId).decrementAndGet();
            }
        });
    }

    @AfterAll
    static void stop() {
        weft.close();
    }

    @Test
    void queuedTasksRunAndResultsAreExact() {
        List<Integer> data = IntStream.range(0, 20_000).boxed().toList();
        Map<Integer, Long> counts = weft.parallelize(data, 40).mapToPair(x -> Pair.of(x % 7, (long) x))
                .reduceByKey(Long::sum, 30).collectAsMap();
        Map<Integer, Long> expected = new HashMap<>();
        data.forEach(x -> expected.merge(x % 7, (long) x, Long::sum));
        assertThat(counts).isEqualTo(expected);
        assertThat(weft.range(0, 5_000, 1, 100).count()).isEqualTo(5_000);
        assertThat(mostInFlight.get()).as("an executor of one core held more than one attempt").isGreaterThan(1)
                .isLessThanOrEqualTo(3);
    }
}
