package io.weft.it;

import io.weft.api.Pair;
import io.weft.api.WeftSession;
import io.weft.examples.TextCorpus;
import io.weft.examples.WordCount;
import io.weft.planner.SchedulerListener;
import io.weft.planner.Stage;
import io.weft.planner.TaskDescription;
import io.weft.driver.DriverEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
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
     * @param args optional: the corpus size in MB (default 20) or a local directory of text files to count; then
     *     how many applications to run one after the other (default 1; later ones find the jar cache warm)
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        String corpus = args.length > 0 ? args[0] : "20";
        long start = System.nanoTime();
        System.out.println("Starting an embedded HDFS and YARN (1 DataNode, 2 NodeManagers)...");
        MiniClusters clusters = MiniClusters.get();
        System.out.printf("Cluster up in %.1f s; HDFS at %s%n", (System.nanoTime() - start) / 1e9,
                clusters.dfs.getURI());
        boolean generate = corpus.matches("\\d+");
        Path local = generate ? Files.createTempDirectory("weft-corpus-") : Path.of(corpus);
        if (generate) {
            long megabytes = Long.parseLong(corpus);
            new TextCorpus(50_000, 1.05).write(local, megabytes << 20, (int) Math.max(4, megabytes / 64), 7);
        }
        FileSystem fs = clusters.fs();
        org.apache.hadoop.fs.Path input = fs.makeQualified(new org.apache.hadoop.fs.Path("/data/corpus"));
        fs.mkdirs(input);
        long bytes = 0;
        for (Path file : Files.list(local).toList()) {
            bytes += Files.size(file);
            fs.copyFromLocalFile(generate, true, new org.apache.hadoop.fs.Path(file.toUri()), input);
        }
        System.out.printf("Corpus (%.0f MB) written to %s%n", bytes / 1048576.0, input);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        AmRegistrationWatch amWatch = new AmRegistrationWatch(clusters.conf);
        String appId = null;
        for (int run = 1; run <= runs; run++) {
            if (runs > 1) {
                System.out.println("Run " + run + " of " + runs);
            }
            appId = countOnYarn(clusters, input, amWatch);
        }
        String aggregated = clusters.conf.get("yarn.nodemanager.remote-app-log-dir", "/tmp/logs");
        System.out.println("Container logs of the AM and executors are aggregated on the embedded HDFS under "
                + clusters.dfs.getURI() + aggregated + "/" + System.getProperty("user.name") + "/ (application "
                + appId + "); on a real cluster: yarn logs -applicationId " + appId);
        MiniClusters.shutdown();
        System.exit(0);
    }

    /** One application: WordCount and the top 10 words in client mode; prints its timeline; returns its id. */
    private static String countOnYarn(MiniClusters clusters, org.apache.hadoop.fs.Path input,
            AmRegistrationWatch amWatch) {
        long submitted = System.nanoTime();
        try (WeftSession weft = clusters.clientSession("wordcount")
                .config("weft.executor.memory", "768m").getOrCreate()) {
            long ready = System.nanoTime();
            System.out.println("Application " + weft.applicationId() + " is running with "
                    + weft.defaultParallelism() + " executor cores; status UI at "
                    + ((DriverEngine) weft.engine()).statusUrl().orElse("(off)"));
            AtomicLong firstTask = new AtomicLong();
            ((DriverEngine) weft.engine()).addSchedulerListener(new SchedulerListener() {
                @Override
                public void stageCompleted(Stage stage) {
                    System.out.println("  completed " + stage);
                }

                @Override
                public void taskStarted(TaskDescription task, String executorId) {
                    firstTask.compareAndSet(0, System.nanoTime());
                }
            });
            long jobStart = System.nanoTime();
            List<Pair<Long, String>> top = WordCount.count(weft, input.toString())
                    .mapToPair(p -> Pair.of(p.value(), p.key())).sortByKey(false).take(10);
            long done = System.nanoTime();
            System.out.printf("Top words (%.1f s):%n", (done - jobStart) / 1e9);
            for (Pair<Long, String> p : top) {
                System.out.printf("  %-12s %,d%n", p.value(), p.key());
            }
            System.out.printf("Timeline from submission: AM registered %.2f s, all executors registered %.2f s,"
                    + " first task %.2f s, result %.2f s%n", amWatch.secondsFrom(weft.applicationId(), submitted),
                    (ready - submitted) / 1e9, (firstTask.get() - submitted) / 1e9, (done - submitted) / 1e9);
            return weft.applicationId();
        }
    }
}
