package io.weft.am.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.WeftException;
import io.weft.conf.WeftConf;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history command's address and authentication choices (SPNEGO itself: SpnegoHistoryTest, secure suite). */
class HistoryCommandTest {

    @Test
    void listensOnTheChosenAddressOnly(@TempDir Path logs) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        CountDownLatch stop = new CountDownLatch(1);
        Thread server = new Thread(() -> HistoryCommand.run(new String[] {"--host", "127.0.0.1", "--port", "0",
                logs.toUri().toString()}, new PrintStream(printed, true, StandardCharsets.UTF_8), stop), "history");
        server.start();
        try {
            io.weft.driver.Poll.until(() -> printed.toString(StandardCharsets.UTF_8).contains(" at http"), 30_000,
                    20);
            String url = printed.toString(StandardCharsets.UTF_8).replaceAll("(?s).* at (http\\S+).*", "$1");
            assertThat(url).startsWith("http://127.0.0.1:");
            HttpURLConnection page = (HttpURLConnection) URI.create(url).toURL().openConnection();
            assertThat(page.getResponseCode()).isEqualTo(200);
            assertThat(page.getHeaderField("Content-Security-Policy")).contains("default-src 'none'");
            int port = URI.create(url).getPort();
            InetAddress other = NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses)
                    .filter(a -> !a.isLoopbackAddress() && a instanceof java.net.Inet4Address).findFirst()
                    .orElse(null);
            if (other != null) {
                try (java.net.Socket socket = new java.net.Socket()) {
                    assertThatThrownBy(() -> socket.connect(new java.net.InetSocketAddress(other, port), 2000))
                            .as("not listening on " + other).isInstanceOf(java.io.IOException.class);
                }
            }
        } finally {
            stop.countDown();
            server.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    @Test
    void theAddressComesFromTheOptionThenTheSettingThenTheHostName() throws Exception {
        WeftConf set = WeftConf.validate(Map.of("weft.history.bindAddress", "10.1.2.3"));
        assertThat(HistoryCommand.bindHost("127.0.0.2", set)).isEqualTo("127.0.0.2");
        assertThat(HistoryCommand.bindHost(null, set)).isEqualTo("10.1.2.3");
        assertThat(HistoryCommand.bindHost(null, WeftConf.validate(Map.of())))
                .isEqualTo(InetAddress.getLocalHost().getCanonicalHostName()).isNotEqualTo("0.0.0.0");
    }

    @Test
    void aKerberosClusterNeedsTheSpnegoSettings(@TempDir Path dir) throws Exception {
        Configuration kerberos = new Configuration(false);
        kerberos.set("hadoop.security.authentication", "kerberos");
        assertThatThrownBy(() -> HistoryCommand.authentication(WeftConf.validate(Map.of()), kerberos, "localhost"))
                .isInstanceOf(WeftException.class).hasMessageContaining("weft.history.spnego.principal")
                .hasMessageContaining("weft.history.spnego.keytab");
        assertThatThrownBy(() -> HistoryCommand.authentication(WeftConf.validate(Map.of(
                "weft.history.spnego.principal", "HTTP/_HOST@EXAMPLE.COM")), kerberos, "localhost"))
                .isInstanceOf(WeftException.class).hasMessageContaining("weft.history.spnego.keytab is not");
        assertThatThrownBy(() -> HistoryCommand.authentication(WeftConf.validate(Map.of(
                "weft.history.spnego.principal", "HTTP/_HOST@EXAMPLE.COM", "weft.history.spnego.keytab",
                dir.resolve("missing.keytab").toString())), kerberos, "localhost"))
                .isInstanceOf(WeftException.class).hasMessageContaining("Cannot read the SPNEGO keytab");
        assertThat(HistoryCommand.authentication(WeftConf.validate(Map.of()), new Configuration(false), "localhost"))
                .as("no Kerberos, no principal: open, as before").isNull();
    }
}
