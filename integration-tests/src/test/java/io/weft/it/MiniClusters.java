package io.weft.it;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.hadoop.yarn.server.webproxy.WebAppProxyServer;

/**
 * One MiniDFSCluster (1 DataNode) and one MiniYARNCluster (1 RM, 2 NodeManagers) for the whole test JVM, started
 * on first use and stopped when the JVM exits, with the settings known to work and be fast on this machine
 * (shared/notes/yarn-on-this-machine.md). Their configuration is written as *-site.xml files, which sessions load
 * through {@code weft.yarn.hadoopConfDir}, as a user's HADOOP_CONF_DIR would.
 */
final class MiniClusters {

    /** The node label NodeManager 1 carries. */
    static final String FAST_LABEL = "fast";

    private static MiniClusters instance;

    final MiniDFSCluster dfs;
    final MiniYARNCluster yarn;
    final YarnConfiguration conf;
    final Path confDir;
    private final Thread shutdownHook;
    private final WebAppProxyServer proxy;

    private MiniClusters() throws IOException, InterruptedException {
        File base = Files.createTempDirectory("weft-it-").toFile();
        Configuration hdfsConf = new Configuration();
        hdfsConf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, new File(base, "dfs").getAbsolutePath());
        hdfsConf.set("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", "10");
        dfs = new MiniDFSCluster.Builder(hdfsConf).numDataNodes(1).build();
        dfs.waitActive();

