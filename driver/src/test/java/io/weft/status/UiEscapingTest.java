package io.weft.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile values in every field an event log or an executor supplies (application, job, stage and executor names,
 * errors, hosts, statuses, log links, settings) reach the pages as inert text, on a live server and on the history
 * server that replays them from a log; every response carries the browser protections.
 */
@Timeout(60)
class UiEscapingTest {

    static final String SCRIPT = "<script>alert(1)</script>";
    static final String ATTRIBUTE = "x\" onmouseover=\"alert(2)";
    static final String SINGLE = "y' onfocus='alert(3)";
    static final String HOSTILE = SCRIPT + ATTRIBUTE + SINGLE;

    /** A store fed events in which every free-text field is hostile. */
    static AppStatusStore hostileStore(String logUrl) {
        AppStatusStore store = new AppStatusStore();
        events(logUrl).forEach(store::accept);
        return store;
    }

    static List<StatusEvent> events(String logUrl) {
        return List.of(
                new StatusEvent.ApplicationStarted(1000, "app-x", "app " + HOSTILE,
                        Map.of("weft.app.note", HOSTILE), "owner" + HOSTILE),
                new StatusEvent.ExecutorAdded(1001, "1" + HOSTILE, "host" + HOSTILE, 2, "container" + HOSTILE,
                        logUrl),
                new StatusEvent.JobStarted(1002, 0, "count " + HOSTILE, List.of(
                        new StatusEvent.StageRef(0, "stage " + HOSTILE, 1, List.of())), "desc " + HOSTILE,
                        "group " + HOSTILE),
                new StatusEvent.StageSubmitted(1003, 0, 0, 1),
                new StatusEvent.TaskStarted(1004, 7, 0, 0, 0, 0, "1" + HOSTILE, false, "NODE_LOCAL" + HOSTILE),
                new StatusEvent.TaskEnded(1005, 7, 0, "1" + HOSTILE, "FAILED" + HOSTILE, "boom " + HOSTILE, 1, 0, 0,
                        0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                new StatusEvent.StageCompleted(1006, 0),
                new StatusEvent.JobEnded(1007, 0, "error " + HOSTILE),
                new StatusEvent.ExecutorRemoved(1008, "1" + HOSTILE, "lost " + HOSTILE));
    }

    static HttpURLConnection request(String url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setConnectTimeout(10_000);
        connection.setReadTimeout(10_000);
        return connection;
    }

    static String body(HttpURLConnection connection) throws IOException {
        try (InputStream in = connection.getResponseCode() < 400 ? connection.getInputStream()
                : connection.getErrorStream()) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static void assertProtected(HttpURLConnection connection) throws IOException {
        connection.getResponseCode();
        assertThat(connection.getHeaderField("Content-Security-Policy")).as(connection.getURL().toString())
                .isEqualTo(SecurityHeadersFilter.CONTENT_SECURITY_POLICY).contains("default-src 'none'")
                .doesNotContain("unsafe-inline");
        assertThat(connection.getHeaderField("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(connection.getHeaderField("X-Frame-Options")).isEqualTo("SAMEORIGIN");
    }

    /** Checks a page's raw HTML: no hostile markup, the escaped text is there, no inline script or style. */
    static void assertInert(String url) throws IOException {
        HttpURLConnection connection = request(url);
        assertThat(connection.getResponseCode()).as(url).isEqualTo(200);
        assertProtected(connection);
        String html = body(connection);
        assertThat(html).as(url).doesNotContain("<script").doesNotContain("\" onmouseover=")
                .doesNotContain("' onfocus=").doesNotContain("<style").doesNotContain(" style=")
                .doesNotContain("href=\"javascript").contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        if (html.contains("onmouseover")) {
            assertThat(html).contains("x&quot; onmouseover=&quot;alert(2)");
        }
    }

    static final List<String> PAGES = List.of("", "jobs/0", "stages/0", "executors", "environment");

    @Test
    void everyPageOfALiveServerShowsHostileValuesAsText() throws Exception {
        try (UiServer ui = UiServer.start(hostileStore("javascript:alert(4)"), "127.0.0.1", 0)) {
            for (String page : PAGES) {
                assertInert(ui.url() + page);
            }
            String executors = body(request(ui.url() + "executors"));
            assertThat(executors).as("a javascript: log link is text, not a link")
                    .doesNotContain("href=\"javascript").contains("(logs: javascript:alert(4))");
        }
    }

    @Test
    void onlyHttpAndHttpsLogLinksBecomeLinks() throws Exception {
        assertThat(StatusPage.linkTarget("http://nm:8042/node/containerlogs/c_1/alice"))
                .isEqualTo("http://nm:8042/node/containerlogs/c_1/alice");
        assertThat(StatusPage.linkTarget("HTTPS://nm:8044/logs?a=1&b=\"2\"")).isNull();
        assertThat(StatusPage.linkTarget("https://nm:8044/logs?a=1&b=2")).isEqualTo("https://nm:8044/logs?a=1&amp;b=2");
        for (String bad : new String[] {"javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<b>",
                "vbscript:x", "//evil/x", "/relative", "file:///etc/passwd", "http:no-host", "not a url"}) {
            assertThat(StatusPage.linkTarget(bad)).as(bad).isNull();
        }
        try (UiServer ui = UiServer.start(hostileStore("http://nm:8042/node/containerlogs/c_1/alice"), "127.0.0.1",
                0)) {
            assertThat(body(request(ui.url() + "executors")))
                    .contains("<a href=\"http://nm:8042/node/containerlogs/c_1/alice\">logs</a>");
        }
    }

    @Test
    void theHistoryServerShowsAReplayedHostileLogAsText(@TempDir Path dir) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        StringBuilder log = new StringBuilder();
        for (StatusEvent event : events("javascript:alert(4)")) {
            log.append(json.writeValueAsString(event)).append('\n');
        }
        Files.writeString(dir.resolve("app-x"), log);
        EventLogs logs = new EventLogs(FileSystem.getLocal(new Configuration()),
                new org.apache.hadoop.fs.Path(dir.toUri()));
        try (UiServer history = UiServer.startHistory(logs, "127.0.0.1", 0)) {
            assertInert(history.url());
            for (String page : PAGES) {
                assertInert(history.url() + "history/app-x/" + page);
            }
            // The style sheet the pages link to, from the list and from an application's nested pages.
            for (String css : List.of(history.url() + StatusPage.STYLESHEET,
                    history.url() + "history/app-x/" + StatusPage.STYLESHEET)) {
                HttpURLConnection sheet = request(css);
                assertThat(sheet.getResponseCode()).as(css).isEqualTo(200);
                assertThat(sheet.getContentType()).startsWith("text/css");
                assertProtected(sheet);
            }
        }
    }

    @Test
    void everyResponseCarriesTheBrowserProtections() throws Exception {
        try (UiServer ui = UiServer.start(hostileStore(null), "127.0.0.1", 0)) {
            for (String path : List.of("api/v1/application", "api/v1/jobs", "api/v1/stages", "api/v1/stages/0",
                    "api/v1/executors", "api/v1/environment", "nothing-here", StatusPage.STYLESHEET)) {
                HttpURLConnection connection = request(ui.url() + path);
                assertProtected(connection);
                if (path.startsWith("api/")) {
                    assertThat(connection.getContentType()).startsWith("application/json");
                }
            }
            HttpURLConnection css = request(ui.url() + StatusPage.STYLESHEET);
            assertThat(css.getContentType()).startsWith("text/css");
            assertThat(body(css)).contains("border-collapse");
            HttpURLConnection post = request(ui.url());
            post.setRequestMethod("DELETE");
            assertThat(post.getResponseCode()).isEqualTo(405);
            assertProtected(post);
        }
    }
}
