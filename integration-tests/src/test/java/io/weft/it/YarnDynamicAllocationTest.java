package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.Pair;
import io.weft.api.WeftSession;
import io.weft.driver.DriverEngine;
import io.weft.driver.Poll;
import io.weft.planner.SchedulerListener;
import io.weft.planner.TaskDescription;
import io.weft.planner.TaskOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.apache.hadoop.yarn.api.records.ApplicationAttemptReport;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ContainerReport;
import org.apache.hadoop.yarn.api.records.ContainerState;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dynamic allocation on the mini cluster, in client mode (the driver in this JVM, a launcher AM on YARN): idle
 * executors are released and their containers end, a backlog brings executors back, and a job's long last task
 * keeps one executor while the others go, with an exact result and no map task run twice (map outputs are on
 * HDFS). Short timeouts (idle 2 s, backlog 200 ms) keep it quick; waits are bounded polls, never timings.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class YarnDynamicAllocationTest {

    private static final long WAIT_MILLIS = 90_000;
    private static MiniClusters clusters;
    private static YarnClient yarn;

    @BeforeAll
    static void cluster() throws Exception {
        clusters = MiniClusters.get();
        yarn = YarnClient.createYarnClient();
        yarn.init(clusters.conf);
        yarn.start();
    }

    @AfterAll
    static void stop() {
        if (yarn != null) {
            yarn.stop();
        }
    }

    private static WeftSession.Builder session(String name, int initial, int max) {
        return clusters.clientSession(name)
                .config("weft.dynamicAllocation.enabled", "true")
                .config("weft.dynamicAllocation.minExecutors", "0")
                .config("weft.dynamicAllocation.initialExecutors", String.valueOf(initial))
                .config("weft.dynamicAllocation.maxExecutors", String.valueOf(max))
                .config("weft.dynamicAllocation.executorIdleTimeout", "2s")
                .config("weft.dynamicAllocation.schedulerBacklogTimeout", "200ms")
                .config("weft.dynamicAllocation.sustainedSchedulerBacklogTimeout", "200ms")
                // Fewer failures than releases: a release counted as a failure would end the application.
                .config("weft.executor.maxFailures", "1");
    }

    /** Records executors coming and going, and map task attempts, on the scheduler thread. */
    private static final class Recorder implements SchedulerListener {
        final List<String> added = new CopyOnWriteArrayList<>();
        final Map<String, String> removed = new ConcurrentHashMap<>();
        final Map<Integer, Integer> mapAttempts = new ConcurrentHashMap<>();
        final List<TaskOutcome> lost = new CopyOnWriteArrayList<>();

        @Override
        public void executorAdded(String executorId, String host, int cores, String containerId, String logUrl) {
            added.add(executorId);
        }

        @Override
        public void executorRemoved(String executorId, String reason) {
            removed.put(executorId, reason);
        }

        @Override
        public void taskStarted(TaskDescription task, String executorId) {
            if (task.isMapTask()) {
                mapAttempts.merge(task.partition(), 1, Integer::sum);
            }
        }

        @Override
        public void taskEnded(TaskDescription task, String executorId, TaskOutcome outcome) {
            if (!(outcome instanceof TaskOutcome.Success)) {
                lost.add(outcome);
            }
        }
    }

    private static Recorder record(WeftSession weft) {
        Recorder recorder = new Recorder();
        ((DriverEngine) weft.engine()).addSchedulerListener(recorder);
        return recorder;
    }

    /** @return executor containers YARN reports running for the application (the AM's is left out) */
    private static int runningExecutorContainers(String appId) throws Exception {
        int running = 0;
        for (ApplicationAttemptReport attempt : yarn.getApplicationAttempts(ApplicationId.fromString(appId))) {
            for (ContainerReport container : yarn.getContainers(attempt.getApplicationAttemptId())) {
                if (!container.getContainerId().equals(attempt.getAMContainerId())
                        && container.getContainerState() == ContainerState.RUNNING) {
                    running++;
                }
            }
        }
        return running;
    }

    /**
     * @return containers the application has asked the ResourceManager for and not yet been given, read from the
     *     RM's scheduler in this JVM (the client API does not show pending requests)
     */
    private static int pendingContainers(String appId) throws Exception {
        var scheduler = (org.apache.hadoop.yarn.server.resourcemanager.scheduler.AbstractYarnScheduler<?, ?>)
                clusters.yarn.getResourceManager().getResourceScheduler();
        int pending = 0;
        for (ApplicationAttemptReport attempt : yarn.getApplicationAttempts(ApplicationId.fromString(appId))) {
            List<org.apache.hadoop.yarn.api.records.ResourceRequest> requests =
                    scheduler.getPendingResourceRequestsForAttempt(attempt.getApplicationAttemptId());
            if (requests == null) {
                continue;
            }
            for (var request : requests) {
                if (org.apache.hadoop.yarn.api.records.ResourceRequest.ANY.equals(request.getResourceName())
                        && request.getPriority().getPriority() != 0) {
                    pending += request.getNumContainers();
                }
            }
        }
        return pending;
    }

    private static int registeredExecutors(WeftSession weft) throws Exception {
        return ((DriverEngine) weft.engine()).scheduler().inspect(view -> view.executors()).get();
    }

    /** A condition that may call YARN or the scheduler. */
    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(String what, Check check) throws Exception {
        assertThat(Poll.until(() -> {
            try {
                return check.holds();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, WAIT_MILLIS, 100)).as(what).isTrue();
    }

    @Test
    void idleExecutorsAreReleasedTheirContainersEndAndNoneCountsAsAFailure() throws Exception {
        try (WeftSession weft = session("dynalloc-idle-it", 2, 4).getOrCreate()) {
            Recorder recorder = record(weft);
            String appId = weft.applicationId();
            assertThat(weft.parallelize(List.of(1, 2, 3, 4), 4).map(x -> x * 2).collect())
                    .containsExactly(2, 4, 6, 8);
            // Two at start, and any the four tasks' backlog brought: such an executor may register after the first
            // two were released, so wait until none is asked for, running or registered, and each that came (the
            // recorder sees those added after it) went.
            await("every executor released and no more coming", () -> registeredExecutors(weft) == 0
                    && pendingContainers(appId) == 0 && runningExecutorContainers(appId) == 0
                    && recorder.removed.keySet().containsAll(recorder.added));
            assertThat(recorder.removed.size()).isGreaterThanOrEqualTo(2);
            assertThat(recorder.removed.values()).containsOnly("released: idle");
            assertThat(yarn.getApplicationReport(ApplicationId.fromString(appId)).getYarnApplicationState())
                    .as("two releases against a budget of one failure").isEqualTo(YarnApplicationState.RUNNING);
            // The status pages show them removed as released, not failed.
            String executorsApi = yarn.getApplicationReport(ApplicationId.fromString(appId)).getTrackingUrl()
                    + "api/v1/executors";
            await("the status pages list every executor", () -> Http.json(executorsApi).size()
                    == recorder.removed.size());
            var executors = Http.json(executorsApi);
            executors.forEach(executor -> {
                assertThat(executor.get("status").asText()).isEqualTo("REMOVED");
                assertThat(executor.get("removedReason").asText()).isEqualTo("released: idle");
                assertThat(executor.get("failedTasks").asInt()).isZero();
            });
        }
    }

    @Test
    void clusterModeReleasesIdleExecutorsInTheApplicationMasterAndBringsThemBackForTheNextJob(@TempDir Path dir)
            throws Exception {
        Path flag = dir.resolve("next-job");
        Path results = dir.resolve("results");
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        List<String> args = List.of("--num-executors", "2", "--executor-memory", "256m", "--driver-memory", "256m",
                "--conf", "weft.yarn.hadoopConfDir=" + clusters.confDir,
                "--conf", "weft.yarn.javaHome=" + System.getProperty("java.home"),
                "--conf", "weft.dynamicAllocation.enabled=true",
                "--conf", "weft.dynamicAllocation.initialExecutors=2",
                "--conf", "weft.dynamicAllocation.maxExecutors=3",
                "--conf", "weft.dynamicAllocation.executorIdleTimeout=2s",
                "--conf", "weft.dynamicAllocation.schedulerBacklogTimeout=200ms",
                "--conf", "weft.executor.maxFailures=1",
                "io.weft.it.apps.ElasticApp", flag.toString(), results.toString());
        CompletableFuture<Integer> submit = CompletableFuture.supplyAsync(() -> io.weft.am.WeftSubmit.run(
                args.toArray(new String[0]), new java.io.PrintStream(printed, true,
                        java.nio.charset.StandardCharsets.UTF_8)));
        try {
            await("the application was submitted", () -> printed.toString(java.nio.charset.StandardCharsets.UTF_8)
                    .matches("(?s).*Submitted application application_\\d+_\\d+.*"));
            String appId = printed.toString(java.nio.charset.StandardCharsets.UTF_8)
                    .replaceAll("(?s).*Submitted application (application_\\d+_\\d+).*", "$1");
            await("the executors started", () -> runningExecutorContainers(appId) == 2);
            await("and were released once idle", () -> runningExecutorContainers(appId) == 0);
            assertThat(clusters.amLog(appId)).contains("released: idle");
            assertThat(yarn.getApplicationReport(ApplicationId.fromString(appId)).getYarnApplicationState())
                    .isEqualTo(YarnApplicationState.RUNNING);
        } finally {
            Files.createFile(flag);
        }
        int exit = submit.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        String text = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(exit).as(text).isZero();
        assertThat(text).contains("Final status: SUCCEEDED");
        assertThat(Files.readString(results)).isEqualTo("[2, 4, 6, 8] [1, 2, 3, 4, 5, 6]");
    }

    @Test
    void aBacklogBringsExecutorsBackAfterTheyWereReleased() throws Exception {
        try (WeftSession weft = session("dynalloc-backlog-it", 0, 3).getOrCreate()) {
            Recorder recorder = record(weft);
            String appId = weft.applicationId();
            assertThat(registeredExecutors(weft)).as("none to start with").isZero();
            List<Integer> first = weft.parallelize(IntStream.range(0, 6).boxed().toList(), 6).map(x -> {
                LockSupport.parkNanos(200_000_000L);
                return x + 1;
            }).collect();
            assertThat(first).containsExactly(1, 2, 3, 4, 5, 6);
            assertThat(recorder.added).isNotEmpty();
            await("all released once idle", () -> registeredExecutors(weft) == 0
                    && runningExecutorContainers(appId) == 0);
            int before = recorder.added.size();
            assertThat(weft.parallelize(List.of(1, 2, 3), 3).map(x -> -x).collect()).containsExactly(-1, -2, -3);
            assertThat(recorder.added.size()).as("new executors came for the second job").isGreaterThan(before);
            assertThat(recorder.lost).isEmpty();
        }
    }

    @Test
    void aLongLastTaskKeepsOneExecutorWhileTheOthersGoAndNoMapOutputIsRecomputed(@TempDir Path dir)
            throws Exception {
        // Executors run on this machine: the last task waits for a local file the test creates once the other
        // executors are gone, so nothing depends on how long a release takes.
        String flag = dir.resolve("release-the-tail").toString();
        try (WeftSession weft = session("dynalloc-tail-it", 3, 3).getOrCreate()) {
            Recorder recorder = record(weft);
            String appId = weft.applicationId();
            assertThat(registeredExecutors(weft)).isEqualTo(3);
            List<Integer> data = IntStream.range(0, 6000).boxed().toList();
            CompletableFuture<Map<Integer, Long>> job = CompletableFuture.supplyAsync(() ->
                    weft.parallelize(data, 6).mapToPair(x -> Pair.of(x % 13, 1L))
                            .reduceByKey(Long::sum, 4)
                            .mapPartitionsToPair(records -> {
                                List<Pair<Integer, Long>> out = new java.util.ArrayList<>();
                                records.forEachRemaining(out::add);
                                if (out.stream().anyMatch(p -> p.key() == 0)) {
                                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                                    while (!Files.exists(Path.of(flag)) && System.nanoTime() < deadline) {
                                        LockSupport.parkNanos(50_000_000L);
                                    }
                                }
                                return out.iterator();
                            }).collectAsMap());
            try {
                await("every executor but the one running the last task released",
                        () -> recorder.removed.size() >= 2 && registeredExecutors(weft) == 1);
                await("their containers ended", () -> runningExecutorContainers(appId) == 1);
                assertThat(job).as("the last task still runs").isNotDone();
            } finally {
                Files.createFile(Path.of(flag));
            }
            Map<Integer, Long> expected = new HashMap<>();
            data.forEach(x -> expected.merge(x % 13, 1L, Long::sum));
            assertThat(job.get(WAIT_MILLIS, TimeUnit.MILLISECONDS)).isEqualTo(expected);
            assertThat(recorder.removed.values()).containsOnly("released: idle");
            assertThat(recorder.lost).as("no task lost with a released executor").isEmpty();
            assertThat(recorder.mapAttempts).as("each map task ran once: released executors' outputs are on HDFS")
                    .hasSize(6).allSatisfy((partition, attempts) -> assertThat(attempts).isEqualTo(1));
            assertThat(recorder.added).as("none came back: no task waited").isEmpty();
        }
    }

    @Test
    void requestsTheClusterCannotMeetAreWithdrawnWhenTheBacklogGoesAway(@TempDir Path dir) throws Exception {
        // 2 GB executors: the two 8 GB NodeManagers hold about four beside the AM, far below the 40 asked for.
        // Every task waits for a flag file, so the backlog lasts until the test ends it.
        String flag = dir.resolve("end-the-backlog").toString();
        try (WeftSession weft = session("dynalloc-withdraw-it", 0, 40)
                .config("weft.executor.memory", "2g").getOrCreate()) {
            Recorder recorder = record(weft);
            String appId = weft.applicationId();
            CompletableFuture<Long> job = CompletableFuture.supplyAsync(() ->
                    weft.parallelize(IntStream.range(0, 80).boxed().toList(), 80).map(x -> {
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
                        while (!Files.exists(Path.of(flag)) && System.nanoTime() < deadline) {
                            LockSupport.parkNanos(20_000_000L);
                        }
                        return x;
                    }).count());
            try {
                await("requests beyond what the cluster can hold are pending at the ResourceManager",
                        () -> pendingContainers(appId) > 0);
                assertThat(job).isNotDone();
            } finally {
                Files.createFile(Path.of(flag));
            }
            assertThat(job.get(WAIT_MILLIS, TimeUnit.MILLISECONDS)).isEqualTo(80L);
            await("the pending requests are withdrawn once no task waits", () -> pendingContainers(appId) == 0);
            assertThat(yarn.getApplicationReport(ApplicationId.fromString(appId)).getYarnApplicationState())
                    .as("the application still runs").isEqualTo(YarnApplicationState.RUNNING);
            assertThat(recorder.lost).isEmpty();
        }
    }
}
