package io.weft.status;

import static io.weft.status.UiEscapingTest.HOSTILE;
import static io.weft.status.UiEscapingTest.body;
import static io.weft.status.UiEscapingTest.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.weft.api.Pair;
import io.weft.api.WeftSession;
import io.weft.driver.DriverEngine;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The task timeline of the stage page and the executors-over-time picture of the executors page, over real HTTP:
 * one bar per attempt, attempts packed into executor slots, phases drawn, failures marked, idle executors empty,
 * hostile executor ids inert; and the phase times measured by real tasks of a local session.
 */
@Timeout(60)
class TimelinePagesTest {

    private static final String EXEC_A = "a" + HOSTILE;

    /**
     * Executor A (2 cores) runs tasks 1 and 2 at once, then task 3 after task 1 ended (so 2 slots); executor B runs
     * task 4, which fails, and its retry 5; executor C registers and never runs a task.
     */
    private static AppStatusStore store() {
        AppStatusStore store = new AppStatusStore();
        List<StatusEvent> events = new ArrayList<>(List.of(
                new StatusEvent.ApplicationStarted(1000, "app-t", "timeline", Map.of(), "alice"),
                new StatusEvent.ExecutorAdded(1000, EXEC_A, "host-a", 2, null, null),
                new StatusEvent.ExecutorAdded(1000, "b", "host-b", 1, null, null),
                new StatusEvent.ExecutorAdded(1000, "c", "host-c", 1, null, null),
                new StatusEvent.JobStarted(1001, 0, "count", List.of(new StatusEvent.StageRef(0, "map", 4,
                        List.of())), null, null),
                new StatusEvent.StageSubmitted(1002, 0, 0, 4),
                new StatusEvent.TaskStarted(1010, 1, 0, 0, 0, 0, EXEC_A, false, null),
                new StatusEvent.TaskStarted(1010, 2, 0, 0, 1, 0, EXEC_A, false, null),
                new StatusEvent.TaskStarted(1010, 4, 0, 0, 3, 0, "b", false, null),
                ended(1100, 1, EXEC_A, "SUCCESS", null),
                new StatusEvent.TaskStarted(1100, 3, 0, 0, 2, 0, EXEC_A, false, null),
                ended(1150, 4, "b", "FAILED", "boom " + HOSTILE),
                new StatusEvent.TaskStarted(1150, 5, 0, 0, 3, 1, "b", false, null),
                ended(1200, 2, EXEC_A, "SUCCESS", null),
                ended(1250, 3, EXEC_A, "SUCCESS", null),
                ended(1300, 5, "b", "SUCCESS", null),
                new StatusEvent.StageCompleted(1300, 0),
                new StatusEvent.JobEnded(1300, 0, null),
                new StatusEvent.ApplicationEnded(1400, true)));
        events.forEach(store::accept);
        return store;
    }

