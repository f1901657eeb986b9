package io.weft.it;

import io.weft.api.Pair;
import io.weft.api.WeftSession;
import io.weft.examples.TextCorpus;
import io.weft.examples.WordCount;
import io.weft.planner.SchedulerListener;
import io.weft.planner.Stage;
import io.weft.runtime.driver.DriverEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;

/**
 * The README's first command: starts an embedded single-node HDFS and YARN (MiniDFSCluster, MiniYARNCluster)
 * in this JVM, puts a generated 20 MB corpus on HDFS, and runs WordCount on YARN (client mode: the driver here,
 * executors in YARN containers, shuffle files on HDFS). Prints the application id, each stage as it completes,
 * the top words, and where the container logs are.
 */
public final class EmbeddedWordCount {

    private EmbeddedWordCount() {
    }

    /**
     * @param args optional: the corpus size in MB (default 20)
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        long megabytes = args.length > 0 ? Long.parseLong(args[0]) : 20;
        long start = System.nanoTime();
        System.out.println("Starting an embedded HDFS and YARN (1 DataNode, 2 NodeManagers)...");
        MiniClusters clusters = MiniClusters.get();
        System.out.printf("Cluster up in %.1f s; HDFS at %s%n", (System.nanoTime() - start) / 1e9,
                clusters.dfs.getURI());
        Path local = Files.createTempDirectory("weft-corpus-");
        new TextCorpus(50_000, 1.05).write(local, megabytes << 20, (int) Math.max(4, megabytes / 64), 7);
        FileSystem fs = clusters.fs();
        org.apache.hadoop.fs.Path input = fs.makeQualified(new org.apache.hadoop.fs.Path("/data/corpus"));
        fs.mkdirs(input);
        for (Path file : Files.list(local).toList()) {
            fs.copyFromLocalFile(true, true, new org.apache.hadoop.fs.Path(file.toUri()), input);
        }
        System.out.println("Corpus (" + megabytes + " MB) written to " + input);
        String appId;
        try (WeftSession weft = WeftSession.builder().appName("wordcount").master("yarn")
                .config("weft.submit.deployMode", "client")
                .config("weft.yarn.hadoopConfDir", clusters.confDir.toString())
                .config("weft.yarn.javaHome", System.getProperty("java.home"))
                .config("weft.executor.instances", "2")
                .config("weft.executor.memory", "768m")
                .config("weft.am.memory", "256m").getOrCreate()) {
            System.out.println("Application " + weft.applicationId() + " is running with "
                    + weft.defaultParallelism() + " executor cores");
            ((DriverEngine) weft.engine()).addSchedulerListener(new SchedulerListener() {
                @Override
                public void stageCompleted(Stage stage) {
                    System.out.println("  completed " + stage);
                }
            });
            long jobStart = System.nanoTime();
            List<Pair<Long, String>> top = WordCount.count(weft, input.toString())
                    .mapToPair(p -> Pair.of(p.value(), p.key())).sortByKey(false).take(10);
            System.out.printf("Top words (%.1f s):%n", (System.nanoTime() - jobStart) / 1e9);
            for (Pair<Long, String> p : top) {
                System.out.printf("  %-12s %,d%n", p.value(), p.key());
            }
            appId = weft.applicationId();
        }
        String aggregated = clusters.conf.get("yarn.nodemanager.remote-app-log-dir", "/tmp/logs");
        System.out.println("Container logs of the AM and executors are aggregated on the embedded HDFS under "
                + clusters.dfs.getURI() + aggregated + "/" + System.getProperty("user.name") + "/ (application "
                + appId + "); on a real cluster: yarn logs -applicationId " + appId);
        MiniClusters.shutdown();
        System.exit(0);
    }
}
