package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.am.submit.YarnClientBackend;
import io.weft.api.JobFailedException;
import io.weft.api.Pair;
import io.weft.api.PairDataset;
import io.weft.api.WeftSession;
import io.weft.planner.SchedulerListener;
import io.weft.planner.Stage;
import io.weft.planner.TaskDescription;
import io.weft.planner.TaskOutcome;
import io.weft.driver.DriverEngine;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;

/**
 * Faults injected into running client-mode applications on the mini cluster. Each test checks the job's result
 * exactly and counts what ran again.
 */
class FaultInjectionTest {

    private static final List<Integer> DATA = IntStream.range(0, 6000).boxed().toList();

    private static Map<Integer, Long> expectedCounts(int modulus) {
        Map<Integer, Long> expected = new HashMap<>();
        DATA.forEach(x -> expected.merge(x % modulus, 1L, Long::sum));
        return expected;
    }

    /** Counts task starts per stage and partition, and how attempts ended. */
    private static final class Tally implements SchedulerListener {

        /** @return a tally listening to the session's scheduler from now on */
        static Tally of(WeftSession weft) {
            Tally tally = new Tally();
            ((DriverEngine) weft.engine()).addSchedulerListener(tally);
            return tally;
        }

        final Map<String, Integer> starts = new ConcurrentHashMap<>();
        final List<TaskOutcome> outcomes = new CopyOnWriteArrayList<>();
        final AtomicInteger speculative = new AtomicInteger();

        @Override
        public void taskStarted(TaskDescription task, String executorId, boolean isSpeculative) {
            starts.merge((task.isMapTask() ? "map " : "result ") + task.stageId() + "/" + task.partition(), 1,
                    Integer::sum);
            if (isSpeculative) {
                speculative.incrementAndGet();
            }
        }

        @Override
        public void taskEnded(TaskDescription task, String executorId, TaskOutcome outcome) {
            outcomes.add(outcome);
        }

        long mapStarts(int stageId) {
            return starts.entrySet().stream().filter(e -> e.getKey().startsWith("map " + stageId + "/"))
                    .mapToInt(Map.Entry::getValue).sum();
        }
    }

    @Test
    void aTaskThatAlwaysThrowsFailsTheJobWithTheExecutorsStackTraceAndTheSessionCarriesOn() throws Exception {
        MiniClusters clusters = MiniClusters.get();
        try (WeftSession weft = clusters.clientSession("always-throws-it").getOrCreate()) {
            Tally tally = Tally.of(weft);
            assertThatThrownBy(() -> weft.parallelize(DATA, 4).map(x -> {
                if (x == 4321) {
                    throw new IllegalStateException("record " + x + " is poison");
                }
                return x;
            }).count())
                    .isInstanceOf(JobFailedException.class)
                    .hasMessageContaining("record 4321 is poison")
                    .rootCause().hasStackTraceContaining("FaultInjectionTest");
            // Four attempts of the poisoned partition (spread over both executors), each failing with the task's
            // exception, and nothing else: no executor lost, no stage waiting on exclusion timeouts.
            assertThat(tally.outcomes).filteredOn(o -> o instanceof TaskOutcome.Failed).hasSize(4)
                    .allSatisfy(o -> assertThat(((TaskOutcome.Failed) o).error().getMessage())
                            .contains("record 4321 is poison"));
            assertThat(tally.outcomes).noneMatch(o -> o instanceof TaskOutcome.ExecutorLost);
            // The application is still usable.
            assertThat(weft.parallelize(DATA, 4).count()).isEqualTo(DATA.size());
        }
    }

