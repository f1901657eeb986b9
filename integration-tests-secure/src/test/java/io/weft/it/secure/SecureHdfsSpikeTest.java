package io.weft.it.secure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.PrivilegedExceptionAction;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.security.token.delegation.DelegationTokenIdentifier;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.security.token.Token;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spike for issue 12: a MiniKdc, a Kerberos-secured MiniDFSCluster (SASL data transfer with privacy, HTTPS only),
 * a keytab login, HDFS delegation tokens obtained, renewed, used alone, and seen to expire.
 *
 * <p>The NameNode's delegation tokens here live {@link SecureClusters#RENEW_MS} ms unless renewed: each test obtains
 * its own tokens right before it uses them.
 */
class SecureHdfsSpikeTest {

    private static final Logger LOG = LoggerFactory.getLogger(SecureHdfsSpikeTest.class);
    static final long RENEW_MS = SecureClusters.RENEW_MS;

    private static TestKdc kdc;
    private static Configuration conf;
    private static URI uri;
    private static SecureClusters clusters;

    @BeforeAll
    static void startKdcAndSecureHdfs() throws Exception {
        clusters = SecureClusters.get();
        kdc = clusters.kdc;
        conf = clusters.conf;
        uri = clusters.uri;
    }

    static <T> T as(UserGroupInformation ugi, PrivilegedExceptionAction<T> action) throws Exception {
        return ugi.doAs(action);
    }