        YarnConfiguration yarnConf = new YarnConfiguration(dfs.getConfiguration(0));
        yarnConf.set("fs.defaultFS", dfs.getURI().toString());
        yarnConf.set("yarn.scheduler.capacity.root.queues", "default");
        yarnConf.set("yarn.scheduler.capacity.root.default.capacity", "100");
        yarnConf.setInt("yarn.scheduler.minimum-allocation-mb", 128);
        yarnConf.setInt(YarnConfiguration.MAX_CLUSTER_LEVEL_APPLICATION_PRIORITY, 10);
        // Node labels: NodeManager 1 carries the non-exclusive label "fast" (added once the cluster runs), which the
        // default queue may use; unlabelled requests still use both nodes.
        yarnConf.setBoolean(YarnConfiguration.NODE_LABELS_ENABLED, true);
        yarnConf.set(YarnConfiguration.FS_NODE_LABELS_STORE_ROOT_DIR, new File(base, "node-labels").toURI().toString());
        yarnConf.set("yarn.scheduler.capacity.root.accessible-node-labels", FAST_LABEL);
        yarnConf.set("yarn.scheduler.capacity.root.accessible-node-labels." + FAST_LABEL + ".capacity", "100");
        yarnConf.set("yarn.scheduler.capacity.root.default.accessible-node-labels", FAST_LABEL);
        yarnConf.set("yarn.scheduler.capacity.root.default.accessible-node-labels." + FAST_LABEL + ".capacity", "100");
        yarnConf.setInt("yarn.resourcemanager.nodemanagers.heartbeat-interval-ms", 100);
        // Two NodeManagers on one host: name nodes host:port, as YARN's own multi-NM tests do, so that one of them
        // can be excluded (blacklisted) alone; and assign containers without waiting for host locality, which no
        // request can have under such names.
        yarnConf.setBoolean(YarnConfiguration.RM_SCHEDULER_INCLUDE_PORT_IN_NODE_NAME, true);
        yarnConf.setInt("yarn.scheduler.capacity.node-locality-delay", 0);
        // A NodeManager that stops (NodeManagerLossTest) is declared lost after 10 s rather than 10 minutes, so its
        // containers are reported finished and replaced while the test runs.
        yarnConf.setLong(YarnConfiguration.RM_NM_EXPIRY_INTERVAL_MS, 10_000);
        yarnConf.setBoolean("yarn.log-aggregation-enable", Boolean.parseBoolean(System.getProperty("weft.it.aggregateLogs", "true")));
        yarnConf.setInt("yarn.nodemanager.process-kill-wait.ms", 200);
        // The grace between SIGTERM and SIGKILL when YARN stops a container (250 ms by default), in which a killed
        // application's AM removes its files. On this 2-core machine, saturated by the suite, a JVM's shutdown can
        // take longer than that; 2 s keeps the test of that clean-up about the clean-up, not the load.
        yarnConf.setLong("yarn.nodemanager.sleep-delay-before-sigkill.ms", 2_000);
        // Containers' physical memory is checked, as on production clusters (the mini cluster turns the monitor off
        // unless told otherwise), every 500 ms. Hadoop 3.5's monitor skips its own check while
        // yarn.nodemanager.resource.memory.enforced is on, leaving it to cgroups, which the mini cluster does not
        // use. Virtual memory is not checked: a JVM reserves far more address space than it uses.
        yarnConf.setBoolean("yarn.minicluster.control-resource-monitoring", true);
        yarnConf.setBoolean("yarn.nodemanager.pmem-check-enabled", true);
        yarnConf.setBoolean("yarn.nodemanager.vmem-check-enabled", false);
        yarnConf.setBoolean("yarn.nodemanager.resource.memory.enforced", false);
        yarnConf.setLong("yarn.nodemanager.container-monitor.interval-ms", 500);
        yarnConf.set("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", "10");
        yarnConf.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "99.9");
        yarnConf.set("yarn.nodemanager.disk-health-checker.min-free-space-per-disk-mb", "0");
        // The proxy's address by host name, as the drivers advertise theirs: the proxy then connects to them from
        // the address they accept as the proxy's.
        yarnConf.set(YarnConfiguration.PROXY_ADDRESS, java.net.InetAddress.getLocalHost().getHostName() + ":"
                + freePort());
        yarn = new MiniYARNCluster("weft-it", 2, 1, 1);
        yarn.init(yarnConf);
        yarn.start();
        conf = new YarnConfiguration(yarn.getConfig());
        // A standalone web proxy, as on production clusters: the embedded one would hand out tracking URLs with the
        // RM web app's requested port (0) rather than the port it bound.
        proxy = new WebAppProxyServer();
        proxy.init(new YarnConfiguration(conf));
        proxy.start();
        io.weft.driver.Poll.until(() -> yarn.getResourceManager().getRMContext().getRMNodes().size() >= 2, 30_000,
                50);
        var labels = yarn.getResourceManager().getRMContext().getNodeLabelManager();
        labels.addToCluserNodeLabels(java.util.List.of(
                org.apache.hadoop.yarn.api.records.NodeLabel.newInstance(FAST_LABEL, false)));
        labels.replaceLabelsOnNode(java.util.Map.of(fastNode(), java.util.Set.of(FAST_LABEL)));
        confDir = base.toPath().resolve("conf");
        Files.createDirectories(confDir);
        for (String name : new String[] {"core-site.xml", "hdfs-site.xml", "yarn-site.xml"}) {
            try (OutputStream out = new FileOutputStream(confDir.resolve(name).toFile())) {
                conf.writeXml(out);
            }
        }
        shutdownHook = new Thread(this::stopClusters, "mini-cluster-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void stopClusters() {
        proxy.stop();
        yarn.stop();
        dfs.shutdown();
    }

    /** Stops both clusters now rather than at JVM exit. */
    static synchronized void shutdown() {
        if (instance != null) {
            Runtime.getRuntime().removeShutdownHook(instance.shutdownHook);
            instance.stopClusters();
            instance = null;
        }
    }

    static synchronized MiniClusters get() throws IOException, InterruptedException {
        if (instance == null) {
            instance = new MiniClusters();
        }
        return instance;
    }

    /** @return the NodeManagers' container log directories (for diagnostics when a test fails) */
    java.util.List<String> logDirs() {
        java.util.List<String> dirs = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            dirs.add(yarn.getNodeManager(i).getConfig().get(YarnConfiguration.NM_LOG_DIRS));
        }
        return dirs;
    }

    /**
     * @param index a NodeManager
     * @return its local directories ({@code yarn.nodemanager.local-dirs}), where it keeps caches and containers
     */
    java.util.List<Path> localDirs(int index) {
        java.util.List<Path> dirs = new java.util.ArrayList<>();
        for (String dir : yarn.getNodeManager(index).getConfig().get(YarnConfiguration.NM_LOCAL_DIRS).split(",")) {
            dirs.add(Path.of(java.net.URI.create(dir.startsWith("file:") ? dir : "file://" + dir)));
        }
        return dirs;
    }

    /**
     * @param index a NodeManager
     * @return its configuration object, which it reads when launching containers (tests change it to break one)
     */
    org.apache.hadoop.conf.Configuration nodeManagerConf(int index) {
        return yarn.getNodeManager(index).getConfig();
    }

    /** @return the node name (host:port) of NodeManager {@code index} */
    String nodeName(int index) {
        return yarn.getNodeManager(index).getNMContext().getNodeId().toString();
    }

    /** The first AM attempt's weft.log, read from its NodeManager's local log directory while the application runs. */
    String amLog(String appId) throws java.io.IOException {
        for (String dirs : logDirs()) {
            for (String dir : dirs.split(",")) {
                java.nio.file.Path appDir = java.nio.file.Path.of(java.net.URI.create(dir.startsWith("file:") ? dir : "file://" + dir))
                        .resolve(appId);
                if (!java.nio.file.Files.isDirectory(appDir)) {
                    continue;
                }
                try (var containers = java.nio.file.Files.list(appDir)) {
                    for (java.nio.file.Path container : containers.toList()) {
                        java.nio.file.Path log = container.resolve("weft.log");
                        if (container.getFileName().toString().endsWith("_000001") && java.nio.file.Files.exists(log)) {
                            return java.nio.file.Files.readString(log);
                        }
                    }
                }
            }
        }
        throw new AssertionError("No AM log for " + appId + " under " + logDirs());
    }

    /** Prints every container log file under the NodeManagers' log directories to stderr. */
    void dumpContainerLogs() {
        for (String dirs : logDirs()) {
            System.err.println("NodeManager log dirs: " + dirs);
            for (String dir : dirs.split(",")) {
                try (var files = Files.walk(Path.of(java.net.URI.create(dir.startsWith("file:") ? dir
                        : "file://" + dir)))) {
                    for (Path file : files.filter(Files::isRegularFile).toList()) {
                        System.err.println("==== " + file);
                        System.err.println(Files.readString(file));
                    }
                } catch (IOException | RuntimeException e) {
                    System.err.println("cannot read " + dir + ": " + e);
                }
            }
        }
    }

    /**
     * @param appId an application
     * @return the ids of its containers that either NodeManager still holds (running, or ended and not yet
     *         acknowledged by the ResourceManager)
     */
    java.util.List<String> containersOnNodes(String appId) {
        java.util.List<String> left = new java.util.ArrayList<>();
        String suffix = appId.substring("application_".length());
        for (int i = 0; i < 2; i++) {
            yarn.getNodeManager(i).getNMContext().getContainers().keySet().stream()
                    .map(Object::toString).filter(id -> id.contains(suffix)).forEach(left::add);
        }
        return left;
    }

    /** @return the NodeManager that carries {@link #FAST_LABEL} */
    org.apache.hadoop.yarn.api.records.NodeId fastNode() {
        return yarn.getNodeManager(1).getNMContext().getNodeId();
    }

    FileSystem fs() throws IOException {
        return dfs.getFileSystem();
    }

    /**
     * The client-mode session every integration test starts from: the driver in the test JVM, two executors of
     * 256 MB and a 256 MB launcher AM on this cluster, containers on the test's JDK. Tests add or override
     * settings on the builder.
     *
     * @param name the application's name
     * @return the builder
     */
    io.weft.api.WeftSession.Builder clientSession(String name) {
        return io.weft.api.WeftSession.builder().appName(name).master("yarn")
                .config("weft.submit.deployMode", "client")
                .config("weft.yarn.hadoopConfDir", confDir.toString())
                .config("weft.yarn.javaHome", System.getProperty("java.home"))
                .config("weft.executor.instances", "2")
                .config("weft.executor.memory", "256m")
                .config("weft.am.memory", "256m");
    }
}
