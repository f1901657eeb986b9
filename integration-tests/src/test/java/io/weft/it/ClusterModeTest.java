package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.am.WeftSubmit;
import io.weft.examples.TextCorpus;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cluster mode through WeftSubmit: the program's main runs inside the ApplicationMaster, which is the driver. */
class ClusterModeTest {

    private static List<String> submit(MiniClusters clusters, String... program) {
        List<String> args = new ArrayList<>(List.of("--num-executors", "2", "--executor-memory", "256m",
                "--driver-memory", "256m",
                "--conf", "weft.yarn.hadoopConfDir=" + clusters.confDir,
                "--conf", "weft.yarn.javaHome=" + System.getProperty("java.home")));
        args.addAll(List.of(program));
        return args;
    }

    @Test
    void wordCountRunsWithTheDriverInTheApplicationMaster(@TempDir Path local) throws Exception {
        MiniClusters clusters = MiniClusters.get();
        FileSystem fs = clusters.fs();
        new TextCorpus(1_000, 1.0).write(local, 1 << 20, 1, 9);
        org.apache.hadoop.fs.Path input = fs.makeQualified(new org.apache.hadoop.fs.Path("/data/cluster-mode"));
        fs.mkdirs(input);
        Map<String, Long> expected = new HashMap<>();
        for (Path file : Files.list(local).toList()) {
            fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(file.toUri()), input);
            for (String line : Files.readAllLines(file)) {
                for (String word : line.split(" ")) {
                    if (!word.isEmpty()) {
                        expected.merge(word, 1L, Long::sum);
                    }
                }
            }
        }
        String output = fs.makeQualified(new org.apache.hadoop.fs.Path("/out/cluster-mode")).toString();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit = WeftSubmit.run(submit(clusters, "--name", "cluster wordcount", "--queue", "default",
                "--input", input + "/*", "--conf", "weft.yarn.tags=WordCount,nightly", "--conf",
                "weft.yarn.priority=3", "--conf", "weft.eventLog.dir=/weft-events", "--conf",
                "weft.history.address=http://history.example:18080", "io.weft.it.apps.CountWordsApp",
                input.toString(), output)
                .toArray(new String[0]), new PrintStream(printed, true, StandardCharsets.UTF_8));
        String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(text).isZero();
        assertThat(text).contains("Submitted application application_").contains("Final status: SUCCEEDED");