    private static void write(String path, String text) throws IOException {
        try (FileSystem fs = FileSystem.newInstance(uri, conf);
                OutputStream out = fs.create(new org.apache.hadoop.fs.Path(path))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String read(String path) throws IOException {
        try (FileSystem fs = FileSystem.newInstance(uri, conf);
                InputStream in = fs.open(new org.apache.hadoop.fs.Path(path))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String owner(String path) throws IOException {
        try (FileSystem fs = FileSystem.newInstance(uri, conf)) {
            return fs.getFileStatus(new org.apache.hadoop.fs.Path(path)).getOwner();
        }
    }

    /** Tokens for HDFS obtained by {@code ugi}, renewable by {@code renewer}. */
    private static Credentials tokens(UserGroupInformation ugi, String renewer) throws Exception {
        return as(ugi, () -> {
            Credentials credentials = new Credentials();
            try (FileSystem fs = FileSystem.newInstance(uri, conf)) {
                Token<?>[] added = fs.addDelegationTokens(renewer, credentials);
                assertThat(added).hasSize(1);
            }
            return credentials;
        });
    }

    /** A UGI that has nothing but {@code credentials}: what a YARN container's process has. */
    private static UserGroupInformation tokenOnly(String name, Credentials credentials) {
        UserGroupInformation ugi = UserGroupInformation.createRemoteUser(name);
        ugi.addCredentials(credentials);
        return ugi;
    }

    private static Token<?> theToken(Credentials credentials) {
        return credentials.getAllTokens().iterator().next();
    }

    @Test
    void keytabLoginGivesKerberosCredentials() throws Exception {
        UserGroupInformation alice = kdc.login("alice");
        assertThat(alice.getShortUserName()).isEqualTo("alice");
        assertThat(alice.getUserName()).isEqualTo("alice@" + kdc.realm());
        assertThat(alice.isFromKeytab()).isTrue();
        assertThat(alice.hasKerberosCredentials()).isTrue();
        assertThat(alice.getAuthenticationMethod()).isEqualTo(UserGroupInformation.AuthenticationMethod.KERBEROS);
        assertThat(UserGroupInformation.isSecurityEnabled()).isTrue();
    }

    /**
     * The NameNode's web endpoint is HTTPS only (required with SASL data transfer). WebHDFS refuses an
     * unauthenticated caller; the web UI and /jmx do not, unless {@code hadoop.http.authentication.type=kerberos} with the authentication filter
     * is configured: Kerberos RPC alone leaves them open.
     */
    @Test
    void theNameNodeWebIsHttpsOnlyAndWebHdfsRefusesAnonymousCallers() throws Exception {
        assertThat(clusters.dfs.getNameNode().getHttpAddress()).isNull();
        int port = clusters.dfs.getNameNode().getHttpsAddress().getPort();
        assertThat(httpsStatus(port, "/jmx")).isEqualTo("200 null");
        // Refused without a Kerberos login.
        assertThat(httpsStatus(port, "/webhdfs/v1/user?op=GETFILESTATUS")).startsWith("403");
    }

    private static String httpsStatus(int port, String path) throws Exception {
        javax.net.ssl.HttpsURLConnection connection = (javax.net.ssl.HttpsURLConnection) new java.net.URL(
                "https://localhost:" + port + path).openConnection();
        connection.setSSLSocketFactory(TestKeystores.clientContext(clusters.base.resolve("keystores"))
                .getSocketFactory());
        String status = connection.getResponseCode() + " " + connection.getHeaderField("WWW-Authenticate");
        java.io.InputStream error = connection.getErrorStream();
        LOG.info("NameNode https {} without SPNEGO: {} {}", path, status,
                error == null ? "" : new String(error.readAllBytes(), StandardCharsets.UTF_8));
        connection.disconnect();
        return status;
    }

    @Test
    void aKerberosUserReadsAndWritesAndAnUnauthenticatedOneIsRefused() throws Exception {
        UserGroupInformation alice = kdc.login("alice");
        as(alice, () -> {
            write("/user/alice/kerberos.txt", "written with a ticket");
            return null;
        });
        assertThat(as(alice, () -> read("/user/alice/kerberos.txt"))).isEqualTo("written with a ticket");
        UserGroupInformation nobody = UserGroupInformation.createRemoteUser("alice");
        assertThatThrownBy(() -> as(nobody, () -> read("/user/alice/kerberos.txt")))
                .satisfies(e -> LOG.info("without credentials: {}", e.toString()))
                .hasStackTraceContaining("Client cannot authenticate via:[TOKEN, KERBEROS]");
    }

    @Test
    void aDelegationTokenAloneReadsAndWritesAsItsOwner() throws Exception {
        UserGroupInformation alice = kdc.login("alice");
        Credentials credentials = tokens(alice, kdc.principal(TestKdc.SERVICE));
        Token<?> token = theToken(credentials);
        LOG.info("token {} service {}", token, token.getService());
        assertThat(token.getKind().toString()).isEqualTo("HDFS_DELEGATION_TOKEN");
        // The process's own name does not matter: the NameNode takes the user from the token.
        UserGroupInformation container = tokenOnly("root", credentials);
        as(container, () -> {
            write("/user/alice/token.txt", "written with a token");
            return null;
        });
        assertThat(as(container, () -> read("/user/alice/token.txt"))).isEqualTo("written with a token");
        assertThat(as(container, () -> owner("/user/alice/token.txt"))).isEqualTo("alice");
        // Alice's token does not open Bob's files (his home is 0700).
        as(kdc.login("bob"), () -> {
            write("/user/bob/secret.txt", "bob's");
            return null;
        });
        assertThatThrownBy(() -> as(container, () -> read("/user/bob/secret.txt")))
                .hasStackTraceContaining("Permission denied");
        // A token cannot buy more tokens: that takes a Kerberos login (the reason the AM needs a keytab).
        assertThatThrownBy(() -> tokens(container, "alice"))
                .satisfies(e -> LOG.info("token-only addDelegationTokens: {}", e.toString()))
                .hasStackTraceContaining("Delegation Token can be issued only with kerberos or web authentication");
    }

    @Test
    void onlyTheNamedRenewerRenews() throws Exception {
        UserGroupInformation alice = kdc.login("alice");
        Token<?> token = theToken(tokens(alice, kdc.principal(TestKdc.SERVICE)));
        // Alice is not the renewer.
        assertThatThrownBy(() -> as(alice, () -> token.renew(conf)))
                .satisfies(e -> LOG.info("renewal by a non-renewer: {}", e.toString()))
                .hasStackTraceContaining("tries to renew a token");
        UserGroupInformation service = clusters.service();
        DelegationTokenIdentifier id = (DelegationTokenIdentifier) token.decodeIdentifier();
        long expiry = as(service, () -> token.renew(conf));
        assertThat(expiry).isGreaterThan(id.getIssueDate()).isLessThanOrEqualTo(id.getMaxDate());
        as(service, () -> {
            token.cancel(conf);
            return null;
        });
        assertThatThrownBy(() -> as(tokenOnly("alice", credentialsOf(token)), () -> read("/user/alice/x")))
                .satisfies(e -> LOG.info("cancelled token: {}", e.toString()))
                .hasStackTraceContaining("can't be found in cache");
    }

    private static Credentials credentialsOf(Token<?> token) {
        Credentials credentials = new Credentials();
        credentials.addToken(token.getService(), token);
        return credentials;
    }

    /**
     * A token that is not renewed stops working after the renewal interval; one renewed in time keeps working until
     * its maximum lifetime, and cannot be renewed beyond it. The NameNode checks a token's expiry whenever a
     * connection authenticates with it (its expired-token remover runs only hourly, which does not matter for this).
     * Each check uses a new UGI, hence a new RPC connection: an open connection stays authenticated.
     */
    @Test
    void tokensExpireUnlessRenewedAndNeverOutliveTheirMaximumLifetime() throws Exception {
        UserGroupInformation alice = kdc.login("alice");
        Credentials unrenewed = tokens(alice, "alice");
        Credentials renewed = tokens(alice, "alice");
        DelegationTokenIdentifier id = (DelegationTokenIdentifier) theToken(renewed).decodeIdentifier();
        LOG.info("token issued {} max {}", id.getIssueDate(), id.getMaxDate());
        assertThat(id.getMaxDate() - id.getIssueDate()).isEqualTo(SecureClusters.MAX_MS);
        assertThat(as(tokenOnly("root", unrenewed), () -> owner("/user/alice"))).isEqualTo("alice");

        long firstExpiry = id.getIssueDate() + RENEW_MS;
        long expiry = firstExpiry;
        while (System.currentTimeMillis() < firstExpiry + 1_000) {
            Thread.sleep(RENEW_MS / 4);
            expiry = as(alice, () -> theToken(renewed).renew(conf));
        }
        assertThat(expiry).isGreaterThan(firstExpiry);
        assertThatThrownBy(() -> as(tokenOnly("root", unrenewed), () -> owner("/user/alice")))
                .satisfies(e -> LOG.info("unrenewed token after its interval: {}", e.toString()))
                .hasStackTraceContaining("has expired");
        assertThat(as(tokenOnly("root", renewed), () -> owner("/user/alice"))).isEqualTo("alice");

        while (System.currentTimeMillis() < id.getMaxDate() + 1_000) {
            Thread.sleep(RENEW_MS / 4);
        }
        assertThatThrownBy(() -> as(alice, () -> theToken(renewed).renew(conf)))
                .satisfies(e -> LOG.info("renewal past the maximum lifetime: {}", e.toString()));
        assertThatThrownBy(() -> as(tokenOnly("root", renewed), () -> owner("/user/alice")))
                .satisfies(e -> LOG.info("renewed token past its maximum lifetime: {}", e.toString()))
                .hasStackTraceContaining("has expired");
    }
}
