package io.weft.benchmarks.spark;

import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.spark.SparkConf;

/**
 * The embedded cluster the Spark-on-YARN benchmarks share: a MiniDFSCluster (1 DataNode) and a MiniYARNCluster
 * (2 NodeManagers) configured like Weft's integration tests, a local input directory copied to HDFS, and the
 * client-mode {@link SparkConf} with 2 executors of 768 MB heap and 1 core. Spark's jars are used in place on the
 * NodeManagers ({@code local:} URIs), so Spark pays no upload or localization: a favourable set-up for Spark.
 *
 * <p>Used from the benchmark's main thread only; {@link #close()} stops both clusters.
 */
final class EmbeddedSparkYarn implements AutoCloseable {

    private final File base;
    private final MiniDFSCluster dfs;
    private final MiniYARNCluster yarn;
    private final Configuration clusterConf;
    private final List<String> jars = new ArrayList<>();
    /** The input on HDFS. */
    final Path input;

    /**
     * Starts both clusters and copies the regular files of {@code corpus} (except names starting with {@code _})
     * to {@code /data/corpus} on HDFS. Prints the start-up time and the input's size.
     */
    EmbeddedSparkYarn(File corpus) throws Exception {
        long start = System.nanoTime();
        base = Files.createTempDirectory("weft-spark-yarn-bench-").toFile();
        Configuration hdfsConf = new Configuration();
        hdfsConf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, new File(base, "dfs").getAbsolutePath());
        dfs = new MiniDFSCluster.Builder(hdfsConf).numDataNodes(1).build();
        dfs.waitActive();
        YarnConfiguration yarnConf = new YarnConfiguration(dfs.getConfiguration(0));
        yarnConf.set("fs.defaultFS", dfs.getURI().toString());
        yarnConf.set("yarn.scheduler.capacity.root.queues", "default");
        yarnConf.set("yarn.scheduler.capacity.root.default.capacity", "100");
        yarnConf.setInt("yarn.scheduler.minimum-allocation-mb", 128);
        yarnConf.setInt("yarn.resourcemanager.nodemanagers.heartbeat-interval-ms", 100);
        yarnConf.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "99.9");
        yarnConf.set("yarn.nodemanager.disk-health-checker.min-free-space-per-disk-mb", "0");
        yarn = new MiniYARNCluster("spark-bench", 2, 1, 1);
        yarn.init(yarnConf);
        yarn.start();
        clusterConf = yarn.getConfig();
        System.out.printf("Cluster up in %.1f s%n", (System.nanoTime() - start) / 1e9);

        FileSystem fs = dfs.getFileSystem();
        input = fs.makeQualified(new Path("/data/corpus"));
        fs.mkdirs(input);
        long bytes = 0;
        for (File file : corpus.listFiles(f -> f.isFile() && !f.getName().startsWith("_"))) {
            bytes += file.length();
            fs.copyFromLocalFile(new Path(file.toURI()), input);
        }
        System.out.printf("Input (%.0f MB) written to %s%n", bytes / 1048576.0, input);
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.endsWith(".jar")) {
                jars.add("local:" + entry);
            } else if (new File(entry).isDirectory()) {
                jars.add("local:" + jarOf(new File(entry), base));
            }
        }
    }

    /** A client-mode configuration for one application on this cluster. */
    SparkConf conf(String appName) {
        SparkConf conf = new SparkConf().setAppName(appName).setMaster("yarn")
                .set("spark.submit.deployMode", "client")
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.executor.instances", "2")
                .set("spark.executor.cores", "1")
                .set("spark.executor.memory", "768m")
                .set("spark.yarn.am.memory", "256m")
                .set("spark.ui.enabled", "false")
                .set("spark.yarn.jars", String.join(",", jars))
                .set("spark.yarn.appMasterEnv.JAVA_HOME", System.getProperty("java.home"))
                .set("spark.executorEnv.JAVA_HOME", System.getProperty("java.home"));
        for (Map.Entry<String, String> entry : clusterConf) {
            conf.set("spark.hadoop." + entry.getKey(), clusterConf.get(entry.getKey()));
        }
        return conf;
    }

    /** Packs a class directory (the benchmark's own classes, whose lambdas executors must load) into a jar. */
    private static String jarOf(File classes, File tempDir) throws java.io.IOException {
        File jar = File.createTempFile("classes-", ".jar", tempDir);
        java.nio.file.Path root = classes.toPath();
        try (var out = new java.util.jar.JarOutputStream(new java.io.FileOutputStream(jar));
                var files = Files.walk(root)) {
            for (java.nio.file.Path file : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new java.util.jar.JarEntry(root.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
        }
        return jar.getAbsolutePath();
    }

    @Override
    public void close() {
        try {
            yarn.stop();
        } finally {
            dfs.shutdown();
        }
    }
}
