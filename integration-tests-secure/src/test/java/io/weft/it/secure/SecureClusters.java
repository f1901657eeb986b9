package io.weft.it.secure;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivilegedExceptionAction;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.security.UserGroupInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One KDC and one secure MiniDFSCluster for the whole test JVM, started on first use and stopped at JVM exit: the
 * KDC's krb5.conf, UGI's configuration and its login user are JVM-wide, so a second KDC in the same JVM would fight
 * the first (this module runs each test class in a JVM of its own). By default ({@link #get()}) the NameNode's
 * delegation tokens live {@value #RENEW_MS} ms unless renewed and at most {@value #MAX_MS} ms: a test obtains its
 * own tokens right before it uses them; {@link #get(Hdfs)} chooses other lifetimes and encrypted data transfer.
 */
final class SecureClusters {

    private static final Logger LOG = LoggerFactory.getLogger(SecureClusters.class);
    static final long RENEW_MS = 10_000;
    static final long MAX_MS = 30_000;

    private static SecureClusters instance;

    /**
     * How the JVM's secure HDFS is set up.
     *
     * @param renewMs {@code dfs.namenode.delegation.token.renew-interval}
     * @param maxMs {@code dfs.namenode.delegation.token.max-lifetime}
     * @param encryptDataTransfer {@code dfs.encrypt.data.transfer}: block data encrypted with keys the NameNode
     *     hands out, on top of SASL privacy
     */
    record Hdfs(long renewMs, long maxMs, boolean encryptDataTransfer) {
    }

    /** The spikes' HDFS: short lifetimes, SASL privacy. */
    static final Hdfs SHORT_LIVED = new Hdfs(RENEW_MS, MAX_MS, false);

    final Hdfs settings;

    final Path base;
    final TestKdc kdc;
    final MiniDFSCluster dfs;
    final Configuration conf;
    final URI uri;

    private SecureClusters(Hdfs settings) throws Exception {
        this.settings = settings;
        base = Files.createTempDirectory("weft-krb-");
        long start = System.nanoTime();
        kdc = TestKdc.start(base.resolve("kdc"));
        LOG.info("KDC up in {} ms, realm {}", (System.nanoTime() - start) / 1_000_000, kdc.realm());
        Configuration hdfsConf = SecureMiniDfs.configuration(kdc, base, "privacy", settings.renewMs(),
                settings.maxMs());
        if (settings.encryptDataTransfer()) {
            hdfsConf.setBoolean("dfs.encrypt.data.transfer", true);
        }
        dfs = SecureMiniDfs.start(hdfsConf);
        conf = new Configuration(dfs.getConfiguration(0));
        uri = dfs.getURI();
        LOG.info("KDC and secure HDFS up in {} ms at {}", (System.nanoTime() - start) / 1_000_000, uri);
        // Home directories, made by the HDFS superuser (the NameNode's principal's short name, "hdfs").
        as(service(), () -> {
            try (FileSystem fs = FileSystem.newInstance(uri, conf)) {
                // mkdirs gives missing parents the child's permission: make /user traversable first.
                fs.mkdirs(new org.apache.hadoop.fs.Path("/user"), new FsPermission((short) 0755));
                for (String user : new String[] {"alice", "bob"}) {
                    org.apache.hadoop.fs.Path home = new org.apache.hadoop.fs.Path("/user/" + user);
                    fs.mkdirs(home, new FsPermission((short) 0700));
                    fs.setOwner(home, user, user);
                }
                fs.mkdirs(new org.apache.hadoop.fs.Path("/tmp"), new FsPermission((short) 01777));
                fs.setPermission(new org.apache.hadoop.fs.Path("/tmp"), new FsPermission((short) 01777));
            }
            return null;
        });
        publishClientSettings();
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "secure-cluster-shutdown"));
    }

    /** The client side of the secure settings, which every {@code new Configuration()} in this JVM must see. */
    private static final String[] CLIENT_KEYS = {"fs.defaultFS", "hadoop.security.authentication",
        "dfs.namenode.kerberos.principal", "dfs.datanode.kerberos.principal", "dfs.block.access.token.enable",
        "dfs.data.transfer.protection", "dfs.http.policy", "dfs.client.https.keystore.resource",
        "hadoop.ssl.client.conf", "ipc.client.connect.max.retries.on.sasl", "dfs.encrypt.data.transfer"};

    /**
     * Adds the client side of the secure settings to every Configuration of this JVM, as a default resource. Code
     * that builds its own {@code new YarnConfiguration()} needs them: notably the NodeManager's resource localizer,
     * which DefaultContainerExecutor runs inside the NodeManager's JVM; on a real cluster it finds them in
     * HADOOP_CONF_DIR. The resource is written, under a name unique to this run, into the test class directory.
     */
    private void publishClientSettings() throws Exception {
        Configuration client = new Configuration(false);
        for (String key : CLIENT_KEYS) {
            client.set(key, conf.get(key));
        }
        String name = "weft-secure-" + base.getFileName() + "-site.xml";
        java.io.File file = new java.io.File(new java.io.File(SecureClusters.class.getProtectionDomain()
                .getCodeSource().getLocation().toURI()), name);
        try (java.io.OutputStream out = new java.io.FileOutputStream(file)) {
            client.writeXml(out);
        }
        file.deleteOnExit();
        Configuration.addDefaultResource(name);
    }

    static synchronized SecureClusters get() throws Exception {
        return get(SHORT_LIVED);
    }

    /**
     * @param settings how HDFS is set up: the first caller in the JVM decides
     * @return the JVM's clusters
     * @throws IllegalStateException when they were started with other settings
     */
    static synchronized SecureClusters get(Hdfs settings) throws Exception {
        if (instance == null) {
            instance = new SecureClusters(settings);
        }
        if (!instance.settings.equals(settings)) {
            throw new IllegalStateException("This JVM's secure HDFS runs with " + instance.settings + ", not "
                    + settings + ": run the test class in a JVM of its own");
        }
        return instance;
    }

    /** A fresh UGI of the daemons' principal (the HDFS superuser and the ResourceManager). */
    UserGroupInformation service() throws IOException {
        return UserGroupInformation.loginUserFromKeytabAndReturnUGI(kdc.principal(TestKdc.SERVICE),
                kdc.serviceKeytab().getPath());
    }

    static <T> T as(UserGroupInformation ugi, PrivilegedExceptionAction<T> action) throws Exception {
        return ugi.doAs(action);
    }

    private void stop() {
        dfs.shutdown();
        kdc.close();
    }
}
