package io.weft.am.kerberos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.WeftException;
import io.weft.conf.WeftConf;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.token.Token;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parts of the Kerberos support that need no KDC: naming the renewer, choosing the file systems, moving tokens
 * around, and refusing nothing on a cluster without Kerberos. The token flow itself is tested against a real KDC,
 * secure HDFS and secure YARN in integration-tests-secure.
 */
class DelegationTokensTest {

    @Test
    void theRenewerIsTheResourceManagersPrincipalWithItsHost() {
        YarnConfiguration yarn = new YarnConfiguration();
        yarn.set(YarnConfiguration.RM_PRINCIPAL, "rm/_HOST@EXAMPLE.COM");
        yarn.set(YarnConfiguration.RM_ADDRESS, "RM1.example.com:8032");
        assertThat(DelegationTokens.renewer(yarn)).isEqualTo("rm/rm1.example.com@EXAMPLE.COM");

        yarn.setBoolean(YarnConfiguration.RM_HA_ENABLED, true);
        yarn.set(YarnConfiguration.RM_HA_IDS, "rm2,rm3");
        yarn.set(YarnConfiguration.RM_ADDRESS + ".rm2", "second.example.com:8032");
        yarn.set(YarnConfiguration.RM_ADDRESS + ".rm3", "third.example.com:8032");
        assertThat(DelegationTokens.renewer(yarn)).isEqualTo("rm/second.example.com@EXAMPLE.COM");
    }

    @Test
    void withoutTheResourceManagersPrincipalThereIsNoRenewerAndTheErrorSaysWhere() {
        assertThatThrownBy(() -> DelegationTokens.renewer(new YarnConfiguration()))
                .isInstanceOf(WeftException.class).hasMessageContaining("yarn.resourcemanager.principal is not set")
                .hasMessageContaining("HADOOP_CONF_DIR");
    }

    @Test
    void tokensAreObtainedForEachFileSystemTheApplicationTouchesOnce(@TempDir Path dir) throws Exception {
        Configuration hadoop = new Configuration(false);
        hadoop.set("fs.defaultFS", "file:///");
        WeftConf conf = WeftConf.validate(Map.of("weft.eventLog.dir", dir.resolve("events").toUri().toString(),
                "weft.kerberos.access.filesystems", " file:///data ,, file:///other"));
        assertThat(DelegationTokens.fileSystems(conf, hadoop)).containsExactly(URI.create("file:///"));
    }

    @Test
    void tokensSurviveTheTripToAnExecutor() throws Exception {
        Credentials credentials = new Credentials();
        Token<?> token = new Token<>(new byte[] {1, 2}, new byte[] {3, 4}, new Text("HDFS_DELEGATION_TOKEN"),
                new Text("127.0.0.1:8020"));
        credentials.addToken(token.getService(), token);
        Credentials back = TokenRefresher.deserialize(TokenRefresher.serialize(credentials));
        assertThat(back.getToken(new Text("127.0.0.1:8020"))).isEqualTo(token);
    }

    @Test
    void theLauncherSeesEachRefreshOnceAndNoOneElseCanReadIt(@TempDir Path dir) throws Exception {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        org.apache.hadoop.fs.Path staging = new org.apache.hadoop.fs.Path(dir.toUri());
        TokensFile writer = new TokensFile(fs, staging);
        TokensFile reader = new TokensFile(fs, staging);
        assertThat(reader.readIfChanged()).isEmpty();
        Credentials credentials = new Credentials();
        Token<?> token = new Token<>(new byte[] {1}, new byte[] {2}, new Text("HDFS_DELEGATION_TOKEN"),
                new Text("nn:8020"));
        credentials.addToken(token.getService(), token);
        writer.write(TokenRefresher.serialize(credentials));
        assertThat(reader.readIfChanged()).hasValueSatisfying(read -> assertThat(read.getAllTokens())
                .containsExactly(token));
        assertThat(reader.readIfChanged()).isEmpty();
        assertThat(fs.getFileStatus(new org.apache.hadoop.fs.Path(staging, TokensFile.NAME)).getPermission()
                .toShort()).isEqualTo((short) 0600);
    }

    @Test
    void aClusterWithoutKerberosNeedsNoLogin() {
        Configuration hadoop = new Configuration(false);
        hadoop.set("hadoop.security.authentication", "simple");
        assertThat(KerberosLogin.login(WeftConf.validate(Map.of()), hadoop, false)).isEmpty();
    }
}
