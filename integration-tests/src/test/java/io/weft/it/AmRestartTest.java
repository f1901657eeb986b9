package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.am.WeftSubmit;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.junit.jupiter.api.Test;

/**
 * The ApplicationMaster's process is killed after the map stage committed; YARN starts a second attempt, whose
 * driver runs the program again, finds the first attempt's map outputs in its journal and reruns only the reduce
 * stage.
 */
class AmRestartTest {

    @Test
    void aSecondAttemptResumesWithoutRerunningTheFinishedMapStage() throws Exception {
        MiniClusters clusters = MiniClusters.get();
        FileSystem fs = clusters.fs();
        String output = fs.makeQualified(new Path("/out/am-restart")).toString();
        String events = fs.makeQualified(new Path("/weft-events-restart")).toString();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("--num-executors", "2", "--executor-memory", "256m",
                "--driver-memory", "256m", "--conf", "weft.yarn.hadoopConfDir=" + clusters.confDir,
                "--conf", "weft.yarn.javaHome=" + System.getProperty("java.home"),
                "--conf", "weft.eventLog.dir=" + events, "--conf", "weft.am.maxAttempts=2",
                "io.weft.it.apps.RestartableApp", output));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> WeftSubmit.run(
                args.toArray(new String[0]), new PrintStream(printed, true, StandardCharsets.UTF_8)));
        YarnClient client = YarnClient.createYarnClient();
        client.init(clusters.conf);
        client.start();
        ApplicationId appId = null;
        try {
            long deadline = System.currentTimeMillis() + 90_000;
            Path journal = null;
            while (System.currentTimeMillis() < deadline) {
                String text = printed.toString(StandardCharsets.UTF_8);
                if (appId == null && text.contains("Submitted application ")) {
                    appId = ApplicationId.fromString(
                            text.replaceAll("(?s).*Submitted application (application_\\d+_\\d+).*", "$1"));
                    journal = new Path(fs.getHomeDirectory(), ".weft/shuffle/" + appId + "/_journal/attempt-1.jsonl");
                }
                if (journal != null && mapEntries(fs, journal) == 4) {
                    break;
                }
                LockSupport.parkNanos(100_000_000L);
            }
            assertThat(appId).as(printed.toString(StandardCharsets.UTF_8)).isNotNull();
            assertThat(mapEntries(fs, journal)).as("the first attempt journaled its four map outputs").isEqualTo(4);

            ProcessHandle am = amProcess(appId.toString());
            am.destroyForcibly();
            assertThat(am.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();

            int code = exit.get(120, TimeUnit.SECONDS);
            String text = printed.toString(StandardCharsets.UTF_8);
            assertThat(code).as(text).isZero();
            assertThat(text).contains("Final status: SUCCEEDED");
            // The client showed the driver's progress, read from the AM through the proxy (plain lines: no terminal).
            assertThat(text).containsPattern("\\[Stage \\d+ \\w+Stage \\d+ \\(\\w+ at Restart.* \\d+/\\d+ ");
            assertThat(text).contains("Event log: " + events + "/" + appId + "-attempt2.");
            assertThat(client.getApplicationAttempts(appId)).hasSize(2);

            Map<Integer, Long> expected = new HashMap<>();
            for (int x = 0; x < 6000; x++) {
                expected.merge(x % 13, 1L, Long::sum);
            }
            assertThat(readCounts(fs, new Path(output))).isEqualTo(expected);

            // The second attempt's event log: the map stage's four outputs were recovered; no map task ran.
            List<String> secondAttempt = lines(fs, new Path(events, appId + "-attempt2"));
            assertThat(secondAttempt).anyMatch(l -> l.contains("\"event\":\"MapOutputsRecovered\"")
                    && l.contains("\"outputs\":4"));
            assertThat(secondAttempt).filteredOn(l -> l.contains("\"event\":\"TaskStarted\""))
                    .isNotEmpty().noneMatch(l -> l.contains("\"stageId\":0,"));
            assertThat(fs.exists(new Path(fs.getHomeDirectory(), ".weft/shuffle/" + appId)))
                    .as("the last attempt cleaned up").isFalse();
        } finally {
            if (appId != null && !exit.isDone()) {
                client.killApplication(appId);
            }
            client.stop();
        }
    }

    private static int mapEntries(FileSystem fs, Path journal) {
        try {
            return (int) lines(fs, journal).stream().filter(l -> l.contains("\"kind\":\"map\"")).count();
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private static List<String> lines(FileSystem fs, Path file) throws java.io.IOException {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
            return in.lines().toList();
        }
    }

    /** The first ApplicationMaster attempt's JVM, found by its container's log directory on its command line. */
    private static ProcessHandle amProcess(String appId) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c ->
                c.contains("io.weft.am.master.ApplicationMaster")
                        && c.contains(appId.replace("application_", "") + "_01_000001")).orElse(false))
                .findFirst().orElseThrow(() -> new AssertionError("no ApplicationMaster process for " + appId));
    }

    private static Map<Integer, Long> readCounts(FileSystem fs, Path output) throws java.io.IOException {
        Map<Integer, Long> counts = new HashMap<>();
        for (FileStatus part : fs.listStatus(output, p -> p.getName().startsWith("part-"))) {
            for (String line : lines(fs, part.getPath())) {
                String[] kv = line.replaceAll("[()]", "").split(",");
                counts.merge(Integer.parseInt(kv[0].trim()), Long.parseLong(kv[1].trim()), Long::sum);
            }
        }
        return counts;
    }
}
