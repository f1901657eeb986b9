package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.Pair;
import io.weft.api.WeftException;
import io.weft.api.WeftSession;
import io.weft.driver.DriverEngine;
import io.weft.examples.TextCorpus;
import io.weft.examples.WordCount;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Client mode on a real MiniYARNCluster + MiniDFSCluster: the driver here, executors in YARN containers. */
class YarnClientModeTest {

    private static MiniClusters clusters;

    @BeforeAll
    static void startClusters() throws Exception {
        clusters = MiniClusters.get();
    }

    private static WeftSession.Builder session(String name) {
        return clusters.clientSession(name).config("weft.executor.registrationTimeout",
                System.getProperty("weft.it.registrationTimeout", "60s"));
    }

    @Test
    void wordCountOnHdfsMatchesAPlainCountAndCleansUp(@TempDir Path local) throws Exception {
        new TextCorpus(3_000, 1.0).write(local, 2 << 20, 2, 3);
        FileSystem fs = clusters.fs();
        org.apache.hadoop.fs.Path input = new org.apache.hadoop.fs.Path("/data/wordcount");
        fs.mkdirs(input);
        Map<String, Long> expected = new HashMap<>();
        try (var files = Files.list(local)) {
            for (Path file : files.toList()) {
                fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(file.toUri()), input);
                for (String line : Files.readAllLines(file)) {
                    for (String word : line.split(" ")) {
                        if (!word.isEmpty()) {
                            expected.merge(word, 1L, Long::sum);
                        }
                    }
                }
            }
        }
        String appId;
        org.apache.hadoop.fs.Path home = fs.getHomeDirectory();
        try (WeftSession weft = session("wordcount-it").getOrCreate()) {
            appId = weft.applicationId();
            assertThat(weft.defaultParallelism()).isEqualTo(2);
            var counts = WordCount.count(weft, fs.makeQualified(input).toString());
            assertThat(counts.collectAsMap()).isEqualTo(expected);
            // Shuffle files live on HDFS under the application's directory while it runs.
            assertThat(fs.exists(new org.apache.hadoop.fs.Path(home, ".weft/shuffle/" + appId))).isTrue();
            assertThat(fs.getFileStatus(new org.apache.hadoop.fs.Path(home, ".weft/staging/" + appId))
                    .getPermission().toShort()).isEqualTo((short) 0700);
            // Client mode tells the AM where the input is (for its container requests), as cluster mode does.
            org.apache.hadoop.fs.Path inputHosts = new org.apache.hadoop.fs.Path(home, ".weft/staging/" + appId
                    + "/input-hosts");
            assertThat(io.weft.driver.Poll.until(() -> {
                try {
                    return fs.exists(inputHosts) && fs.getFileStatus(inputHosts).getLen() > 0;
                } catch (java.io.IOException e) {
                    return false;
                }
            }, 30_000, 100)).as("input hosts written for the ApplicationMaster").isTrue();

            String out = fs.makeQualified(new org.apache.hadoop.fs.Path("/out/counts")).toString();
            counts.mapToPair(p -> Pair.of(p.key(), p.value())).saveAsTextFile(out);
            assertThat(fs.exists(new org.apache.hadoop.fs.Path(out, "_SUCCESS"))).isTrue();
            long lines = 0;
            for (FileStatus part : fs.listStatus(new org.apache.hadoop.fs.Path(out),
                    p -> p.getName().startsWith("part-"))) {
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(fs.open(part.getPath()),
                        StandardCharsets.UTF_8))) {
                    lines += reader.lines().count();
                }
            }
            assertThat(lines).isEqualTo(expected.size());
            // The AM registered the driver's status UI as the tracking URL; it opens through the RM's proxy.
            YarnClient yarn = YarnClient.createYarnClient();
            yarn.init(clusters.conf);
            yarn.start();
            try {
                ApplicationReport running = yarn.getApplicationReport(
                        org.apache.hadoop.yarn.api.records.ApplicationId.fromString(appId));
                assertThat(running.getOriginalTrackingUrl())
                        .isEqualTo(((io.weft.driver.DriverEngine) weft.engine()).statusUrl().orElseThrow());
                var jobs = Http.json(running.getTrackingUrl() + "api/v1/jobs");
                assertThat(jobs.findValuesAsText("status")).containsOnly("SUCCEEDED").hasSizeGreaterThanOrEqualTo(2);
                // Every map task read its HDFS split on its DataNode's host or rack (one default rack here).
                var stages = Http.json(running.getTrackingUrl() + "api/v1/stages");
                var mapStage = stages.get(stages.size() - 1);
                var mapTasks = Http.json(running.getTrackingUrl() + "api/v1/stages/"
                        + mapStage.get("stageId").asInt()).get("tasks");
                assertThat(mapTasks.findValuesAsText("locality")).isNotEmpty()
                        .allSatisfy(l -> assertThat(l).isIn("NODE_LOCAL", "RACK_LOCAL"));
                var executors = Http.json(running.getTrackingUrl() + "api/v1/executors");
                assertThat(executors).hasSize(2);
                for (var executor : executors) {
                    assertThat(executor.get("containerId").asText()).startsWith("container_");
                    assertThat(executor.get("logUrl").asText()).contains("/node/containerlogs/"
                            + executor.get("containerId").asText());
                }
                // A client that is not the proxy (here: another loopback address) is sent to the proxy instead.
                java.net.URI direct = java.net.URI.create(running.getOriginalTrackingUrl());
                try (java.net.Socket socket = new java.net.Socket()) {
                    socket.bind(new java.net.InetSocketAddress("127.0.0.2", 0));
                    socket.connect(new java.net.InetSocketAddress("127.0.0.1", direct.getPort()), 5000);
                    socket.getOutputStream().write(("GET /api/v1/jobs HTTP/1.1\r\nHost: x\r\nConnection: close"
                            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertThat(response).startsWith("HTTP/1.1 302").contains("/proxy/" + appId + "/api/v1/jobs")
                            .doesNotContain("SUCCEEDED");
                }
            } finally {
                yarn.stop();
            }
        }
        assertThat(fs.exists(new org.apache.hadoop.fs.Path(home, ".weft/shuffle/" + appId))).isFalse();
        assertThat(fs.exists(new org.apache.hadoop.fs.Path(home, ".weft/staging/" + appId))).isFalse();
        YarnClient client = YarnClient.createYarnClient();
        client.init(clusters.conf);
        client.start();
        try {
            org.apache.hadoop.yarn.api.records.ApplicationId id =
                    org.apache.hadoop.yarn.api.records.ApplicationId.fromString(appId);
            // close() returns once the ApplicationMaster has unregistered; its container's end is reported later
            assertThat(client.getApplicationReport(id).getFinalApplicationStatus())
                    .isEqualTo(org.apache.hadoop.yarn.api.records.FinalApplicationStatus.SUCCEEDED);
            EnumSet<YarnApplicationState> ended = EnumSet.of(YarnApplicationState.FINISHED, YarnApplicationState.KILLED);
            io.weft.driver.Poll.until(() -> {
                try {
                    return ended.contains(client.getApplicationReport(id).getYarnApplicationState());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, 30_000, 100);
            ApplicationReport report = client.getApplicationReport(id);
            assertThat(report.getYarnApplicationState()).isIn(ended);
        } finally {
            client.stop();
        }
    }

    @Test
    void executorsRunOnlyOnNodesWithTheirLabel() throws Exception {
        YarnClient yarn = YarnClient.createYarnClient();
        yarn.init(clusters.conf);
        yarn.start();
        try (WeftSession weft = session("labelled").config("weft.yarn.executor.nodeLabelExpression",
                MiniClusters.FAST_LABEL).getOrCreate()) {
            assertThat(weft.parallelize(java.util.List.of(1, 2, 3, 4), 4).map(x -> x * 2).reduce(Integer::sum))
                    .isEqualTo(20);
            var appId = org.apache.hadoop.yarn.api.records.ApplicationId.fromString(weft.applicationId());
            var attempt = yarn.getApplicationReport(appId).getCurrentApplicationAttemptId();
            var amContainer = yarn.getApplicationAttemptReport(attempt).getAMContainerId();
            var executorNodes = yarn.getContainers(attempt).stream()
                    .filter(c -> !c.getContainerId().equals(amContainer))
                    .map(org.apache.hadoop.yarn.api.records.ContainerReport::getAssignedNode).toList();
            assertThat(executorNodes).hasSize(2).containsOnly(clusters.fastNode());
        } finally {
            yarn.stop();
        }
    }

    @Test
    void wrongSecretAndGarbageOnTheDriversPortAreRejectedWhileAJobRuns() throws Exception {
        try (WeftSession weft = session("intruders").getOrCreate()) {
            DriverEngine engine = (DriverEngine) weft.engine();
            int port = ((io.weft.am.submit.YarnClientBackend) engine.backend()).driverPort();
            java.util.concurrent.atomic.AtomicInteger failedTasks = new java.util.concurrent.atomic.AtomicInteger();
            engine.addSchedulerListener(new io.weft.planner.SchedulerListener() {
                @Override
                public void taskEnded(io.weft.planner.TaskDescription task, String executorId,
                        io.weft.planner.TaskOutcome outcome) {
                    if (!(outcome instanceof io.weft.planner.TaskOutcome.Success)) {
                        failedTasks.incrementAndGet();
                    }
                }
            });
            var job = java.util.concurrent.CompletableFuture.supplyAsync(() -> weft.parallelize(
                    java.util.stream.IntStream.range(0, 40).boxed().toList(), 4).map(x -> {
                        java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
                        return x + 1;
                    }).reduce(Integer::sum));
            // The driver listens on this host's name (weft.driver.bindAddress), not on every interface.
            String host = java.net.InetAddress.getLocalHost().getHostName();
            try (java.net.Socket wrongSecret = new java.net.Socket(host, port);
                    java.net.Socket garbage = new java.net.Socket(host, port)) {
                // Knows the protocol but not the secret: reads the challenge, answers with a made-up proof.
                var in = wrongSecret.getInputStream();
                int challenge = java.nio.ByteBuffer.wrap(in.readNBytes(4)).getInt();
                in.readNBytes(challenge);
                // role 'E', encryption on, a nonce and a made-up proof
                wrongSecret.getOutputStream().write(java.nio.ByteBuffer.allocate(4 + 66).putInt(66).put((byte) 'E')
                        .put((byte) 1).put(new byte[64]).array());
                wrongSecret.setSoTimeout(10_000);
                assertThat(in.read()).as("connection closed").isEqualTo(-1);
                // Sends an absurd frame length before any handshake.
                garbage.getOutputStream().write(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2});
                garbage.setSoTimeout(10_000);
                var junkIn = garbage.getInputStream();
                junkIn.readNBytes(4 + challenge);
                assertThat(junkIn.read()).as("connection closed").isEqualTo(-1);
            }
            assertThat(job.get(2, java.util.concurrent.TimeUnit.MINUTES)).isEqualTo(820);
            assertThat(failedTasks).hasValue(0);
        }
    }

    @Test
    void secondSubmissionReusesTheCachedFrameworkJars() {
        for (int i = 0; i < 2; i++) {
            try (WeftSession weft = session("jar-cache-it-" + i).config("weft.executor.instances", "1").getOrCreate()) {
                assertThat(weft.parallelize(List.of(1, 2, 3), 1).map(x -> x * 2).collect()).containsExactly(2, 4, 6);
                var report = ((io.weft.am.submit.YarnClientBackend) ((io.weft.driver.DriverEngine) weft.engine())
                        .backend()).uploadReport();
                if (i == 1) {
                    // Only the test's own classes (a directory, jarred per run) travel again.
                    assertThat(report.uploaded()).allSatisfy(name -> assertThat(name).endsWith("classes.jar"));
                    assertThat(report.reused()).hasSizeGreaterThan(10)
                            .anySatisfy(name -> assertThat(name).startsWith("weft-container-runtime"));
                }
            }
        }
    }

    @Test
    void executorsThatCannotStartFailTheApplicationWithTheirError() {
        // The AM gives up after repeated launch failures and the session fails saying so; the registration
        // timeout is not what ends it.
        assertThatThrownBy(() -> session("bad-jvm-option-it")
                .config("weft.executor.extraJavaOptions", "-XX:+ThisOptionDoesNotExist").getOrCreate())
                .isInstanceOf(WeftException.class)
                .hasMessageContaining("the application ended").hasMessageContaining("final status FAILED")
                .hasMessageContaining("executor containers failed")
                .hasMessageContaining("ThisOptionDoesNotExist")
                .hasMessageNotContaining("timed out");
    }

    @Test
    void unknownQueueFailsBeforeSubmitting() throws Exception {
        YarnClient client = YarnClient.createYarnClient();
        client.init(clusters.conf);
        client.start();
        try {
            int before = client.getApplications().size();
            assertThatThrownBy(() -> session("no-such-queue").config("weft.yarn.queue", "nightly").getOrCreate())
                    .isInstanceOf(WeftException.class)
                    .hasMessageContaining("'nightly' does not exist")
                    .hasMessageContaining("weft.yarn.queue")
                    .hasMessageContaining("default");
            assertThat(client.getApplications()).hasSize(before);
        } finally {
            client.stop();
        }
    }

    @Test
    void aDriverThatCannotListenFailsTheSessionAndLeavesNoStagedFiles() throws Exception {
        // The files are staged while the engine and endpoint start; an endpoint that cannot bind ends the start
        // after staging began, and the staging directory must go with it.
        FileSystem fs = clusters.fs();
        org.apache.hadoop.fs.Path staging = new org.apache.hadoop.fs.Path(fs.getHomeDirectory(), ".weft/staging");
        YarnClient client = YarnClient.createYarnClient();
        client.init(clusters.conf);
        client.start();
        try {
            int before = client.getApplications().size();
            java.util.Set<String> dirsBefore = StagingDirs.applicationDirs(fs, staging);
            assertThatThrownBy(() -> session("cannot-listen").config("weft.driver.bindAddress", "203.0.113.7")
                    .getOrCreate()).isInstanceOf(WeftException.class);
            assertThat(client.getApplications()).as("nothing submitted").hasSize(before);
            assertThat(StagingDirs.applicationDirs(fs, staging)).isEqualTo(dirsBefore);
        } finally {
            client.stop();
        }
    }

    @Test
    void memoryAboveTheClusterMaximumFailsBeforeSubmitting() throws Exception {
        YarnClient client = YarnClient.createYarnClient();
        client.init(clusters.conf);
        client.start();
        try {
            int before = client.getApplications().size();
            assertThatThrownBy(() -> session("too-big").config("weft.executor.memory", "64g").getOrCreate())
                    .isInstanceOf(WeftException.class)
                    .hasMessageContaining("weft.executor.memory")
                    .hasMessageContaining("at most");
            assertThat(client.getApplications()).hasSize(before);
        } finally {
            client.stop();
        }
    }

    @Test
    void joinAndGlobalSortRunOnYarn() {
        WeftSession started;
        try {
            started = session("join-sort-it").getOrCreate();
        } catch (WeftException e) {
            clusters.dumpContainerLogs();
            throw e;
        }
        try (WeftSession weft = started) {
            var left = weft.parallelize(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 3).mapToPair(x -> Pair.of(x % 4, x));
            var right = weft.parallelize(List.of(0, 1, 2), 2).mapToPair(x -> Pair.of(x, "k" + x));
            Map<Integer, Long> joined = left.join(right).mapValues(p -> 1L).reduceByKey(Long::sum).collectAsMap();
            assertThat(joined).isEqualTo(Map.of(0, 2L, 1, 3L, 2, 3L));
            List<Integer> sorted = weft.parallelize(List.of(5, 3, 9, 1, 7, 2, 8), 3).mapToPair(x -> Pair.of(x, x))
                    .sortByKey(false).keys().collect();
            assertThat(sorted).containsExactly(9, 8, 7, 5, 3, 2, 1);
        }
    }
}
