package io.weft.driver.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.weft.api.JobCancelledException;
import io.weft.api.JobFailedException;
import io.weft.api.Pair;
import io.weft.api.WeftSession;
import io.weft.driver.DriverEngine;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Job groups and cancellation in local mode, with real threads: tasks block until interrupted, and say so through
 * static latches (local-mode tasks run in this JVM). Nothing waits on wall time: every wait is on a latch or a
 * future, with a generous timeout.
 */
class JobCancellationTest {

    private static final long WAIT_SECONDS = 60;
    /** Never released: a blocking task ends only by being interrupted. */
    private static final CountDownLatch NEVER = new CountDownLatch(1);

    private static WeftSession weft;

    // Shared with the tasks, which run on this JVM's executor threads; reset before each test.
    private static volatile CountDownLatch blockingStarted;
    private static volatile CountDownLatch interrupted;
    private static volatile CountDownLatch otherStarted;
    private static volatile CountDownLatch otherRelease;
    private static volatile boolean reduceBlocks;
    private static final AtomicInteger MAP_CALLS = new AtomicInteger();

    @BeforeAll
    static void start() {
        weft = WeftSession.builder().appName("cancel").master("local[4]").getOrCreate();
    }

    @AfterAll
    static void stop() {
        weft.close();
    }

    @BeforeEach
    void reset() {
        otherStarted = new CountDownLatch(2);
        otherRelease = new CountDownLatch(1);
        reduceBlocks = true;
        MAP_CALLS.set(0);
    }

    @AfterEach
    void clearThisThreadsGroup() {
        weft.clearJobGroup();
        otherRelease.countDown();
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    /** A task body that waits until its thread is interrupted, and counts the interrupt. */
    private static <T> T blockUntilInterrupted(T value) {
        blockingStarted.countDown();
        try {
            NEVER.await();
        } catch (InterruptedException e) {
            interrupted.countDown();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted, as a cancelled task should be", e);
        }
        throw new AssertionError("NEVER was released");
    }

    private static <T> T waitForRelease(T value) throws InterruptedException {
        otherStarted.countDown();
        if (!otherRelease.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("the test never released the other group's job");
        }
        return value;
    }

    /** Runs an action in a new thread, which starts with a copy of the caller's job properties. */
    private static <T> CompletableFuture<T> inNewThread(String name, Callable<T> action) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(action.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, name);
        thread.start();
        return result;
    }

