package io.weft.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.weft.api.Pair;
import io.weft.api.WeftSession;
import io.weft.driver.DriverEngine;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event log: written as JSON lines while the application runs, replayed into the same pages afterwards. */
class EventLogTest {

    private static String get(String url) throws Exception {
        try (InputStream in = URI.create(url).toURL().openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aReplayedLogShowsWhatTheLiveApplicationShowed(@TempDir Path dir) throws Exception {
        String appId;
        String liveJobs;
        String liveStages;
        ObjectMapper json = new ObjectMapper();
        try (WeftSession weft = WeftSession.builder().appName("logged").master("local[2]")
                .config("weft.eventLog.dir", dir.toUri().toString()).getOrCreate()) {
            appId = weft.applicationId();
            DriverEngine engine = (DriverEngine) weft.engine();
            weft.parallelize(IntStream.range(0, 1000).boxed().toList(), 4).mapToPair(x -> Pair.of(x % 10, 1))
                    .reduceByKey(Integer::sum).count();
            weft.parallelize(List.of(1, 2, 3), 3).map(x -> x * 2).collect();
            // While the application runs the log is in progress, and already holds the finished jobs.
            assertThat(dir.resolve(appId + EventLogWriter.IN_PROGRESS)).exists();
            assertThat(Files.readAllLines(dir.resolve(appId + EventLogWriter.IN_PROGRESS)))
                    .anyMatch(line -> line.contains("\"event\":\"JobEnded\""));
            String url = engine.statusUrl().orElseThrow();
            liveJobs = get(url + "api/v1/jobs");
            liveStages = get(url + "api/v1/stages");
        }
        assertThat(dir.resolve(appId)).exists();
        assertThat(dir.resolve(appId + EventLogWriter.IN_PROGRESS)).doesNotExist();

        EventLogs logs = new EventLogs(FileSystem.getLocal(new Configuration()),
                new org.apache.hadoop.fs.Path(dir.toUri()));
        assertThat(logs.list()).singleElement().satisfies(app -> {
            assertThat(app.id()).isEqualTo(appId);
            assertThat(app.status()).isEqualTo("SUCCEEDED");
            assertThat(app.jobs()).isEqualTo(2);
            assertThat(app.complete()).isTrue();
        });
        try (UiServer history = UiServer.startHistory(logs, "127.0.0.1", 0)) {
            String base = history.url() + "history/" + appId + "/";
            assertThat(json.readTree(get(base + "api/v1/jobs"))).isEqualTo(json.readTree(liveJobs));
            assertThat(json.readTree(get(base + "api/v1/stages"))).isEqualTo(json.readTree(liveStages));
            assertThat(get(history.url())).contains(appId).contains("logged");
            assertThat(get(base)).contains("SUCCEEDED").contains("reduceByKey");
            assertThat(json.readTree(get(history.url() + "api/v1/applications")).get(0).get("id").asText())
                    .isEqualTo(appId);
        }
    }

    @Test
    void aCrashedDriversTornLogShowsEverythingBeforeTheTear(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("app-1" + EventLogWriter.IN_PROGRESS);
        Files.writeString(log, String.join("\n",
                "{\"event\":\"ApplicationStarted\",\"time\":1000,\"applicationId\":\"app-1\",\"name\":\"n\","
                        + "\"settings\":{}}",
                "{\"event\":\"JobStarted\",\"time\":1001,\"jobId\":0,\"name\":\"count at X.java:1\",\"stages\":"
                        + "[{\"stageId\":0,\"name\":\"s\",\"numTasks\":2,\"parentIds\":[]}]}",
                "{\"event\":\"StageSubmitted\",\"time\":1002,\"stageId\":0,\"attempt\":0,\"tasks\":2}",
                "{\"event\":\"TaskStar"));
        EventLogs logs = new EventLogs(FileSystem.getLocal(new Configuration()),
                new org.apache.hadoop.fs.Path(dir.toUri()));
        AppStatusStore store = logs.load("app-1").orElseThrow();
        assertThat(store.application().status()).isEqualTo("RUNNING");
        assertThat(store.jobs()).singleElement().satisfies(job -> assertThat(job.status()).isEqualTo("RUNNING"));
        assertThat(store.stages()).singleElement().satisfies(stage -> assertThat(stage.status())
                .isEqualTo("RUNNING"));
        assertThat(logs.list()).singleElement().satisfies(app -> assertThat(app.complete()).isFalse());
    }
}
