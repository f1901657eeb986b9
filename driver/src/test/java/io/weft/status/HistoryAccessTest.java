package io.weft.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.net.HttpURLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history server applies each application's own view ACLs to the user its authentication established. The
 * authenticator here is a stand-in that believes an {@code X-Test-User} header (the real one is SPNEGO:
 * SpnegoHistoryTest in the secure suite).
 */
class HistoryAccessTest {

    /** Admits everyone, as the user the request names, or anonymously. */
    private static final class HeaderAuthenticator extends Authenticator {
        @Override
        public Result authenticate(HttpExchange exchange) {
            String user = exchange.getRequestHeaders().getFirst("X-Test-User");
            return new Success(new HttpPrincipal(user == null ? "" : user, "test"));
        }
    }

    private static final Function<String, Collection<String>> GROUPS = user -> user.equals("dave")
            ? List.of("analysts") : List.of();

    private static void log(Path dir, String id, String owner, String settingsJson) throws Exception {
        Files.writeString(dir.resolve(id), "{\"event\":\"ApplicationStarted\",\"time\":1,\"applicationId\":\"" + id
                + "\",\"name\":\"" + id + "-name\",\"settings\":" + settingsJson
                + (owner == null ? "" : ",\"user\":\"" + owner + "\"") + "}\n");
    }

    private static HttpURLConnection as(String user, String url) throws Exception {
        HttpURLConnection connection = UiEscapingTest.request(url);
        if (user != null) {
            connection.setRequestProperty("X-Test-User", user);
        }
        return connection;
    }

    private static EventLogs logs(Path dir) throws Exception {
        log(dir, "app-open", "alice", "{}");
        log(dir, "app-private", "alice", "{\"weft.acls.enable\":\"true\",\"weft.ui.view.acls\":\"bob\","
                + "\"weft.ui.view.acls.groups\":\"analysts\"}");
        log(dir, "app-masked", "alice", "{\"weft.acls.enable\":\"********\",\"weft.ui.view.acls\":\"bob\"}");
        return new EventLogs(FileSystem.getLocal(new Configuration()), new org.apache.hadoop.fs.Path(dir.toUri()));
    }

    @Test
    void eachApplicationIsShownToWhomItsAclsAdmit(@TempDir Path dir) throws Exception {
        try (UiServer history = UiServer.startHistory(logs(dir), "127.0.0.1", 0, new HeaderAuthenticator(),
                GROUPS)) {
            String base = history.url() + "history/";
            for (String viewer : List.of("alice", "bob", "dave")) {
                assertThat(as(viewer, base + "app-private/").getResponseCode()).as(viewer).isEqualTo(200);
                assertThat(as(viewer, base + "app-private/api/v1/jobs").getResponseCode()).isEqualTo(200);
            }
            HttpURLConnection refused = as("mallory", base + "app-private/api/v1/environment");
            assertThat(refused.getResponseCode()).isEqualTo(403);
            assertThat(UiEscapingTest.body(refused)).contains("mallory").contains("alice")
                    .contains("weft.ui.view.acls");
            assertThat(as("mallory", base + "app-open/").getResponseCode()).isEqualTo(200);
            assertThat(UiEscapingTest.body(as("mallory", history.url() + "api/v1/applications")))
                    .contains("app-open").doesNotContain("app-private").doesNotContain("app-masked");
            assertThat(UiEscapingTest.body(as("mallory", history.url()))).contains("app-open")
                    .doesNotContain("app-private");
            assertThat(UiEscapingTest.body(as("bob", history.url()))).contains("app-open").contains("app-private");
            assertThat(as("bob", base + "app-masked/").getResponseCode()).as("unreadable ACLs: owner only")
                    .isEqualTo(403);
            assertThat(as("alice", base + "app-masked/").getResponseCode()).isEqualTo(200);
        }
    }

    @Test
    void withoutAuthenticationAnApplicationWithAclsIsShownToNoOne(@TempDir Path dir) throws Exception {
        try (UiServer history = UiServer.startHistory(logs(dir), "127.0.0.1", 0)) {
            HttpURLConnection refused = as("alice", history.url() + "history/app-private/");
            assertThat(refused.getResponseCode()).isEqualTo(403);
            assertThat(UiEscapingTest.body(refused)).contains("weft.history.spnego.principal");
            assertThat(as(null, history.url() + "history/app-open/").getResponseCode()).isEqualTo(200);
            assertThat(UiEscapingTest.body(as(null, history.url()))).contains("app-open")
                    .doesNotContain("app-private");
        }
    }
}
