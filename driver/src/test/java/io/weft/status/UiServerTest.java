package io.weft.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.weft.api.Pair;
import io.weft.api.WeftSession;
import io.weft.driver.DriverEngine;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The driver's status server, on a real local session and real HTTP. */
class UiServerTest {

    private static HttpURLConnection open(String url, String method) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setRequestMethod(method);
        return connection;
    }

    private static String get(String url) throws IOException {
        HttpURLConnection connection = open(url, "GET");
        assertThat(connection.getResponseCode()).as(url).isEqualTo(200);
        try (InputStream in = connection.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void servesJobsAndStagesOfTheSessionAsJsonAndHtml() throws Exception {
        try (WeftSession weft = WeftSession.builder().appName("ui <test>").master("local[2]")
                .config("weft.hadoop.fs.s3a.secret.key", "hunter2").getOrCreate()) {
            String url = ((DriverEngine) weft.engine()).statusUrl().orElseThrow();
            long groups = weft.parallelize(IntStream.range(0, 100).boxed().toList(), 4)
                    .mapToPair(x -> Pair.of(x % 5, x)).reduceByKey(Integer::sum, 3).count();
            assertThat(groups).isEqualTo(5);

            ObjectMapper json = new ObjectMapper();
            JsonNode jobs = json.readTree(get(url + "api/v1/jobs"));
            assertThat(jobs).hasSize(1);
            assertThat(jobs.get(0).get("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(jobs.get(0).get("name").asText()).contains("count");
            assertThat(jobs.get(0).get("stageIds")).hasSize(2);

            JsonNode stages = json.readTree(get(url + "api/v1/stages"));
            assertThat(stages).hasSize(2);
            JsonNode result = stages.get(0);
            JsonNode map = stages.get(1);
            assertThat(map.get("numTasks").asInt()).isEqualTo(4);
            assertThat(map.get("completedTasks").asInt()).isEqualTo(4);
            assertThat(map.get("shuffleBytesWritten").asLong()).isPositive();
            assertThat(map.get("recordsRead").asLong()).as("parallelized records read").isEqualTo(100);
            assertThat(result.get("numTasks").asInt()).isEqualTo(3);
            assertThat(result.get("status").asText()).isEqualTo("COMPLETE");
            assertThat(result.get("parentIds").get(0).asInt()).isEqualTo(map.get("stageId").asInt());
            assertThat(result.get("shuffleBytesRead").asLong()).isEqualTo(map.get("shuffleBytesWritten").asLong());
            assertThat(result.get("recordsRead").asLong()).isEqualTo(map.get("recordsWritten").asLong())
                    .isPositive();

            JsonNode app = json.readTree(get(url + "api/v1/application"));
            assertThat(app.get("id").asText()).isEqualTo(weft.engine().applicationId());
            assertThat(app.get("jobs").asInt()).isEqualTo(1);

            JsonNode detail = json.readTree(get(url + "api/v1/stages/" + map.get("stageId").asInt()));
            assertThat(detail.get("tasks")).hasSize(4);
            assertThat(detail.get("tasks").get(0).get("status").asText()).isEqualTo("SUCCESS");
            assertThat(detail.get("tasks").get(0).get("executorId").asText()).isNotEmpty();
            assertThat(detail.get("durationPercentiles")).hasSize(5);
            assertThat(detail.get("tasks").get(0).get("gcMillis").asLong()).isNotNegative();
            assertThat(detail.get("tasks").get(0).get("locality").asText()).as("parallelized data has no input host")
                    .isEqualTo("NO_PREF");
            JsonNode resultTasks = json.readTree(get(url + "api/v1/stages/" + result.get("stageId").asInt()))
                    .get("tasks");
            assertThat(resultTasks).hasSize(3).allSatisfy(t -> assertThat(t.get("resultBytes").asLong())
                    .isPositive());
            JsonNode executors = json.readTree(get(url + "api/v1/executors"));
            assertThat(executors).hasSize(1);
            assertThat(executors.get(0).get("completedTasks").asInt()).isEqualTo(7);
            assertThat(json.readTree(get(url + "api/v1/environment")).get("weft.ui.enabled").asText())
                    .isEqualTo("true");
            assertThat(get(url + "stages/" + map.get("stageId").asInt())).contains("SUCCESS").contains("Partition")
                    .contains("<th>Locality</th>").contains("NO_PREF");
            assertThat(get(url + "jobs/" + jobs.get(0).get("jobId").asInt())).contains("<svg").contains("Stage "
                    + map.get("stageId").asInt());
            assertThat(get(url + "executors")).contains("ACTIVE");
            assertThat(get(url + "environment")).contains("weft.ui.port").contains("********")
                    .doesNotContain("hunter2");

            String html = get(url);
            assertThat(html).contains("ui &lt;test&gt;").contains("SUCCEEDED").doesNotContain("ui <test>");
            assertThat(open(url + "nothing-here", "GET").getResponseCode()).isEqualTo(404);
            assertThat(open(url + "api/v1/jobs", "DELETE").getResponseCode()).isEqualTo(405);
        }
    }

    @Test
    void aFailedJobShowsItsErrorAndTheServerStopsWithTheSession() throws Exception {
        String url;
        try (WeftSession weft = WeftSession.builder().master("local[1]").getOrCreate()) {
            url = ((DriverEngine) weft.engine()).statusUrl().orElseThrow();
            try {
                weft.parallelize(java.util.List.of(1, 2, 3), 1).map(x -> {
                    throw new IllegalStateException("boom " + x);
                }).count();
            } catch (RuntimeException expected) {
                // the failure is what the page should show
            }
            JsonNode job = new ObjectMapper().readTree(get(url + "api/v1/jobs")).get(0);
            assertThat(job.get("status").asText()).isEqualTo("FAILED");
            assertThat(job.get("error").asText()).contains("boom 1");
        }
        HttpURLConnection after = open(url + "api/v1/jobs", "GET");
        after.setConnectTimeout(2000);
        org.assertj.core.api.Assertions.assertThatThrownBy(after::getResponseCode).isInstanceOf(IOException.class);
    }

    @Test
    void fileInputIsCountedInBytesAndRecords(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("lines.txt");
        java.nio.file.Files.write(file, IntStream.range(0, 100).mapToObj(i -> "line " + i).toList());
        try (WeftSession weft = WeftSession.builder().master("local[1]").getOrCreate()) {
            String url = ((DriverEngine) weft.engine()).statusUrl().orElseThrow();
            assertThat(weft.textFile(file.toString()).count()).isEqualTo(100);
            JsonNode stage = new ObjectMapper().readTree(get(url + "api/v1/stages")).get(0);
            assertThat(stage.get("inputBytes").asLong()).isEqualTo(java.nio.file.Files.size(file));
            assertThat(stage.get("recordsRead").asLong()).isEqualTo(100);
        }
    }

    @Test
    void canBeSwitchedOff() {
        try (WeftSession weft = WeftSession.builder().master("local[1]").config("weft.ui.enabled", "false")
                .getOrCreate()) {
            assertThat(((DriverEngine) weft.engine()).statusUrl()).isEmpty();
        }
    }
}
