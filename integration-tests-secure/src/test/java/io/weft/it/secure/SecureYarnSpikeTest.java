package io.weft.it.secure;

import static io.weft.it.secure.SecureClusters.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.security.token.delegation.DelegationTokenIdentifier;
import org.apache.hadoop.io.DataOutputBuffer;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.yarn.api.ApplicationConstants;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.ApplicationSubmissionContext;
import org.apache.hadoop.yarn.api.records.ContainerLaunchContext;
import org.apache.hadoop.yarn.api.records.LocalResource;
import org.apache.hadoop.yarn.api.records.LocalResourceType;
import org.apache.hadoop.yarn.api.records.LocalResourceVisibility;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.api.records.URL;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.client.api.YarnClientApplication;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the Kerberos spike (issue 12) established about secure YARN here, kept as facts the secure suite relies on:
 * the ResourceManager refuses a submission whose tokens it cannot renew, refuses a client without credentials, and
 * the LinuxContainerExecutor cannot run without Hadoop's native program. Weft's own jobs on secure YARN are in
 * {@link KerberosJobsTest} and {@link KerberosTokenRenewalTest}.
 */
class SecureYarnSpikeTest {

    private static final Logger LOG = LoggerFactory.getLogger(SecureYarnSpikeTest.class);
    private static final EnumSet<YarnApplicationState> DONE = EnumSet.of(YarnApplicationState.FINISHED,
            YarnApplicationState.FAILED, YarnApplicationState.KILLED);

    private static SecureClusters clusters;
    private static SecureYarn cluster;
    private static MiniYARNCluster yarn;
    private static YarnConfiguration conf;
    /** The configuration the cluster was started from (no bound ports): for another cluster. */
    private static YarnConfiguration baseConf;
    private static Path confDir;

    @BeforeAll
    static void startSecureYarn() throws Exception {
        clusters = SecureClusters.get();
        cluster = SecureYarn.start(clusters, "weft-secure");
        yarn = cluster.yarn;
        conf = cluster.conf;
        baseConf = cluster.baseConf;
        confDir = cluster.confDir;
    }

