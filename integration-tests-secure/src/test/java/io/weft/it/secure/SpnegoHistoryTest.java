package io.weft.it.secure;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.am.submit.HistoryCommand;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.security.authentication.client.AuthenticatedURL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The history server on a Kerberos cluster, started by the history command with {@code HTTP/_HOST@REALM} and the
 * KDC's keytab: a request without a ticket gets 401 and a Negotiate challenge, a forged token 403, and Hadoop's own
 * SPNEGO client (AuthenticatedURL, as a user logged in from a keytab) the pages, with the server's mutual
 * authentication token; an application with view ACLs only to the Kerberos users they admit. Without SPNEGO
 * settings the command refuses to start on this Kerberos configuration.
 */
class SpnegoHistoryTest {

    private static TestKdc kdc;
    private static Path logs;
    private static final ByteArrayOutputStream PRINTED = new ByteArrayOutputStream();
    private static final CountDownLatch STOP = new CountDownLatch(1);
    private static Thread server;
    private static String url;

    @BeforeAll
    static void startHistoryServerWithSpnego() throws Exception {
        kdc = SecureClusters.get().kdc;
        logs = Files.createTempDirectory("weft-spnego-logs-");
        Files.writeString(logs.resolve("app-spnego"), "{\"event\":\"ApplicationStarted\",\"time\":1,"
                + "\"applicationId\":\"app-spnego\",\"name\":\"kerberized\",\"settings\":{}}\n");
        Files.writeString(logs.resolve("app-bob"), "{\"event\":\"ApplicationStarted\",\"time\":2,"
                + "\"applicationId\":\"app-bob\",\"name\":\"bobs\",\"settings\":{\"weft.acls.enable\":\"true\"},"
                + "\"user\":\"bob\"}\n");
        server = new Thread(() -> HistoryCommand.run(new String[] {"--host", "localhost", "--port", "0",
                "--conf", "weft.history.spnego.principal=HTTP/_HOST@" + kdc.realm(),
                "--conf", "weft.history.spnego.keytab=" + kdc.serviceKeytab().getPath(),
                logs.toUri().toString()}, new PrintStream(PRINTED, true, StandardCharsets.UTF_8), STOP),
                "spnego-history");
        server.start();
        io.weft.driver.Poll.until(() -> PRINTED.toString(StandardCharsets.UTF_8).contains(" at http"), 60_000, 50);
        url = PRINTED.toString(StandardCharsets.UTF_8).replaceAll("(?s).* at (http\\S+).*", "$1");
        assertThat(url).as(PRINTED.toString(StandardCharsets.UTF_8)).startsWith("http://localhost:");
    }

    @AfterAll
    static void stop() throws Exception {
        STOP.countDown();
        if (server != null) {
            server.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    @Test
    void withoutATicketTheServerAsksToNegotiate() throws Exception {
        HttpURLConnection anonymous = (HttpURLConnection) URI.create(url + "api/v1/applications").toURL()
                .openConnection();
        assertThat(anonymous.getResponseCode()).isEqualTo(401);
        assertThat(anonymous.getHeaderField("WWW-Authenticate")).isEqualTo("Negotiate");
        assertThat(anonymous.getHeaderField("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    @Test
    void aForgedTokenIsRefused() throws Exception {
        HttpURLConnection forged = (HttpURLConnection) URI.create(url).toURL().openConnection();
        forged.setRequestProperty("Authorization", "Negotiate " + Base64.getEncoder().encodeToString(
                "not a kerberos ticket".getBytes(StandardCharsets.UTF_8)));
        assertThat(forged.getResponseCode()).isEqualTo(403);
    }

    @Test
    void aKerberosUserSeesThePagesThroughHadoopsSpnegoClient() throws Exception {
        UserGroupInformation alice = kdc.login("alice");
        String body = alice.doAs((java.security.PrivilegedExceptionAction<String>) () -> {
            HttpURLConnection page = new AuthenticatedURL().openConnection(new URL(url + "api/v1/applications"),
                    new AuthenticatedURL.Token());
            assertThat(page.getResponseCode()).isEqualTo(200);
            assertThat(page.getHeaderField("WWW-Authenticate")).as("mutual authentication").startsWith("Negotiate ");
            try (InputStream in = page.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        });
        assertThat(body).contains("app-spnego").contains("kerberized").doesNotContain("app-bob");
    }

    private static int statusAs(String user, String path) throws Exception {
        return kdc.login(user).doAs((java.security.PrivilegedExceptionAction<Integer>) () -> new AuthenticatedURL()
                .openConnection(new URL(url + path), new AuthenticatedURL.Token()).getResponseCode());
    }

    @Test
    void anApplicationWithViewAclsIsShownToItsOwnerOnly() throws Exception {
        assertThat(statusAs("bob", "history/app-bob/api/v1/jobs")).isEqualTo(200);
        assertThat(statusAs("alice", "history/app-bob/api/v1/jobs")).as("authenticated, but not admitted")
                .isEqualTo(403);
    }

    @Test
    void onAKerberosClusterTheCommandWillNotServeWithoutSpnego() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = HistoryCommand.run(new String[] {"--host", "localhost", "--port", "0", logs.toUri().toString()},
                    new PrintStream(new ByteArrayOutputStream()), new CountDownLatch(0));
        } finally {
            System.setErr(saved);
        }
        assertThat(exit).isNotZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("weft.history.spnego.principal");
    }
}
