package io.weft.it.secure;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.HdfsConfiguration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.security.UserGroupInformation;

/**
 * A Kerberos-secured MiniDFSCluster (1 DataNode) on a {@link TestKdc}: Kerberos RPC, block access tokens, SASL on
 * the data transfer protocol instead of privileged ports (which needs HTTPS-only web endpoints, hence the test key
 * stores), and short delegation-token lifetimes so that expiry and renewal can be seen within a test.
 */
public final class SecureMiniDfs {

    private SecureMiniDfs() {
    }

    /**
     * The secure HDFS settings, client and server side. Also makes this configuration UGI's (JVM-wide).
     *
     * @param protection {@code dfs.data.transfer.protection}: authentication, integrity or privacy (encrypted)
     * @param renewIntervalMs {@code dfs.namenode.delegation.token.renew-interval}
     * @param maxLifetimeMs {@code dfs.namenode.delegation.token.max-lifetime}
     */
    public static Configuration configuration(TestKdc kdc, Path base, String protection, long renewIntervalMs,
            long maxLifetimeMs) throws IOException, GeneralSecurityException, URISyntaxException {
        Configuration conf = new HdfsConfiguration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.resolve("dfs").toString());
        conf.set("hadoop.security.authentication", "kerberos");
        String service = kdc.principal(TestKdc.SERVICE);
        String keytab = kdc.serviceKeytab().getAbsolutePath();
        conf.set("dfs.namenode.kerberos.principal", service);
        conf.set("dfs.namenode.keytab.file", keytab);
        conf.set("dfs.datanode.kerberos.principal", service);
        conf.set("dfs.datanode.keytab.file", keytab);
        conf.set("dfs.web.authentication.kerberos.principal", kdc.principal("HTTP/localhost"));
        conf.set("dfs.web.authentication.kerberos.keytab", keytab);
        conf.setBoolean("dfs.block.access.token.enable", true);
        conf.set("dfs.data.transfer.protection", protection);
        conf.set("dfs.http.policy", "HTTPS_ONLY");
        conf.set("dfs.namenode.https-address", "localhost:0");
        conf.set("dfs.datanode.https.address", "localhost:0");
        conf.setLong("dfs.namenode.delegation.token.renew-interval", renewIntervalMs);
        conf.setLong("dfs.namenode.delegation.token.max-lifetime", maxLifetimeMs);
        conf.set("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", "10");
        // A client that fails SASL retries 5 times with back-off by default; tests of refusals want the answer now.
        conf.setInt("ipc.client.connect.max.retries.on.sasl", 0);
        TestKeystores stores = TestKeystores.create(base.resolve("keystores"));
        stores.writeSslResources(testClassPathDir(), "weft-secure-" + base.getFileName(), conf);
        UserGroupInformation.setConfiguration(conf);
        return conf;
    }

    /** Starts one NameNode and one DataNode with {@code conf} and waits until they are up. */
    public static MiniDFSCluster start(Configuration conf) throws IOException {
        MiniDFSCluster dfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        dfs.waitActive();
        return dfs;
    }

    /** The directory of this module's test classes: on the class path, so Hadoop finds the SSL resources there. */
    private static File testClassPathDir() throws URISyntaxException {
        return new File(SecureMiniDfs.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