    private static StatusEvent.TaskEnded ended(long time, long taskId, String executor, String status,
            String error) {
        // 80 ms of run time: 5 deserializing, 10 reading shuffle, 15 writing it, 2 serializing the result.
        return new StatusEvent.TaskEnded(time, taskId, 0, executor, status, error, 80, 1, 10, 10, 0, 0, 5, 1, 0,
                5_000, 10_000, 15_000, 2_000);
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static String page(UiServer ui, String path) throws IOException {
        var connection = request(ui.url() + path);
        assertThat(connection.getResponseCode()).as(path).isEqualTo(200);
        UiEscapingTest.assertProtected(connection);
        return body(connection);
    }

    @Test
    void stagePageDrawsOneBarPerAttemptInExecutorSlotsWithPhases() throws Exception {
        try (UiServer ui = UiServer.start(store(), "127.0.0.1", 0)) {
            String html = page(ui, "stages/0");
            String svg = html.substring(html.indexOf("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\""
                    + " id=\"task-timeline\""));
            svg = svg.substring(0, svg.indexOf("</svg>"));
            assertThat(count(svg, "<rect class=\"bar ")).as("one bar per attempt").isEqualTo(5);
            assertThat(svg).as("A needs 2 slots, B 1 (its retry starts when the failure ends)")
                    .contains("data-rows=\"3\"");
            assertThat(count(svg, "<text class=\"row-label\"")).isEqualTo(3);
            for (String[] phase : TaskTimeline.PHASES) {
                assertThat(svg).as(phase[0]).contains("<rect class=\"phase " + phase[0] + "\"");
            }
            assertThat(count(svg, "<rect class=\"bar FAILED\"[^>]*stroke=\"#c00\"")).as("failure marked")
                    .isEqualTo(1);
            assertThat(svg).contains("task 4, partition 3, attempt 0.0, executor b, FAILED, 140 ms")
                    .contains("deserialization: 5.0 ms").contains("compute: 48.0 ms")
                    .contains("launch and report: 60.0 ms");
            assertThat(svg).as("hostile executor id is text").doesNotContain("<script")
                    .doesNotContain("\" onmouseover=").contains("a&lt;script&gt;alert(1)&lt;/script&gt;");
            assertThat(html).contains("deserialization</text>").doesNotContain(" style=");
        }
    }

    @Test
    void executorsPageShowsEachExecutorsLifeAndBusyPeriodsWithIdleOnesEmpty() throws Exception {
        try (UiServer ui = UiServer.start(store(), "127.0.0.1", 0)) {
            String html = page(ui, "executors");
            String svg = html.substring(html.indexOf("id=\"executor-timeline\""));
            svg = svg.substring(0, svg.indexOf("</svg>"));
            String[] rows = svg.split("<g class=\"executor\">");
            assertThat(rows).hasSize(4);
            assertThat(count(rows[1], "<rect class=\"busy\"")).as("A's overlapping tasks merge").isEqualTo(1);
            assertThat(rows[1]).contains("busy 240 ms").doesNotContain("<script");
            assertThat(count(rows[2], "<rect class=\"busy\"")).as("B's failure and retry are adjacent")
                    .isEqualTo(1);
            assertThat(count(rows[3], "<rect class=\"busy\"")).as("C sat idle").isZero();
            assertThat(rows[3]).contains("executor c on host-c").contains("busy 0 ms (0%)")
                    .contains("<rect class=\"lifetime\"");
        }
    }

    @Test
    void aHugeStageShowsOnlyTheFirstAttempts() throws Exception {
        AppStatusStore store = new AppStatusStore();
        store.accept(new StatusEvent.ApplicationStarted(0, "app-h", "huge", Map.of(), "alice"));
        store.accept(new StatusEvent.ExecutorAdded(0, "e", "h", 4, null, null));
        int n = TaskTimeline.MAX_BARS + 5;
        store.accept(new StatusEvent.JobStarted(0, 0, "count", List.of(new StatusEvent.StageRef(0, "s", n,
                List.of())), null, null));
        store.accept(new StatusEvent.StageSubmitted(0, 0, 0, n));
        for (int i = 0; i < n; i++) {
            store.accept(new StatusEvent.TaskStarted(i, i, 0, 0, i, 0, "e", false, null));
            store.accept(ended(i + 3, i, "e", "SUCCESS", null));
        }
        try (UiServer ui = UiServer.start(store, "127.0.0.1", 0)) {
            String html = page(ui, "stages/0");
            assertThat(html).contains("Showing the first " + TaskTimeline.MAX_BARS + " of " + n + " attempts");
            assertThat(count(html, "<rect class=\"bar ")).isEqualTo(TaskTimeline.MAX_BARS);
            assertThat(html).as("attempts of 3 ms launched 1 ms apart need 3 slots")
                    .contains("data-rows=\"3\"");
        }
    }

    @Test
    void anEventLogWrittenBeforePhasesWereRecordedStillReadsWithNoBreakdown() throws Exception {
        String old = "{\"event\":\"TaskEnded\",\"time\":1100,\"taskId\":1,\"stageId\":0,\"executorId\":\"a\","
                + "\"status\":\"SUCCESS\",\"error\":null,\"runMillis\":80,\"recordsWritten\":1,"
                + "\"shuffleBytesWritten\":10,\"shuffleBytesRead\":0,\"spills\":0,\"gcMillis\":0,"
                + "\"resultBytes\":0,\"recordsRead\":1,\"inputBytes\":0}";
        StatusEvent.TaskEnded event = (StatusEvent.TaskEnded) new ObjectMapper().readValue(old, StatusEvent.class);
        assertThat(TaskPhases.of(event)).isEqualTo(TaskPhases.NONE);
        assertThat(TaskPhases.NONE.computeMicros(event.runMillis())).isEqualTo(80_000);
    }

    @Test
    void busyPeriodsAreTheUnionOfTaskIntervals() {
        List<long[]> merged = ExecutorTimeline.merge(List.of(new long[] {5, 9}, new long[] {0, 3},
                new long[] {2, 4}, new long[] {9, 12}, new long[] {20, 21}));
        assertThat(merged).containsExactly(new long[] {0, 4}, new long[] {5, 12}, new long[] {20, 21});
    }

    @Test
    void realTasksReportTheirPhaseTimes() throws Exception {
        try (WeftSession weft = WeftSession.builder().appName("phases").master("local[2]").getOrCreate()) {
            String url = ((DriverEngine) weft.engine()).statusUrl().orElseThrow();
            long groups = weft.parallelize(IntStream.range(0, 1000).boxed().toList(), 4)
                    .mapToPair(x -> Pair.of(x % 7, x)).reduceByKey(Integer::sum, 3).count();
            assertThat(groups).isEqualTo(7);
            ObjectMapper json = new ObjectMapper();
            JsonNode stages = json.readTree(body(request(url + "api/v1/stages")));
            for (JsonNode stage : stages) {
                int id = stage.get("stageId").asInt();
                boolean map = stage.get("shuffleBytesWritten").asLong() > 0;
                JsonNode tasks = json.readTree(body(request(url + "api/v1/stages/" + id))).get("tasks");
                assertThat(tasks).isNotEmpty();
                for (JsonNode task : tasks) {
                    JsonNode phases = task.get("phases");
                    assertThat(phases.get("deserializeMicros").asLong()).as("stage %d", id).isPositive();
                    if (map) {
                        assertThat(phases.get("shuffleWriteMicros").asLong()).isPositive();
                        assertThat(phases.get("resultMicros").asLong()).isZero();
                    } else {
                        assertThat(phases.get("shuffleReadMicros").asLong()).isPositive();
                        assertThat(phases.get("resultMicros").asLong()).isPositive();
                        assertThat(phases.get("shuffleWriteMicros").asLong()).isZero();
                    }
                }
                String html = body(request(url + "stages/" + id));
                assertThat(count(html, "<rect class=\"bar SUCCESS\"")).isEqualTo(tasks.size());
            }
        }
    }
}
