package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.weft.am.WeftSubmit;
import io.weft.api.Pair;
import io.weft.api.WeftSession;
import io.weft.driver.DriverEngine;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ContainerReport;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code weft.yarn.executorInAm} on a real MiniYARNCluster + MiniDFSCluster: with one executor, it runs inside the
 * ApplicationMaster's JVM and YARN starts no executor container at all, in client and in cluster mode.
 */
class ExecutorInAmTest {

    private static MiniClusters clusters;

    @BeforeAll
    static void startClusters() throws Exception {
        clusters = MiniClusters.get();
    }

    @Test
    void clientModeRunsItsJobsOnTheApplicationMastersExecutorAlone() throws Exception {
        List<Integer> numbers = IntStream.range(0, 20_000).boxed().toList();
        Map<Integer, Long> expected = numbers.stream().collect(Collectors.groupingBy(i -> i % 13,
                Collectors.counting()));
        try (WeftSession weft = clusters.clientSession("executor-in-am-client")
                .config("weft.executor.registrationTimeout", System.getProperty("weft.it.registrationTimeout", "60s"))
                .config("weft.executor.instances", "1")
                .config("weft.executor.cores", "2")
                .config("weft.executor.memory", "256m")
                .config("weft.am.memory", "256m")
                .config("weft.yarn.executorInAm", "true").getOrCreate()) {
            assertThat(weft.defaultParallelism()).isEqualTo(2);
            Map<Integer, Long> counts = weft.parallelize(numbers, 6).mapToPair(i -> Pair.of(i % 13, 1L))
                    .reduceByKey(Long::sum).collectAsMap();
            assertThat(counts).isEqualTo(expected);

            String status = ((DriverEngine) weft.engine()).statusUrl().orElseThrow();
            JsonNode executors = Http.json(status + "api/v1/executors");
            assertThat(executors).hasSize(1);
            assertThat(executors.get(0).get("executorId").asText()).isEqualTo("0");
            // The AM's own container (the attempt's first) hosts it, and it is the application's only container.
            assertThat(executors.get(0).get("containerId").asText()).endsWith("_000001");
            YarnClient yarn = YarnClient.createYarnClient();
            yarn.init(clusters.conf);
            yarn.start();
            try {
                var report = yarn.getApplicationReport(ApplicationId.fromString(weft.applicationId()));
                List<ContainerReport> containers = yarn.getContainers(report.getCurrentApplicationAttemptId());
                assertThat(containers).hasSize(1);
                // Its memory holds both heaps, the AM's 256 MB and the executor's 256 MB, plus the AM's 384 MB
                // overhead. (The capacity scheduler's default calculator allocates by memory alone and normalizes
                // the request's vcores away, so the executor's cores show only in the unit tests.)
                var asked = clusters.yarn.getResourceManager().getRMContext().getRMApps()
                        .get(report.getApplicationId()).getApplicationSubmissionContext().getResource();
                assertThat(asked.getMemorySize()).isEqualTo(256 + 256 + 384);
            } finally {
                yarn.stop();
            }
        }
    }

    @Test
    void clusterModeRunsTheDriverAndItsOnlyExecutorInTheApplicationMaster() throws Exception {
        FileSystem fs = clusters.fs();
        org.apache.hadoop.fs.Path input = fs.makeQualified(new org.apache.hadoop.fs.Path("/data/executor-in-am"));
        fs.mkdirs(input);
        List<String> words = List.of("loom", "warp", "weft", "shuttle", "heddle");
        Map<String, Long> expected = new java.util.HashMap<>();
        try (FSDataOutputStream out = fs.create(new org.apache.hadoop.fs.Path(input, "words.txt"))) {
            for (int line = 0; line < 2_000; line++) {
                String text = words.get(line % words.size()) + " " + words.get((line * 7 + 3) % words.size());
                for (String word : text.split(" ")) {
                    expected.merge(word, 1L, Long::sum);
                }
                out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        String output = fs.makeQualified(new org.apache.hadoop.fs.Path("/out/executor-in-am")).toString();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("--num-executors", "1", "--executor-memory", "256m",
                "--driver-memory", "256m", "--executor-cores", "2",
                "--conf", "weft.yarn.hadoopConfDir=" + clusters.confDir,
                "--conf", "weft.yarn.javaHome=" + System.getProperty("java.home"),
                "--conf", "weft.yarn.executorInAm=true",
                "--conf", "weft.eventLog.dir=/weft-events-in-am",
                "--input", input + "/*", "io.weft.it.apps.CountWordsApp", input.toString(), output));
        int exit = WeftSubmit.run(args.toArray(new String[0]), new PrintStream(printed, true, StandardCharsets.UTF_8));
        String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(text).isZero();
        assertThat(text).contains("Final status: SUCCEEDED");

        Map<String, Long> actual = new java.util.HashMap<>();
        for (FileStatus part : fs.listStatus(new org.apache.hadoop.fs.Path(output),
                p -> p.getName().startsWith("part-"))) {
            for (String line : lines(fs, part.getPath())) {
                // Pair.toString is "(key,value)".
                int comma = line.lastIndexOf(',');
                actual.put(line.substring(1, comma), Long.parseLong(line.substring(comma + 1, line.length() - 1)));
            }
        }
        assertThat(actual).isEqualTo(expected);

        // The event log names every executor the driver had: only the AM's, in the AM's container.
        String appId = text.replaceAll("(?s).*Submitted application (application_\\d+_\\d+).*", "$1");
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> added = lines(fs, new org.apache.hadoop.fs.Path("/weft-events-in-am/" + appId)).stream()
                .map(line -> {
                    try {
                        return json.readTree(line);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })
                .filter(event -> event.path("event").asText().equals("ExecutorAdded")).toList();
        assertThat(added).extracting(event -> event.get("executorId").asText()).containsExactly("0");
        assertThat(added.get(0).get("containerId").asText()).startsWith("container_")
                .contains(appId.substring("application_".length())).endsWith("_000001");
        assertThat(added.get(0).get("cores").asInt()).isEqualTo(2);
        assertThat(fs.exists(new org.apache.hadoop.fs.Path(fs.getHomeDirectory(), ".weft/staging/" + appId)))
                .isFalse();
    }

    private static List<String> lines(FileSystem fs, org.apache.hadoop.fs.Path file) throws java.io.IOException {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(fs.open(file),
                StandardCharsets.UTF_8))) {
            return reader.lines().toList();
        }
    }
}
