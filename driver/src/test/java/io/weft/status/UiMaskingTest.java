package io.weft.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.WeftSession;
import io.weft.conf.Redaction;
import io.weft.driver.DriverEngine;
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
 * Credentials in a session's settings never reach the event log's bytes, the JSON API, the pages, or the history
 * server; a log that holds one anyway (an older driver's) is masked again as the history server reads it.
 */
@Timeout(120)
class UiMaskingTest {

    /** Planted values: each must never be seen outside the session's own settings. */
    private static final Map<String, String> PLANTED = Map.of(
            "weft.hadoop.fs.s3a.access.key", "AKIAPLANTED0001",
            "weft.hadoop.fs.s3a.secret.key", "planted-s3a-secret-0002",
            "weft.hadoop.fs.s3a.session.token", "planted-session-token-0003",
            "weft.hadoop.fs.azure.account.key.acct.blob.core.windows.net", "planted-azure-key-0004",
            "weft.hadoop.fs.azure.account.oauth2.client.secret", "planted-oauth-0005",
            "weft.hadoop.ssl.server.keystore.password", "planted-keystore-0006",
            "weft.hadoop.app.db.url", "jdbc:db://h/db;password=planted-url-0007");

    private static String get(String url) throws Exception {
        return UiEscapingTest.body(UiEscapingTest.request(url));
    }

    private static void assertNoneOfThePlantedValues(String where, String text) {
        for (String secret : PLANTED.values()) {
            assertThat(text).as(where).doesNotContain(secret).doesNotContain(secret.substring(secret.length() - 8));
        }
    }

    @Test
    void noPlantedCredentialReachesTheLogTheApiThePagesOrTheHistoryServer(@TempDir Path dir) throws Exception {
        String appId;
        WeftSession.Builder builder = WeftSession.builder().appName("masked").master("local[1]")
                .config("weft.eventLog.dir", dir.toUri().toString()).config("weft.ui.progress", "false")
                .config("weft.redaction.regex", "(?i)jdbc:.*password=");
        PLANTED.forEach(builder::config);
        try (WeftSession weft = builder.getOrCreate()) {
            appId = weft.applicationId();
            String url = ((DriverEngine) weft.engine()).statusUrl().orElseThrow();
            assertThat(weft.parallelize(List.of(1, 2, 3), 1).count()).isEqualTo(3);
            String environment = get(url + "api/v1/environment");
            assertNoneOfThePlantedValues("JSON API", environment);
            assertThat(environment).contains("weft.hadoop.fs.s3a.access.key").contains(Redaction.MASK);
            assertNoneOfThePlantedValues("environment page", get(url + "environment"));
            assertNoneOfThePlantedValues("in-progress event log",
                    Files.readString(dir.resolve(appId + EventLogWriter.IN_PROGRESS), StandardCharsets.UTF_8));
        }
        String log = new String(Files.readAllBytes(dir.resolve(appId)), StandardCharsets.UTF_8);
        assertNoneOfThePlantedValues("finished event log", log);
        assertThat(log).contains("weft.hadoop.fs.azure.account.key.acct.blob.core.windows.net");
        assertThat(log).as("the owner, for the history server's view ACLs").contains("\"user\":\""
                + org.apache.hadoop.security.UserGroupInformation.getCurrentUser().getShortUserName() + "\"");

        EventLogs logs = new EventLogs(FileSystem.getLocal(new Configuration()),
                new org.apache.hadoop.fs.Path(dir.toUri()));
        try (UiServer history = UiServer.startHistory(logs, "127.0.0.1", 0)) {
            String base = history.url() + "history/" + appId + "/";
            assertNoneOfThePlantedValues("history JSON", get(base + "api/v1/environment"));
            assertNoneOfThePlantedValues("history page", get(base + "environment"));
        }
    }

    @Test
    void anOlderLogThatHoldsACredentialIsMaskedAsItIsRead(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("app-old"), "{\"event\":\"ApplicationStarted\",\"time\":1,\"applicationId\":"
                + "\"app-old\",\"name\":\"old\",\"settings\":{\"weft.hadoop.fs.s3a.secret.key\":"
                + "\"planted-s3a-secret-0002\",\"weft.ui.port\":\"0\"}}\n");
        EventLogs logs = new EventLogs(FileSystem.getLocal(new Configuration()),
                new org.apache.hadoop.fs.Path(dir.toUri()));
        try (UiServer history = UiServer.startHistory(logs, "127.0.0.1", 0)) {
            String environment = get(history.url() + "history/app-old/api/v1/environment");
            assertNoneOfThePlantedValues("history JSON", environment);
            assertThat(environment).contains("\"weft.ui.port\" : \"0\"");
        }
    }
}
