package io.weft.it.secure;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kerberos-secured MiniYARNCluster (one ResourceManager, one NodeManager with the DefaultContainerExecutor) on the
 * JVM's {@link SecureClusters}, started once per test class. ResourceManager and NodeManager log in as the one
 * service principal ({@link TestKdc#SERVICE}), so the ResourceManager, renewer of the applications' tokens, is
 * {@code hdfs} to HDFS. Log aggregation is off (it needs libhadoop.so under security): container logs are read from
 * the NodeManager's log directory ({@link #logs}).
 */
final class SecureYarn implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SecureYarn.class);

    final MiniYARNCluster yarn;
    /** The running cluster's configuration (with its bound ports). */
    final YarnConfiguration conf;
    /** The configuration the cluster was started from (no bound ports): for another cluster. */
    final YarnConfiguration baseConf;
    /** core-site.xml, hdfs-site.xml and yarn-site.xml for clients: {@code weft.yarn.hadoopConfDir}. */
    final Path confDir;

    private SecureYarn(MiniYARNCluster yarn, YarnConfiguration conf, YarnConfiguration baseConf, Path confDir) {
        this.yarn = yarn;
        this.conf = conf;
        this.baseConf = baseConf;
        this.confDir = confDir;
    }

    /**
     * Starts the cluster and writes the clients' configuration, in which idle RPC connections close after 1 s (so
     * that work after a pause authenticates anew, with whatever tokens it holds then).
     *
     * @param clusters the JVM's KDC and secure HDFS
     * @param name the cluster's name, also its configuration directory's
     * @return the started cluster, with its NodeManager registered
     */
    static SecureYarn start(SecureClusters clusters, String name) throws Exception {
        long start = System.nanoTime();
        YarnConfiguration yarnConf = new YarnConfiguration(clusters.conf);
        yarnConf.set("fs.defaultFS", clusters.uri.toString());
        String service = clusters.kdc.principal(TestKdc.SERVICE);
        String keytab = clusters.kdc.serviceKeytab().getAbsolutePath();
        yarnConf.set(YarnConfiguration.RM_PRINCIPAL, service);
        yarnConf.set(YarnConfiguration.RM_KEYTAB, keytab);
        yarnConf.set(YarnConfiguration.NM_PRINCIPAL, service);
        yarnConf.set(YarnConfiguration.NM_KEYTAB, keytab);
        yarnConf.set("yarn.scheduler.capacity.root.queues", "default");
        yarnConf.set("yarn.scheduler.capacity.root.default.capacity", "100");
        yarnConf.setInt("yarn.scheduler.minimum-allocation-mb", 128);
        yarnConf.setInt("yarn.nodemanager.resource.memory-mb", 4096);
        yarnConf.setInt("yarn.nodemanager.resource.cpu-vcores", 8);
        yarnConf.setInt("yarn.resourcemanager.nodemanagers.heartbeat-interval-ms", 100);
        // Log aggregation under security opens container logs with SecureIOUtils, which needs libhadoop.so
        // ("Secure IO is not possible without native code extensions"); no Maven artifact ships it.
        yarnConf.setBoolean("yarn.log-aggregation-enable", false);
        yarnConf.setInt("yarn.nodemanager.process-kill-wait.ms", 200);
        // Localized files stay after an application ends, so that tests can see where the keytab went.
        yarnConf.setInt("yarn.nodemanager.delete.debug-delay-sec", 600);
        yarnConf.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "99.9");
        yarnConf.set("yarn.nodemanager.disk-health-checker.min-free-space-per-disk-mb", "0");
        YarnConfiguration baseConf = new YarnConfiguration(yarnConf);
        MiniYARNCluster yarn = new MiniYARNCluster(name, 1, 1, 1);
        yarn.init(yarnConf);
        yarn.start();
        io.weft.driver.Poll.until(() -> yarn.getResourceManager().getRMContext().getRMNodes().size() >= 1, 30_000,
                50);
        YarnConfiguration conf = new YarnConfiguration(yarn.getConfig());
        LOG.info("secure YARN up in {} ms, executor {}", (System.nanoTime() - start) / 1_000_000,
                yarn.getNodeManager(0).getConfig().get(YarnConfiguration.NM_CONTAINER_EXECUTOR));
        Path confDir = clusters.base.resolve("conf-" + name);
        Files.createDirectories(confDir);
        YarnConfiguration shipped = new YarnConfiguration(conf);
        shipped.set("net.topology.node.switch.mapping.impl", "org.apache.hadoop.net.ScriptBasedMapping");
        shipped.setInt("ipc.client.connection.maxidletime", 1_000);
        for (String file : new String[] {"core-site.xml", "hdfs-site.xml", "yarn-site.xml"}) {
            try (OutputStream out = new FileOutputStream(confDir.resolve(file).toFile())) {
                shipped.writeXml(out);
            }
        }
        return new SecureYarn(yarn, conf, baseConf, confDir);
    }

    /**
     * @param applicationId an application
     * @return the lines of every log file of its containers, each file introduced by {@code == <path>}
     */
    List<String> logs(String applicationId) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String dir : yarn.getNodeManager(0).getConfig().get(YarnConfiguration.NM_LOG_DIRS).split(",")) {
            Path appDir = Path.of(dir, applicationId);
            if (Files.isDirectory(appDir)) {
                try (var files = Files.walk(appDir)) {
                    for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                        lines.add("== " + file);
                        lines.addAll(Files.readAllLines(file));
                    }
                }
            }
        }
        return lines;
    }

    /** @return the NodeManager's local directories, where it localizes resources */
    List<Path> localDirs() {
        List<Path> dirs = new ArrayList<>();
        for (String dir : yarn.getNodeManager(0).getConfig().get(YarnConfiguration.NM_LOCAL_DIRS).split(",")) {
            dirs.add(Path.of(dir.replaceFirst("^file:", "")));
        }
        return dirs;
    }

    @Override
    public void close() {
        yarn.stop();
    }
}