    @Test
    void aDeletedShuffleFileIsRecomputedAloneBeforeItsReduceStageResumes() throws Exception {
        MiniClusters clusters = MiniClusters.get();
        try (WeftSession weft = clusters.clientSession("deleted-shuffle-file-it").getOrCreate()) {
            DriverEngine engine = (DriverEngine) weft.engine();
            Tally tally = Tally.of(weft);
            FileSystem fs = clusters.fs();
            Map<Integer, String> fileOfMap = new ConcurrentHashMap<>();
            Set<Integer> inDeletedFile = new java.util.TreeSet<>();
            java.util.concurrent.atomic.AtomicBoolean deleted = new java.util.concurrent.atomic.AtomicBoolean();
            engine.addSchedulerListener(new SchedulerListener() {
                @Override
                public void taskEnded(TaskDescription task, String executorId, TaskOutcome outcome) {
                    if (outcome instanceof TaskOutcome.Success s && s.mapStatus() != null) {
                        fileOfMap.putIfAbsent(task.partition(), s.mapStatus().path());
                    }
                }

                @Override
                public void stageCompleted(Stage stage) {
                    if (stage.id() == 0 && deleted.compareAndSet(false, true)) {
                        try {
                            // Between the map stage's commit and the reduce stage's first read: the file holding
                            // map 1's output (of its own, or a segment file shared with other maps).
                            String file = fileOfMap.get(1);
                            fileOfMap.forEach((map, path) -> {
                                if (path.equals(file)) {
                                    inDeletedFile.add(map);
                                }
                            });
                            fs.delete(new org.apache.hadoop.fs.Path(file), false);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                }
            });
            Map<Integer, Long> counts = weft.parallelize(DATA, 4).mapToPair(x -> Pair.of(x % 97, 1L))
                    .reduceByKey(Long::sum, 3).collectAsMap();
            assertThat(counts).isEqualTo(expectedCounts(97));
            assertThat(tally.outcomes).anyMatch(o -> o instanceof TaskOutcome.FetchFailed f
                    && inDeletedFile.contains(f.mapIndex()));
            // Exactly the map outputs in the deleted file ran again, each once; the others never did.
            assertThat(inDeletedFile).contains(1);
            for (int map = 0; map < 4; map++) {
                assertThat(tally.starts).as("runs of map %d (in the deleted file: %s)", map, inDeletedFile)
                        .containsEntry("map 0/" + map, inDeletedFile.contains(map) ? 2 : 1);
            }
        }
    }

    @Test
    void anExecutorKilledMidMapStageCostsOnlyItsRunningTasks() throws Exception {
        MiniClusters clusters = MiniClusters.get();
        try (WeftSession weft = clusters.clientSession("kill-mid-map-it").getOrCreate()) {
            DriverEngine engine = (DriverEngine) weft.engine();
            YarnClientBackend backend = (YarnClientBackend) engine.backend();
            Tally tally = Tally.of(weft);
            Map<Integer, String> ranOn = new ConcurrentHashMap<>();
            List<Integer> runningWhenKilled = new CopyOnWriteArrayList<>();
            engine.addSchedulerListener(new SchedulerListener() {
                private final Map<Integer, String> running = new HashMap<>();
                private int mapsDone;
                private boolean killed;

                @Override
                public void taskStarted(TaskDescription task, String executorId) {
                    if (task.isMapTask()) {
                        running.put(task.partition(), executorId);
                        ranOn.put(task.partition(), executorId);
                    }
                }

                @Override
                public void taskEnded(TaskDescription task, String executorId, TaskOutcome outcome) {
                    if (!task.isMapTask()) {
                        return;
                    }
                    running.remove(task.partition());
                    if (outcome instanceof TaskOutcome.Success && ++mapsDone == 2 && !killed) {
                        // Two map outputs are committed and others run: kill one executor's JVM.
                        killed = true;
                        String victim = running.values().iterator().next();
                        running.forEach((partition, executor) -> {
                            if (executor.equals(victim)) {
                                runningWhenKilled.add(partition);
                            }
                        });
                        ProcessHandle.of(backend.executorPids().get(victim)).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
            });
            Map<Integer, Long> counts = weft.parallelize(DATA, 8).mapPartitions(records -> {
                LockSupport.parkNanos(1_500_000_000L); // each map task takes 1.5 s
                return records;
            }).mapToPair(x -> Pair.of(x % 13, 1L)).reduceByKey(Long::sum, 2).collectAsMap();
            assertThat(counts).isEqualTo(expectedCounts(13));
            assertThat(runningWhenKilled).isNotEmpty();
            // Only the tasks that were running on the killed executor ran again.
            for (int partition = 0; partition < 8; partition++) {
                assertThat(tally.starts.get("map 0/" + partition)).as("map partition %d", partition)
                        .isEqualTo(runningWhenKilled.contains(partition) ? 2 : 1);
            }
        }
    }

    @Test
    void aTaskSlowOnOneExecutorIsOvertakenByItsSpeculativeCopy() throws Exception {
        MiniClusters clusters = MiniClusters.get();
        try (WeftSession weft = clusters.clientSession("speculation-it").config("weft.speculation", "true")
                .config("weft.speculation.quantile", "0.5").config("weft.speculation.minRuntime", "500ms")
                .getOrCreate()) {
            Tally tally = Tally.of(weft);
            // The first attempt of the last partition hangs for ten minutes, as on an executor with a failing disk; any
            // later attempt (the speculative copy, on another executor) is quick. The tasks write the output, so the
            // commit protocol is under test too.
            FileSystem fs = clusters.fs();
            org.apache.hadoop.fs.Path output = fs.makeQualified(new org.apache.hadoop.fs.Path("/out/speculation"));
            weft.parallelize(DATA, 4).mapPartitions(records -> {
                io.weft.api.lineage.TaskContext task = io.weft.api.lineage.TaskContext.current();
                if (task.partitionId() == 3 && task.attemptNumber() == 0) {
                    LockSupport.parkNanos(600_000_000_000L);
                }
                return records;
            }).map(String::valueOf).saveAsTextFile(output.toString());
            // The job ended (well within the test's timeout), so the copy won; the slow attempt is then killed (its
            // executor reports that a little later).
            assertThat(tally.speculative.get()).isPositive();
            assertThat(io.weft.driver.Poll.until(() -> tally.outcomes.stream()
                    .anyMatch(o -> o instanceof TaskOutcome.Killed), 30_000, 100)).as("the slow attempt killed")
                    .isTrue();
            // One file per partition, whichever attempt wrote it; every record exactly once.
            List<String> names = java.util.Arrays.stream(fs.listStatus(output)).map(f -> f.getPath().getName())
                    .sorted().toList();
            assertThat(names).containsExactly("_SUCCESS", "part-00000", "part-00001", "part-00002", "part-00003");
            List<Integer> written = new java.util.ArrayList<>();
            for (String name : names.subList(1, names.size())) {
                try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(
                        fs.open(new org.apache.hadoop.fs.Path(output, name)), StandardCharsets.UTF_8))) {
                    in.lines().map(Integer::parseInt).forEach(written::add);
                }
            }
            assertThat(written).containsExactlyElementsOf(DATA);
        }
    }

    @Test
    void aNodeWhereEveryLaunchFailsIsExcludedAndTheJobFinishesOnTheOtherNode() throws Exception {
        MiniClusters clusters = MiniClusters.get();
        org.apache.hadoop.conf.Configuration broken = clusters.nodeManagerConf(0);
        String adminEnv = broken.get("yarn.nodemanager.admin-env");
        // Every JVM this NodeManager starts refuses to start, as on a node with a broken JDK.
        broken.set("yarn.nodemanager.admin-env", "JAVA_TOOL_OPTIONS=-XX:+WeftNoSuchOption");
        try (WeftSession weft = clusters.clientSession("bad-node-it")
                .config("weft.yarn.am.nodeLabelExpression", MiniClusters.FAST_LABEL)
                .config("weft.executor.instances", "3")
                .config("weft.exclude.maxContainerFailuresPerNode", "1").getOrCreate()) {
            Map<Integer, Long> counts = weft.parallelize(DATA, 6).mapToPair(x -> Pair.of(x % 11, 1L))
                    .reduceByKey(Long::sum, 3).collectAsMap();
            assertThat(counts).isEqualTo(expectedCounts(11));
            String amLog = clusters.amLog(weft.applicationId());
            String badNode = clusters.nodeName(0);
            if (amLog.contains("on " + badNode)) {
                assertThat(amLog).contains("Executor container failed").contains("Excluding host " + badNode)
                        .contains("YARN blacklist: adding [" + badNode + "]");
            }
            assertThat(amLog).as("at least one launch on the broken node").contains("on " + badNode);
        } finally {
            if (adminEnv == null) {
                broken.unset("yarn.nodemanager.admin-env");
            } else {
                broken.set("yarn.nodemanager.admin-env", adminEnv);
            }
        }
    }

    @Test
    void executorsWhereTasksKeepFailingExcludeTheirHostFromTheSchedulerAndFromYarn() throws Exception {
        MiniClusters clusters = MiniClusters.get();
        try (WeftSession weft = clusters.clientSession("scheduler-exclusion-it")
                .config("weft.executor.instances", "3")
                .config("weft.task.maxFailures", "6")
                .config("weft.exclude.unschedulableTimeout", "3s").getOrCreate()) {
            Tally tally = Tally.of(weft);
            // Partition 0 fails five times. An executor gets no more of the stage's tasks after two failures, so
            // however the scheduler spreads the attempts, two executors fail it twice (2 + 2 + 1); its sixth attempt,
            // on the third executor, succeeds, and so does the stage.
            List<Integer> out = weft.parallelize(DATA, 3).mapPartitions(records -> {
                io.weft.api.lineage.TaskContext task = io.weft.api.lineage.TaskContext.current();
                if (task.partitionId() == 0 && task.attemptNumber() < 5) {
                    throw new IllegalStateException("attempt " + task.attemptNumber() + " fails");
                }
                return records;
            }).collect();
            assertThat(out).isEqualTo(DATA);
            assertThat(tally.starts).containsEntry("result 0/0", 6);
            // The stage succeeded, so its failures blame the two executors: both are excluded, and with them their
            // host, which reaches YARN's blacklist as the node names of its NodeManagers (through the staging
            // directory, in client mode).
            String host = clusters.yarn.getNodeManager(0).getNMContext().getNodeId().getHost();
            long deadline = System.nanoTime() + 10_000_000_000L;
            String amLog = clusters.amLog(weft.applicationId());
            while (!amLog.contains("YARN blacklist: adding") && System.nanoTime() < deadline) {
                LockSupport.parkNanos(200_000_000L);
                amLog = clusters.amLog(weft.applicationId());
            }
            assertThat(amLog).contains("The driver excludes hosts [" + host + "]")
                    .containsPattern("YARN blacklist: adding \\[[^]]*" + java.util.regex.Pattern.quote(host) + ":");
            // Every executor of this one-host cluster is on the excluded host: the next job cannot run anywhere,
            // and fails saying so instead of hanging (the scheduler's message; or the AM's, had every NodeManager
            // run one of the executors and so been blacklisted).
            assertThatThrownBy(() -> weft.parallelize(DATA, 3).count()).isInstanceOf(JobFailedException.class)
                    .hasMessageContaining("excluded after repeated");
        }
    }

    @Test
    void aKilledApplicationFailsTheClientDriversJobsWithTheReasonInsteadOfWaitingForExecutors() throws Exception {
        MiniClusters clusters = MiniClusters.get();
        try (WeftSession weft = clusters.clientSession("killed-under-driver-it").getOrCreate()) {
            assertThat(weft.parallelize(DATA, 4).count()).isEqualTo(DATA.size());
            org.apache.hadoop.yarn.client.api.YarnClient client =
                    org.apache.hadoop.yarn.client.api.YarnClient.createYarnClient();
            client.init(clusters.conf);
            client.start();
            try {
                client.killApplication(org.apache.hadoop.yarn.api.records.ApplicationId.fromString(
                        weft.applicationId()));
            } finally {
                client.stop();
            }
            // Jobs fail once the application is gone (one may start before the driver notices); the loop's end
            // would mean they did not.
            assertThatThrownBy(() -> {
                for (int i = 0; i < 100; i++) {
                    weft.parallelize(DATA, 4).map(x -> x + 1).count();
                    LockSupport.parkNanos(100_000_000L);
                }
            }).isInstanceOf(JobFailedException.class).hasMessageContaining("ended (KILLED");
        }
    }

    @Test
    void anExecutorKilledForExceedingItsMemoryFailsItsTaskWithTheSettingToRaiseAndIsReplaced() throws Exception {
        MiniClusters clusters = MiniClusters.get();
        try (WeftSession weft = clusters.clientSession("memory-kill-it").getOrCreate()) {
            Tally tally = Tally.of(weft);
            // The first attempt of partition 1 touches 1 GB outside the heap, in a 640 MB container (256 MB heap plus
            // the 384 MB minimum overhead), and waits to be killed; the retry elsewhere is plain.
            long count = weft.parallelize(DATA, 4).mapPartitions(records -> {
                io.weft.api.lineage.TaskContext task = io.weft.api.lineage.TaskContext.current();
                if (task.partitionId() == 1 && task.attemptNumber() == 0) {
                    io.weft.it.apps.MemoryHogApp.touchOffHeap(1L << 30);
                    LockSupport.parkNanos(600_000_000_000L);
                }
                return records;
            }).count();
            assertThat(count).isEqualTo(DATA.size());
            // YARN's exit status reached the driver (through the client-mode AM's connection) and became the task's
            // failure: the user reads the limit and the setting to raise, not "connection closed".
            assertThat(tally.outcomes).filteredOn(TaskOutcome.ExecutorLost.class::isInstance)
                    .map(outcome -> ((TaskOutcome.ExecutorLost) outcome).reason())
                    .singleElement().asString()
                    .contains("killed for exceeding its physical memory limit of 640 MB")
                    .contains("weft.executor.memoryOverhead");
            assertThat(tally.starts).containsEntry("result 0/1", 2);
            // The AM counted the failure and asked for a replacement (which the finished job may not have waited for).
            assertThat(clusters.amLog(weft.applicationId())).containsSubsequence("Executor container failed (1 of",
                    "Requesting an executor container");
        }
    }
}