    @AfterAll
    static void stopYarn() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * Submits {@link SpikeAm} as {@code user} (alice) with an HDFS token for {@code renewer} and alice's keytab as an
     * APPLICATION resource, and waits until the application ends.
     */
    private static ApplicationReport submitAndWait(UserGroupInformation user, String renewer, String output)
            throws Exception {
        return as(user, () -> {
            try (YarnClient client = YarnClient.createYarnClient();
                    FileSystem fs = FileSystem.newInstance(clusters.uri, conf)) {
                client.init(conf);
                client.start();
                YarnClientApplication app = client.createApplication();
                org.apache.hadoop.fs.Path keytab = new org.apache.hadoop.fs.Path("/user/alice/.staging/alice.keytab");
                fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(clusters.kdc.userKeytab("alice").toURI()), keytab);
                fs.setPermission(keytab, new org.apache.hadoop.fs.permission.FsPermission((short) 0600));
                FileStatus status = fs.getFileStatus(keytab);
                LocalResource keytabResource = LocalResource.newInstance(URL.fromPath(keytab.makeQualified(
                        fs.getUri(), fs.getWorkingDirectory())), LocalResourceType.FILE,
                        LocalResourceVisibility.APPLICATION, status.getLen(), status.getModificationTime());
                Credentials credentials = new Credentials();
                fs.addDelegationTokens(renewer, credentials);
                LOG.info("renewer {}, tokens {}", renewer, credentials.getAllTokens());
                DelegationTokenIdentifier id = (DelegationTokenIdentifier) credentials.getAllTokens().iterator()
                        .next().decodeIdentifier();
                long waitMs = SecureClusters.RENEW_MS + 2_000;
                DataOutputBuffer tokens = new DataOutputBuffer();
                credentials.writeTokenStorageToStream(tokens);
                String classPath = confDir + File.pathSeparator + System.getProperty("java.class.path");
                String command = System.getProperty("java.home") + "/bin/java -Xmx256m -Djava.security.krb5.conf="
                        + clusters.kdc.krb5conf().getAbsolutePath() + " " + SpikeAm.class.getName() + " " + output
                        + " " + waitMs + " alice.keytab " + clusters.kdc.principal("alice")
                        + " 1>" + ApplicationConstants.LOG_DIR_EXPANSION_VAR + "/stdout 2>"
                        + ApplicationConstants.LOG_DIR_EXPANSION_VAR + "/stderr";
                ContainerLaunchContext am = ContainerLaunchContext.newInstance(Map.of("alice.keytab", keytabResource),
                        Map.of("CLASSPATH", classPath), List.of(command), null,
                        ByteBuffer.wrap(tokens.getData(), 0, tokens.getLength()), null);
                ApplicationSubmissionContext context = app.getApplicationSubmissionContext();
                context.setApplicationName("secure-spike");
                context.setAMContainerSpec(am);
                context.setResource(Resource.newInstance(384, 1));
                context.setQueue("default");
                context.setMaxAppAttempts(1);
                client.submitApplication(context);
                ApplicationReport current = client.getApplicationReport(context.getApplicationId());
                while (!DONE.contains(current.getYarnApplicationState())) {
                    Thread.sleep(200);
                    current = client.getApplicationReport(context.getApplicationId());
                }
                LOG.info("token issued {}, finished {} ms later (first expiry at {} ms, maximum at {} ms)",
                        id.getIssueDate(), current.getFinishTime() - id.getIssueDate(), SecureClusters.RENEW_MS,
                        id.getMaxDate() - id.getIssueDate());
                return current;
            }
        });
    }

    /**
     * The ResourceManager renews the submitted tokens when it accepts an application (and then before they expire):
     * submitting a token whose renewer is not the ResourceManager fails at once, and says so.
     */
    @Test
    void aTokenTheResourceManagerCannotRenewFailsTheSubmission() {
        assertThatThrownBy(() -> submitAndWait(clusters.kdc.login("alice"), "alice", "/user/alice/never"))
                .satisfies(e -> LOG.info("token renewable only by alice: {}", causes(e)))
                .hasStackTraceContaining("Failed to renew token");
    }

    /**
     * Why secure YARN here runs containers as the NodeManager's OS user: the LinuxContainerExecutor, which would run
     * them as the submitting user, needs Hadoop's native setuid {@code container-executor} program, which no Maven
     * artifact ships. Records the exact error a NodeManager gives without it.
     */
    @Test
    void theLinuxContainerExecutorNeedsANativeProgramNoArtifactShips() throws Exception {
        YarnConfiguration lce = new YarnConfiguration(baseConf);
        lce.set(YarnConfiguration.NM_CONTAINER_EXECUTOR,
                "org.apache.hadoop.yarn.server.nodemanager.LinuxContainerExecutor");
        MiniYARNCluster cluster = new MiniYARNCluster("weft-secure-lce", 1, 1, 1);
        try {
            assertThatThrownBy(() -> {
                cluster.init(lce);
                cluster.start();
            }).satisfies(e -> LOG.info("LinuxContainerExecutor: {}", causes(e)))
                    .hasStackTraceContaining("container-executor");
        } finally {
            cluster.stop();
        }
    }

    private static String causes(Throwable e) {
        StringBuilder chain = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            chain.append("\n  caused by ").append(t);
        }
        return chain.toString();
    }

    @Test
    void aClientWithoutCredentialsIsRefusedByTheResourceManager() throws Exception {
        UserGroupInformation nobody = UserGroupInformation.createRemoteUser("alice");
        assertThatThrownBy(() -> as(nobody, () -> {
            YarnConfiguration noRetries = new YarnConfiguration(conf);
            noRetries.setLong(YarnConfiguration.RESOURCEMANAGER_CONNECT_MAX_WAIT_MS, 2_000);
            noRetries.setLong(YarnConfiguration.RESOURCEMANAGER_CONNECT_RETRY_INTERVAL_MS, 500);
            try (YarnClient client = YarnClient.createYarnClient()) {
                client.init(noRetries);
                client.start();
                return client.createApplication();
            }
        })).satisfies(e -> LOG.info("submission without credentials: {}", e.toString()))
                .hasStackTraceContaining("Client cannot authenticate via:[TOKEN, KERBEROS]");
    }
}
