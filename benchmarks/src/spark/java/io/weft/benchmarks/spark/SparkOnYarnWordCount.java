package io.weft.benchmarks.spark;

import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * Spark-on-YARN WordCount (count, then the top 10 words by a global sort, as Weft's embedded WordCount does) on an
 * embedded MiniDFSCluster (1 DataNode) and MiniYARNCluster (2 NodeManagers) configured like Weft's integration
 * tests, in client mode with 2 executors of 768 MB heap and 1 core. Prints each run's timeline from the moment
 * the SparkContext is created. Spark's jars are used in place on the NodeManagers ({@code local:} URIs), so Spark
 * pays no upload or localization: a favourable set-up for Spark.
 *
 * <pre>SparkOnYarnWordCount &lt;local directory of text files&gt; [runs]</pre>
 */
public final class SparkOnYarnWordCount {

    private SparkOnYarnWordCount() {
    }

    /**
     * @param args a local directory of text files, then optionally the number of runs
     */
    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    /** Packs a class directory (this benchmark's own classes, whose lambdas executors must load) into a jar. */
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

    private static void run(String[] args) throws Exception {
        File corpus = new File(args[0]);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        long start = System.nanoTime();
        File base = Files.createTempDirectory("weft-spark-yarn-bench-").toFile();
        Configuration hdfsConf = new Configuration();
        hdfsConf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, new File(base, "dfs").getAbsolutePath());
        MiniDFSCluster dfs = new MiniDFSCluster.Builder(hdfsConf).numDataNodes(1).build();
        dfs.waitActive();
        YarnConfiguration yarnConf = new YarnConfiguration(dfs.getConfiguration(0));
        yarnConf.set("fs.defaultFS", dfs.getURI().toString());
        yarnConf.set("yarn.scheduler.capacity.root.queues", "default");
        yarnConf.set("yarn.scheduler.capacity.root.default.capacity", "100");
        yarnConf.setInt("yarn.scheduler.minimum-allocation-mb", 128);
        yarnConf.setInt("yarn.resourcemanager.nodemanagers.heartbeat-interval-ms", 100);
        yarnConf.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "99.9");
        yarnConf.set("yarn.nodemanager.disk-health-checker.min-free-space-per-disk-mb", "0");
        MiniYARNCluster yarn = new MiniYARNCluster("spark-bench", 2, 1, 1);
        yarn.init(yarnConf);
        yarn.start();
        Configuration clusterConf = yarn.getConfig();
        System.out.printf("Cluster up in %.1f s%n", (System.nanoTime() - start) / 1e9);

        FileSystem fs = dfs.getFileSystem();
        Path input = fs.makeQualified(new Path("/data/corpus"));
        fs.mkdirs(input);
        long bytes = 0;
        for (File file : corpus.listFiles(f -> f.isFile() && !f.getName().startsWith("_"))) {
            bytes += file.length();
            fs.copyFromLocalFile(new Path(file.toURI()), input);
        }
        System.out.printf("Corpus (%.0f MB) written to %s%n", bytes / 1048576.0, input);

        List<String> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.endsWith(".jar")) {
                jars.add("local:" + entry);
            } else if (new File(entry).isDirectory()) {
                jars.add("local:" + jarOf(new File(entry), base));
            }
        }
        try {
            for (int run = 1; run <= runs; run++) {
                long submitted = System.nanoTime();
                SparkConf conf = new SparkConf().setAppName("wordcount").setMaster("yarn")
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
                try (JavaSparkContext sc = new JavaSparkContext(conf)) {
                    long ready = System.nanoTime();
                    sc.setLogLevel("WARN");
                    List<Tuple2<Long, String>> top = sc.textFile(input.toString())
                            .flatMap(line -> Arrays.asList(line.split(" ")).iterator())
                            .filter(word -> !word.isEmpty())
                            .mapToPair(word -> new Tuple2<>(word, 1L))
                            .reduceByKey(Long::sum)
                            .mapToPair(Tuple2::swap)
                            .sortByKey(false)
                            .take(10);
                    long done = System.nanoTime();
                    System.out.printf("Run %d (%s): context ready %.2f s, result %.2f s from submission; top %s%n",
                            run, sc.sc().applicationId(), (ready - submitted) / 1e9, (done - submitted) / 1e9,
                            top.get(0));
                }
            }
        } finally {
            yarn.stop();
            dfs.shutdown();
        }
    }
}