    private static Throwable failureOf(CompletableFuture<?> action) throws Exception {
        try {
            Object value = action.get(WAIT_SECONDS, TimeUnit.SECONDS);
            throw new AssertionError("the action returned " + value + " instead of failing");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    private static void await(CountDownLatch latch, String what) throws InterruptedException {
        assertThat(latch.await(WAIT_SECONDS, TimeUnit.SECONDS)).as(what).isTrue();
    }

    private static Map<Integer, Integer> sumsByKey(List<Integer> input, int modulus) {
        return input.stream().collect(Collectors.groupingBy(x -> x % modulus, TreeMap::new,
                Collectors.summingInt(x -> x)));
    }

    @Test
    void cancellingAGroupInterruptsItsTasksAndLeavesOtherGroupsAndTheSessionWorking() throws Exception {
        blockingStarted = new CountDownLatch(2);
        interrupted = new CountDownLatch(2);
        CompletableFuture<Long> cancelled = inNewThread("user-g", () -> {
            weft.setJobGroup("g", "blocks until cancelled");
            return weft.parallelize(range(2), 2).map(JobCancellationTest::blockUntilInterrupted).count();
        });
        List<Integer> input = range(100);
        CompletableFuture<Map<Integer, Integer>> other = inNewThread("user-other", () -> {
            weft.setJobGroup("other", "runs alongside");
            return new TreeMap<>(weft.parallelize(input, 3).mapToPair(x -> Pair.of(x % 7, x))
                    .reduceByKey(Integer::sum, 2).mapValues(JobCancellationTest::waitForRelease).collectAsMap());
        });
        await(blockingStarted, "group g's tasks started");
        await(otherStarted, "group other's reduce tasks started");

        weft.cancelJobGroup("g");

        Throwable error = failureOf(cancelled);
        assertThat(error).isInstanceOf(JobCancelledException.class).isInstanceOf(JobFailedException.class)
                .hasMessageContaining("job group 'g' was cancelled (cancelJobGroup)")
                .hasMessageContaining("count").hasMessageContaining("session stays usable");
        assertThat(((JobCancelledException) error).cancelledGroup()).isEqualTo("g");
        // The stack shows where the user called the action.
        assertThat(error.getStackTrace()).anyMatch(e -> e.getClassName().equals(JobCancellationTest.class.getName()));
        await(interrupted, "both task threads were interrupted");

        otherRelease.countDown();
        assertThat(other.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(sumsByKey(input, 7));

        // The session stays usable, for the cancelled group too: cancelling is not sticky.
        weft.setJobGroup("g", "after the cancel");
        assertThat(weft.parallelize(range(50), 5).map(x -> x * 2).collect())
                .isEqualTo(range(50).stream().map(x -> x * 2).toList());
    }

    @Test
    void cancelAllJobsEndsEveryRunningJob() throws Exception {
        blockingStarted = new CountDownLatch(4);
        interrupted = new CountDownLatch(4);
        CompletableFuture<Long> grouped = inNewThread("user-a", () -> {
            weft.setJobGroup("a", null);
            return weft.parallelize(range(2), 2).map(JobCancellationTest::blockUntilInterrupted).count();
        });
        CompletableFuture<List<Integer>> ungrouped = inNewThread("user-none",
                () -> weft.parallelize(range(4), 2).map(JobCancellationTest::blockUntilInterrupted).collect());
        await(blockingStarted, "all four tasks started");

        weft.cancelAllJobs();

        for (CompletableFuture<?> action : List.of(grouped, ungrouped)) {
            Throwable error = failureOf(action);
            assertThat(error).isInstanceOf(JobCancelledException.class)
                    .hasMessageContaining("all jobs were cancelled (cancelAllJobs)");
            assertThat(((JobCancelledException) error).cancelledGroup()).isNull();
        }
        await(interrupted, "all four task threads were interrupted");
        assertThat(weft.parallelize(range(10), 3).reduce(Integer::sum)).isEqualTo(45);
    }

    @Test
    void aRerunOfACancelledJobReusesItsCompletedShuffleOutputs() throws Exception {
        blockingStarted = new CountDownLatch(2);
        interrupted = new CountDownLatch(2);
        List<Integer> input = range(40);
        var sums = weft.parallelize(input, 4).map(x -> {
            MAP_CALLS.incrementAndGet();
            return x;
        }).mapToPair(x -> Pair.of(x % 5, x)).reduceByKey(Integer::sum, 2)
                .mapValues(v -> reduceBlocks ? blockUntilInterrupted(v) : v);
        CompletableFuture<Map<Integer, Integer>> cancelled = inNewThread("user-g", () -> {
            weft.setJobGroup("g", "shuffle, then block");
            return sums.collectAsMap();
        });
        await(blockingStarted, "the reduce tasks started, after every map task");
        weft.cancelJobGroup("g");
        assertThat(failureOf(cancelled)).isInstanceOf(JobCancelledException.class);
        await(interrupted, "the reduce tasks were interrupted");
        assertThat(MAP_CALLS.get()).isEqualTo(input.size());

        reduceBlocks = false;
        assertThat(new TreeMap<>(sums.collectAsMap())).isEqualTo(sumsByKey(input, 5));
        assertThat(MAP_CALLS.get()).as("map tasks did not run again").isEqualTo(input.size());
    }

    @Test
    void cancellingAGroupWithoutJobsDoesNothing() {
        weft.cancelJobGroup("nobody");
        assertThat(weft.parallelize(range(10), 2).count()).isEqualTo(10);
    }

    @Test
    void threadsStartWithACopyOfTheirCreatorsProperties() throws Exception {
        CountDownLatch parentSet = new CountDownLatch(1);
        CompletableFuture<String> startedBefore = inNewThread("before", () -> {
            parentSet.await(WAIT_SECONDS, TimeUnit.SECONDS);
            return String.valueOf(weft.getLocalProperty(WeftSession.JOB_GROUP_ID));
        });
        weft.setJobGroup("parent", "the parent's jobs");
        parentSet.countDown();
        CompletableFuture<String> startedAfter = inNewThread("after", () -> {
            String inherited = weft.getLocalProperty(WeftSession.JOB_GROUP_ID) + "/"
                    + weft.getLocalProperty(WeftSession.JOB_DESCRIPTION);
            weft.setJobGroup("child", null);
            return inherited + "/" + weft.getLocalProperty(WeftSession.JOB_GROUP_ID);
        });
        assertThat(startedBefore.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("null");
        assertThat(startedAfter.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("parent/the parent's jobs/child");
        assertThat(weft.getLocalProperty(WeftSession.JOB_GROUP_ID)).as("the child's change stays its own")
                .isEqualTo("parent");
        weft.setJobDescription("only a description");
        assertThat(weft.getLocalProperty(WeftSession.JOB_DESCRIPTION)).isEqualTo("only a description");
        weft.clearJobGroup();
        assertThat(weft.getLocalProperty(WeftSession.JOB_GROUP_ID)).isNull();
        assertThat(weft.getLocalProperty(WeftSession.JOB_DESCRIPTION)).isNull();
    }

    @Test
    void theDescriptionAndGroupShowInTheStatusApi() throws Exception {
        weft.setJobGroup("report", "nightly report");
        weft.parallelize(range(10), 2).count();
        weft.clearJobGroup();
        weft.setJobDescription("described only");
        weft.parallelize(range(10), 2).count();
        String url = ((DriverEngine) weft.engine()).statusUrl().orElseThrow();
        JsonNode jobs;
        try (InputStream in = URI.create(url + "api/v1/jobs").toURL().openStream()) {
            jobs = new ObjectMapper().readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertThat(jobs.findValuesAsText("description")).contains("nightly report", "described only");
        assertThat(jobs.findValuesAsText("jobGroup")).contains("report");
        String page;
        try (InputStream in = URI.create(url).toURL().openStream()) {
            page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(page).contains("nightly report").contains("group report");
    }
}
