package io.weft.it.secure;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.it.secure.apps.CountWordsTwiceApp;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FsServerDefaults;
import org.apache.hadoop.security.UserGroupInformation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Weft jobs on Kerberos-secured HDFS and YARN, submitted from a Kerberos login without a keytab (what {@code kinit}
 * gives): the client obtains HDFS delegation tokens with the ResourceManager as renewer and the containers work with
 * them alone. HDFS here encrypts block data ({@code dfs.encrypt.data.transfer=true} on top of SASL privacy), and
 * tokens live long enough (5 min unless renewed, 1 h at most) for jobs that never need new ones.
 */
class KerberosJobsTest {

    private static final Logger LOG = LoggerFactory.getLogger(KerberosJobsTest.class);
    private static final SecureClusters.Hdfs HDFS = new SecureClusters.Hdfs(300_000, 3_600_000, true);

    private static SecureClusters clusters;
    private static SecureYarn yarn;
    private static WeftOnSecureYarn weft;
    private static String input;

    @BeforeAll
    static void start() throws Exception {
        clusters = SecureClusters.get(HDFS);
        yarn = SecureYarn.start(clusters, "weft-kerberos-jobs");
        weft = new WeftOnSecureYarn(clusters, yarn);
        input = weft.writeInput(clusters.kdc.login("alice"), "/user/alice/words");
    }

    @AfterAll
    static void stop() {
        if (yarn != null) {
            yarn.close();
        }
    }

    /**
     * Cluster mode with a shuffle: the AM (the driver) and the executors read, shuffle through and write the secure
     * HDFS with the submitted tokens only, as alice; every DFSClient encrypts block data, because the NameNode's
     * server defaults say so. Without a keytab the AM says until when its tokens work.
     */
    @Test
    void aClusterModeJobShufflesThroughEncryptedHdfsWithTheSubmittedTokens() throws Exception {
        UserGroupInformation alice = clusters.kdc.login("alice");
        FsServerDefaults defaults = alice.doAs((java.security.PrivilegedExceptionAction<FsServerDefaults>) () -> {
            try (FileSystem fs = FileSystem.newInstance(clusters.uri, clusters.conf)) {
                return fs.getServerDefaults(new org.apache.hadoop.fs.Path("/"));
            }
        });
        assertThat(defaults.getEncryptDataTransfer()).isTrue();
        String output = "/user/alice/out-cluster";
        WeftOnSecureYarn.Result result = weft.submit(alice, weft.args("--name", "secure cluster mode",
                CountWordsTwiceApp.class.getName(), input, output));
        String logs = weft.logs(result.applicationId());
        LOG.info("cluster mode printed:\n{}", result.text());
        assertThat(result.exit()).as(result.text() + logs).isZero();
        assertThat(weft.counts(alice, output)).isEqualTo(WeftOnSecureYarn.COUNTS);
        assertThat(weft.status(alice, output + "/_SUCCESS").getOwner()).isEqualTo("alice");
        assertThat(logs).contains("ApplicationMaster: no keytab (--principal/--keytab), so the delegation tokens"
                + " [HDFS_DELEGATION_TOKEN").contains("the ResourceManager renews them until");
        // The executors started with the HDFS token but never the AMRM token, which stays the AM's.
        List<String> started = logs.lines().filter(line -> line.contains("started with tokens")).toList();
        LOG.info("executors: {}", started);
        assertThat(started).hasSize(2).allSatisfy(line -> assertThat(line).contains("HDFS_DELEGATION_TOKEN")
                .doesNotContain("YARN_AM_RM_TOKEN"));
    }

    /**
     * Client mode: the driver runs here, as alice's Kerberos login; the executors in containers work with the tokens
     * the client obtained, and the driver, which can obtain more from the login, sends fresh ones to them.
     */
    @Test
    void aClientModeJobReadsAndWritesSecureHdfs() throws Exception {
        UserGroupInformation alice = clusters.kdc.login("alice");
        String output = "/user/alice/out-client";
        WeftOnSecureYarn.Result result = weft.submit(alice, weft.args(List.of("--deploy-mode", "client",
                CountWordsTwiceApp.class.getName(), input, output)));
        assertThat(result.exit()).as(result.text()).isZero();
        assertThat(weft.counts(alice, output)).isEqualTo(WeftOnSecureYarn.COUNTS);
        assertThat(weft.status(alice, output + "/_SUCCESS").getOwner()).isEqualTo("alice");
    }

    /**
     * Without a Kerberos login, or with half of a keytab login, nothing is submitted and the message says what is
     * missing.
     */
    @Test
    void aSubmissionWithoutCredentialsFailsSayingWhatIsMissing() throws Exception {
        int before = yarn.yarn.getResourceManager().getRMContext().getRMApps().size();
        UserGroupInformation nobody = UserGroupInformation.createRemoteUser("alice");
        WeftOnSecureYarn.Result noTicket = weft.submit(nobody, weft.args(CountWordsTwiceApp.class.getName(), input,
                "/user/alice/never"));
        assertThat(noTicket.exit()).isEqualTo(1);
        assertThat(noTicket.text()).contains("This cluster uses Kerberos (hadoop.security.authentication=kerberos)"
                + " but alice has no Kerberos ticket. Fix: run kinit first, or pass --principal and --keytab"
                + " (weft.kerberos.principal, weft.kerberos.keytab).").contains("Nothing was submitted.");
        WeftOnSecureYarn.Result halfLogin = weft.submit(nobody, weft.args(List.of("--principal",
                clusters.kdc.principal("alice"), CountWordsTwiceApp.class.getName(), input, "/user/alice/never")));
        assertThat(halfLogin.exit()).isEqualTo(1);
        assertThat(halfLogin.text()).contains("--principal and --keytab (weft.kerberos.principal,"
                + " weft.kerberos.keytab) go together, but only the principal alice@");
        WeftOnSecureYarn.Result badKeytab = weft.submit(nobody, weft.args(List.of("--principal",
                clusters.kdc.principal("alice"), "--keytab", clusters.base.resolve("no-such.keytab").toString(),
                CountWordsTwiceApp.class.getName(), input, "/user/alice/never")));
        assertThat(badKeytab.exit()).isEqualTo(1);
        assertThat(badKeytab.text()).contains("no-such.keytab (--keytab, weft.kerberos.keytab) does not exist");
        assertThat(yarn.yarn.getResourceManager().getRMContext().getRMApps()).hasSize(before);
    }
}