        Map<String, Long> actual = new HashMap<>();
        for (FileStatus part : fs.listStatus(new org.apache.hadoop.fs.Path(output),
                p -> p.getName().startsWith("part-"))) {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(fs.open(part.getPath()),
                    StandardCharsets.UTF_8))) {
                reader.lines().forEach(line -> {
                    // Pair.toString is "(key,value)".
                    int comma = line.lastIndexOf(',');
                    actual.put(line.substring(1, comma), Long.parseLong(line.substring(comma + 1, line.length() - 1)));
                });
            }
        }
        assertThat(actual).isEqualTo(expected);
        String appId = text.replaceAll("(?s).*Submitted application (application_\\d+_\\d+).*", "$1");
        assertThat(fs.exists(new org.apache.hadoop.fs.Path(fs.getHomeDirectory(), ".weft/staging/" + appId)))
                .isFalse();
        assertThat(fs.exists(new org.apache.hadoop.fs.Path(fs.getHomeDirectory(), ".weft/shuffle/" + appId)))
                .isFalse();
        org.apache.hadoop.yarn.client.api.YarnClient client =
                org.apache.hadoop.yarn.client.api.YarnClient.createYarnClient();
        client.init(clusters.conf);
        client.start();
        try {
            var report = client.getApplicationReport(
                    org.apache.hadoop.yarn.api.records.ApplicationId.fromString(appId));
            assertThat(report.getName()).isEqualTo("cluster wordcount");
            assertThat(report.getQueue()).isIn("default", "root.default");
            assertThat(report.getApplicationTags()).containsExactlyInAnyOrder("wordcount", "nightly");
            assertThat(report.getPriority().getPriority()).isEqualTo(3);
            assertThat(report.getApplicationType()).isEqualTo("WEFT");
            // After the end, YARN's tracking link points at the history server's pages for this application.
            assertThat(report.getOriginalTrackingUrl()).isEqualTo("http://history.example:18080/history/" + appId
                    + "/");
        } finally {
            client.stop();
        }
        // The client printed a summary it read from the driver while the application ran.
        assertThat(text).containsPattern("Application " + appId + " SUCCEEDED in [0-9.]+ s: [1-9]\\d* jobs")
                .contains("tasks succeeded").contains("Logs: yarn logs -applicationId " + appId);

        // The event log on HDFS is finished, and 'history' serves the application's pages from it.
        assertThat(fs.exists(new org.apache.hadoop.fs.Path("/weft-events/" + appId))).isTrue();
        ByteArrayOutputStream historyOut = new ByteArrayOutputStream();
        java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);
        Thread history = new Thread(() -> io.weft.am.submit.HistoryCommand.run(new String[] {"--port", "0", "--conf",
                "weft.yarn.hadoopConfDir=" + clusters.confDir, fs.makeQualified(
                        new org.apache.hadoop.fs.Path("/weft-events")).toString()},
                new PrintStream(historyOut, true, StandardCharsets.UTF_8), stop));
        history.start();
        try {
            io.weft.driver.Poll.until(() -> historyOut.toString(StandardCharsets.UTF_8).contains(" at http"), 30_000,
                    50);
            String historyUrl = historyOut.toString(StandardCharsets.UTF_8).replaceAll("(?s).* at (http\\S+).*", "$1");
            var jobs = Http.json(historyUrl + "history/" + appId + "/api/v1/jobs");
            assertThat(jobs.findValuesAsText("status")).isNotEmpty().containsOnly("SUCCEEDED");
            assertThat(Http.json(historyUrl + "history/" + appId + "/api/v1/application").get("status").asText())
                    .isEqualTo("SUCCEEDED");
            assertThat(Http.get(historyUrl)).contains(appId);
        } finally {
            stop.countDown();
            history.join(10_000);
        }
    }

    @Test
    void aMissingInputFailsBeforeAnythingIsSubmitted() throws Exception {
        MiniClusters clusters = MiniClusters.get();
        org.apache.hadoop.yarn.client.api.YarnClient client =
                org.apache.hadoop.yarn.client.api.YarnClient.createYarnClient();
        client.init(clusters.conf);
        client.start();
        try {
            int before = client.getApplications().size();
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            int exit = WeftSubmit.run(submit(clusters, "--input", "/no/such/input", "io.weft.it.apps.CountWordsApp",
                    "/no/such/input", "/out/never").toArray(new String[0]),
                    new PrintStream(printed, true, StandardCharsets.UTF_8));
            String text = printed.toString(StandardCharsets.UTF_8);
            assertThat(exit).isEqualTo(1);
            assertThat(text).contains("Input path does not exist: " + clusters.fs().makeQualified(
                    new org.apache.hadoop.fs.Path("/no/such/input"))).contains("Nothing was submitted");
            assertThat(client.getApplications()).hasSize(before);
        } finally {
            client.stop();
        }
    }

    @Test
    void anUnknownQueueFailsBeforeAnythingIsSubmittedAndLeavesNoStagedFiles() throws Exception {
        MiniClusters clusters = MiniClusters.get();
        FileSystem fs = clusters.fs();
        org.apache.hadoop.fs.Path stagingRoot = new org.apache.hadoop.fs.Path(fs.getHomeDirectory(), ".weft/staging");
        java.util.Set<String> stagedBefore = StagingDirs.applicationDirs(fs, stagingRoot);
        org.apache.hadoop.yarn.client.api.YarnClient client =
                org.apache.hadoop.yarn.client.api.YarnClient.createYarnClient();
        client.init(clusters.conf);
        client.start();
        try {
            int before = client.getApplications().size();
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            // The queue is looked up while the jars are staged: the failure must still come before the submission.
            int exit = WeftSubmit.run(submit(clusters, "--queue", "no-such-queue", "io.weft.it.apps.CountWordsApp",
                    "/no/input", "/out/never").toArray(new String[0]),
                    new PrintStream(printed, true, StandardCharsets.UTF_8));
            String text = printed.toString(StandardCharsets.UTF_8);
            assertThat(exit).as(text).isEqualTo(1);
            assertThat(text).contains("The YARN queue 'no-such-queue' does not exist. Fix: set weft.yarn.queue")
                    .contains("Nothing was submitted");
            assertThat(client.getApplications()).hasSize(before);
            assertThat(StagingDirs.applicationDirs(fs, stagingRoot)).isSubsetOf(stagedBefore);
        } finally {
            client.stop();
        }
    }

    @Test
    void clientModeThroughWeftSubmitRunsTheProgramHereAndHelpListsTheOptions() throws Exception {
        MiniClusters clusters = MiniClusters.get();
        FileSystem fs = clusters.fs();
        org.apache.hadoop.fs.Path input = fs.makeQualified(new org.apache.hadoop.fs.Path("/data/client-submit"));
        try (var out = fs.create(new org.apache.hadoop.fs.Path(input, "words.txt"))) {
            out.write("b a b c b a\n".getBytes(StandardCharsets.UTF_8));
        }
        String output = fs.makeQualified(new org.apache.hadoop.fs.Path("/out/client-submit")).toString();
        java.util.Properties before = (java.util.Properties) System.getProperties().clone();
        try {
            List<String> args = new ArrayList<>(List.of("--deploy-mode", "client"));
            args.addAll(submit(clusters, "io.weft.it.apps.CountWordsApp", input.toString(), output));
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            int exit = WeftSubmit.run(args.toArray(new String[0]), new PrintStream(printed, true,
                    StandardCharsets.UTF_8));
            assertThat(exit).as(printed.toString(StandardCharsets.UTF_8)).isZero();
        } finally {
            System.setProperties(before);
        }
        List<String> lines = new ArrayList<>();
        for (FileStatus part : fs.listStatus(new org.apache.hadoop.fs.Path(output),
                p -> p.getName().startsWith("part-"))) {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(fs.open(part.getPath()),
                    StandardCharsets.UTF_8))) {
                reader.lines().forEach(lines::add);
            }
        }
        assertThat(lines).containsExactlyInAnyOrder("(a,2)", "(b,3)", "(c,1)");

        java.io.StringWriter help = new java.io.StringWriter();
        new picocli.CommandLine(new io.weft.am.submit.SubmitCommand(System.out)).usage(new java.io.PrintWriter(help));
        assertThat(help.toString()).contains("--deploy-mode", "--name", "--queue", "--num-executors",
                "--executor-memory", "--executor-cores", "--driver-memory", "--conf", "--help");
    }

    @Test
    void aFailingDriverMakesTheClientExitNonZeroWithTheDriversError() throws Exception {
        MiniClusters clusters = MiniClusters.get();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit = WeftSubmit.run(submit(clusters, "io.weft.it.apps.FailingApp").toArray(new String[0]),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(text).isEqualTo(1);
        assertThat(text).contains("Final status: FAILED")
                .contains("java.lang.IllegalStateException: the driver gave up on purpose")
                .contains("at io.weft.it.apps.FailingApp.main");
        String appId = text.replaceAll("(?s).*Submitted application (application_\\d+_\\d+).*", "$1");
        FileSystem fs = clusters.fs();
        assertThat(fs.exists(new org.apache.hadoop.fs.Path(fs.getHomeDirectory(), ".weft/staging/" + appId)))
                .isFalse();
        assertThat(fs.exists(new org.apache.hadoop.fs.Path(fs.getHomeDirectory(), ".weft/shuffle/" + appId)))
                .isFalse();
    }

    @Test
    void aTaskThatOutgrowsItsContainerFailsTheJobWithYarnsReasonAndTheSettingToRaise() throws Exception {
        MiniClusters clusters = MiniClusters.get();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<String> args = submit(clusters, "--conf", "weft.task.maxFailures=2", "io.weft.it.apps.MemoryHogApp");
        int exit = WeftSubmit.run(args.toArray(new String[0]), new PrintStream(printed, true, StandardCharsets.UTF_8));
        String text = printed.toString(StandardCharsets.UTF_8);
        // In cluster mode the AM hands YARN's exit status straight to the driver in its JVM; the task's failure,
        // and so the error the client prints, says what happened and what to raise.
        assertThat(exit).as(text).isEqualTo(1);
        assertThat(text).contains("Final status: FAILED").contains("failed 2 times")
                .contains("killed for exceeding its physical memory limit of 640 MB")
                .contains("weft.executor.memoryOverhead");
    }

    @Test
    void aKilledApplicationLeavesNeitherStagingNorShuffleFiles() throws Exception {
        MiniClusters clusters = MiniClusters.get();
        FileSystem fs = clusters.fs();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        java.util.concurrent.CompletableFuture<Integer> exit = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> WeftSubmit.run(submit(clusters, "io.weft.it.apps.SlowApp").toArray(new String[0]),
                        new PrintStream(printed, true, StandardCharsets.UTF_8)));
        org.apache.hadoop.yarn.client.api.YarnClient client =
                org.apache.hadoop.yarn.client.api.YarnClient.createYarnClient();
        client.init(clusters.conf);
        client.start();
        org.apache.hadoop.yarn.api.records.ApplicationId appId = null;
        try {
            // Wait until the driver has written shuffle files, then kill the application as an operator would.
            // (They appear when the first map task commits; the map stage may still be running.)
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline) {
                String text = printed.toString(StandardCharsets.UTF_8);
                if (appId == null && text.contains("Submitted application ")) {
                    appId = org.apache.hadoop.yarn.api.records.ApplicationId.fromString(
                            text.replaceAll("(?s).*Submitted application (application_\\d+_\\d+).*", "$1"));
                }
                // The map stage has finished (its files exist) and the AM has reported progress to YARN.
                if (appId != null && fs.exists(new org.apache.hadoop.fs.Path(fs.getHomeDirectory(),
                        ".weft/shuffle/" + appId + "/shuffle_0"))
                        && client.getApplicationReport(appId).getProgress() > 0) {
                    break;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
            }
            assertThat(appId).as(printed.toString(StandardCharsets.UTF_8)).isNotNull();
            assertThat(client.getApplicationReport(appId).getProgress()).isGreaterThan(0f);
            // The driver's status UI is the tracking URL, reached through the ResourceManager's web proxy.
            org.apache.hadoop.yarn.api.records.ApplicationReport report = client.getApplicationReport(appId);
            assertThat(report.getTrackingUrl()).contains("/proxy/" + appId);
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("Tracking URL: " + report.getTrackingUrl());
            com.fasterxml.jackson.databind.JsonNode jobs = Http.json(report.getTrackingUrl() + "api/v1/jobs");
            assertThat(jobs.get(0).get("status").asText()).isEqualTo("RUNNING");
            // Shuffle files appear with the first committed map task: wait for the whole map stage.
            com.fasterxml.jackson.databind.JsonNode stages = Http.json(report.getTrackingUrl() + "api/v1/stages");
            long stageDeadline = System.currentTimeMillis() + 30_000;
            // (The reduce stage goes from WAITING to RUNNING a moment after the map stage completes.)
            while (!stages.findValuesAsText("status").containsAll(List.of("COMPLETE", "RUNNING"))
                    && System.currentTimeMillis() < stageDeadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
                stages = Http.json(report.getTrackingUrl() + "api/v1/stages");
            }
            assertThat(stages.findValuesAsText("status")).contains("COMPLETE", "RUNNING");
            assertThat(Http.get(report.getTrackingUrl())).contains("io.weft.it.apps.SlowApp");
            // The AM's own log (in its container's log directory) tells the story in order.
            assertThat(clusters.amLog(appId.toString())).containsSubsequence(
                    "Requesting an executor container", "Allocated container_", "Launching executor",
                    "Executor 1 registered", "Job 0 (count at SlowApp.java", "Submitting ShuffleMapStage 0",
                    "ShuffleMapStage 0 (mapToPair at SlowApp.java:21, shuffle 0) completed",
                    "Submitting ResultStage 1");
            client.killApplication(appId);
            assertThat(exit.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("Final status: KILLED");
            org.apache.hadoop.fs.Path home = fs.getHomeDirectory();
            assertThat(fs.exists(new org.apache.hadoop.fs.Path(home, ".weft/staging/" + appId))).isFalse();
            // The client, seeing the application end, and the AM, stopped because its application was killed (with
            // an attempt left), both delete the shuffle files; no janitor ran.
            org.apache.hadoop.fs.Path shuffle = new org.apache.hadoop.fs.Path(home, ".weft/shuffle/" + appId);
            assertThat(fs.exists(shuffle)).as(shuffle.toString()).isFalse();
        } finally {
            // Never leave the endless application holding the cluster's AM capacity for the next tests.
            if (appId != null) {
                client.killApplication(appId);
            }
            client.stop();
        }
    }

    @Test
    void anApplicationKilledWithNoClientFollowingItIsCleanedUpByItsApplicationMaster() throws Exception {
        MiniClusters clusters = MiniClusters.get();
        FileSystem fs = clusters.fs();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit = WeftSubmit.run(submit(clusters, "--conf", "weft.yarn.submit.waitAppCompletion=false",
                "io.weft.it.apps.SlowApp").toArray(new String[0]), new PrintStream(printed, true,
                StandardCharsets.UTF_8));
        String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(text).isZero();
        assertThat(text).contains("Not waiting for it to end");
        org.apache.hadoop.yarn.api.records.ApplicationId appId = org.apache.hadoop.yarn.api.records.ApplicationId
                .fromString(text.replaceAll("(?s).*Submitted application (application_\\d+_\\d+).*", "$1"));
        org.apache.hadoop.fs.Path home = fs.getHomeDirectory();
        org.apache.hadoop.fs.Path staging = new org.apache.hadoop.fs.Path(home, ".weft/staging/" + appId);
        org.apache.hadoop.fs.Path shuffle = new org.apache.hadoop.fs.Path(home, ".weft/shuffle/" + appId);
        org.apache.hadoop.yarn.client.api.YarnClient client =
                org.apache.hadoop.yarn.client.api.YarnClient.createYarnClient();
        client.init(clusters.conf);
        client.start();
        try {
            // The client left at once; the application runs on (its staging directory is still there for it).
            assertThat(io.weft.driver.Poll.until(() -> exists(fs, new org.apache.hadoop.fs.Path(shuffle,
                    "shuffle_0")), 120_000, 200)).as("the map stage wrote shuffle files").isTrue();
            assertThat(fs.exists(staging)).isTrue();
            client.killApplication(appId);
            String killed = appId.toString();
            assertThat(io.weft.driver.Poll.until(() -> !exists(fs, shuffle) && !exists(fs, staging), 60_000, 200))
                    .as(() -> "the killed AM deleted " + shuffle + " and " + staging + "; its log: "
                            + amLogIfStillLocal(clusters, killed))
                    .isTrue();
        } finally {
            client.killApplication(appId);
            client.stop();
        }
    }

    /** The AM's log, unless log aggregation has already moved it off the NodeManager. */
    private static String amLogIfStillLocal(MiniClusters clusters, String appId) {
        try {
            return clusters.amLog(appId);
        } catch (AssertionError | java.io.IOException e) {
            return "(no longer local: " + e.getMessage() + ")";
        }
    }

    private static boolean exists(FileSystem fs, org.apache.hadoop.fs.Path path) {
        try {
            return fs.exists(path);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
