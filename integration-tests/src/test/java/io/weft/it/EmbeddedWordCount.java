package io.weft.it;

import io.weft.api.Pair;
import io.weft.api.WeftSession;
import io.weft.examples.SumByKey;
import io.weft.examples.TextCorpus;
import io.weft.examples.WordCount;
import io.weft.planner.SchedulerListener;
import io.weft.planner.Stage;
import io.weft.driver.DriverEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;

/**
 * The README's first command: starts an embedded single-node HDFS and YARN (MiniDFSCluster, MiniYARNCluster)
 * in this JVM, puts a generated 20 MB corpus on HDFS, and runs WordCount on YARN (client mode: the driver here,
 * executors in YARN containers, shuffle files on HDFS). Prints the application id, each stage as it completes,
 * the top words, the start-up timeline, and where the container logs are.
 *
 * <p>Also the small-job benchmark (issue 15): with modes {@code cluster} and {@code client} each run is a separate
 * client process, {@code yarn jar weft-examples-<version>-app.jar [--deploy-mode client] io.weft.examples.WordCount
 * <input>}, timed from its start to its exit, with the timeline it prints; {@code session} is the in-process
 * client-mode session above. With {@code fresh} every run uses a jar cache directory of its own, as the first
 * submission of a new version does (upload, then localization by the NodeManagers). Each run starts once the
 * NodeManagers run no container.
 *
 * <p>With {@code -Dweftit.program=sumbykey} every run is the aggregation instead ({@code SumByKey}: the sum of the
 * values per key of {@code key,value} rows, printed as a checksum and the number of keys), on a local directory of
 * such rows (files whose names start with {@code _} are left out).
 */
public final class EmbeddedWordCount {

    /** {@code wordcount} (the default) or {@code sumbykey}. */
    private static final String PROGRAM = System.getProperty("weftit.program", "wordcount");

    private EmbeddedWordCount() {
    }

    /**
     * @param args optional: the corpus size in MB (default 20) or a local directory of text files to count; then
     *     how many applications to run one after the other (default 1; later ones find the jar cache warm); then
     *     the modes, comma-separated ({@code session}, the default; {@code cluster}; {@code client}), alternating
     *     run by run; then {@code fresh} for a new jar cache per run, or {@code warm} (the default); then more
     *     settings for every application, {@code key=value} separated by {@code ;}, or {@code none}; a key
     *     {@code env.NAME} is an environment variable of the {@code yarn jar} client processes instead, and
     *     {@code installation=true} runs those clients from a Hadoop installation directory ({@code HADOOP_HOME},
     *     its jars links to the client jars) that {@code yarn.application.classpath} names
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
        for (Path file : Files.list(local).filter(f -> !f.getFileName().toString().startsWith("_")).toList()) {
            bytes += Files.size(file);
            fs.copyFromLocalFile(generate, true, new org.apache.hadoop.fs.Path(file.toUri()), input);
        }
        System.out.printf("Corpus (%.0f MB) written to %s%n", bytes / 1048576.0, input);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        List<String> modes = List.of((args.length > 2 ? args[2] : "session").split(","));
        boolean fresh = args.length > 3 && args[3].equals("fresh");
        java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();
        if (args.length > 4 && !args[4].isBlank() && !args[4].equals("none")) {
            for (String setting : args[4].split(";")) {
                int eq = setting.indexOf('=');
                settings.put(setting.substring(0, eq).trim(), setting.substring(eq + 1).trim());
            }
        }
        String appId = null;
        Path logs = Files.createTempDirectory("weft-clients-");
        warmUpClassDataSharing(clusters, logs, settings);
        for (int run = 1; run <= runs; run++) {
            for (String mode : modes) {
                System.out.println("Run " + run + " of " + runs + ", " + mode + (fresh ? ", fresh jar cache" : ""));
                String cache = fresh ? "/weft-jar-cache-" + run + "-" + mode : null;
                awaitIdleNodeManagers(clusters);
                appId = mode.equals("session") ? countOnYarn(clusters, input, cache, settings)
                        : countThroughYarnJar(clusters, input, mode, cache, logs, settings);
                System.out.println("  Class-data sharing archives on the NodeManagers after this run: "
                        + classDataSharingArchives(clusters));
            }
        }
        String aggregated = clusters.conf.get("yarn.nodemanager.remote-app-log-dir", "/tmp/logs");
        System.out.println("Container logs of the AM and executors are aggregated on the embedded HDFS under "
                + clusters.dfs.getURI() + aggregated + "/" + System.getProperty("user.name") + "/ (application "
                + appId + "); on a real cluster: yarn logs -applicationId " + appId);
        MiniClusters.shutdown();
        System.exit(0);
    }

    /**
     * Waits until no NodeManager runs a container, so that each run starts on a quiet cluster: a container that
     * dumps a class-data sharing archive outlives its application by the dump (several seconds on this machine),
     * and while it does the next application's AM may wait for the queue's AM share. Prints the wait when there
     * was one; gives up after two minutes.
     */
    private static void awaitIdleNodeManagers(MiniClusters clusters) throws InterruptedException {
        long start = System.nanoTime();
        boolean idle = io.weft.driver.Poll.until(() -> {
            for (int i = 0; i < 2; i++) { // MiniClusters starts two
                if (!clusters.yarn.getNodeManager(i).getNMContext().getContainers().isEmpty()) {
                    return false;
                }
            }
            return true;
        }, 120_000, 50);
        double waited = (System.nanoTime() - start) / 1e9;
        if (!idle || waited > 0.2) {
            System.out.printf("  Waited %.1f s for the NodeManagers' containers to end%s%n", waited,
                    idle ? "" : " (gave up)");
        }
    }

    /**
     * With {@code -Dweftit.cdsWarmupMb=N} (the pom's {@code wordcount.cdsWarmupMb}): before the measured runs, as a
     * cluster in use for a while would be, up to three cluster-mode WordCounts over an N MB corpus, whose executors
     * live long enough to dump, with dumps retried at every container start and at the JVMs' priority, until both
     * NodeManagers have a class-data sharing archive of the {@code yarn jar} runs' framework jars. Not timed.
     */
    private static void warmUpClassDataSharing(MiniClusters clusters, Path logs, java.util.Map<String, String> settings)
            throws Exception {
        long megabytes = Long.getLong("weftit.cdsWarmupMb", 0);
        if (megabytes <= 0) {
            return;
        }
        Path local = Files.createTempDirectory("weft-warmup-");
        new TextCorpus(50_000, 1.05).write(local, megabytes << 20, 4, 11);
        org.apache.hadoop.fs.Path input = clusters.fs().makeQualified(new org.apache.hadoop.fs.Path("/data/warmup"));
        clusters.fs().mkdirs(input);
        for (Path file : Files.list(local).filter(f -> !f.getFileName().toString().startsWith("_")).toList()) {
            clusters.fs().copyFromLocalFile(true, true, new org.apache.hadoop.fs.Path(file.toUri()), input);
        }
        java.util.Map<String, String> warmup = new java.util.LinkedHashMap<>(settings);
        warmup.put("weft.executorEnv.WEFT_CDS_RETRY_AFTER_S", "0");
        warmup.put("weft.yarn.appMasterEnv.WEFT_CDS_RETRY_AFTER_S", "0");
        // At the JVMs' own priority: a niced dump gets no CPU beside executors that keep both cores busy.
        warmup.put("weft.executorEnv.WEFT_CDS_NICE", "0");
        warmup.put("weft.yarn.appMasterEnv.WEFT_CDS_NICE", "0");
        for (int run = 1; run <= 3 && classDataSharingArchives(clusters) < 2; run++) {
            System.out.println("Warm-up " + run + " (" + megabytes + " MB, not timed)");
            countThroughYarnJar(clusters, input, "cluster", null, logs, warmup);
            // A list counts for a dump once it has stopped growing for 10 s.
            Thread.sleep(10_000);
        }
        System.out.println("  Class-data sharing archives on the NodeManagers after the warm-up: "
                + classDataSharingArchives(clusters));
    }

    /** The archives in the NodeManagers' {@code usercache/<user>/weft-cds} stores (weft.yarn.classDataSharing). */
    private static long classDataSharingArchives(MiniClusters clusters) throws java.io.IOException {
        long archives = 0;
        for (int i = 0; i < 2; i++) {
            for (Path dir : clusters.localDirs(i)) {
                Path usercache = dir.resolve("usercache");
                if (!Files.isDirectory(usercache)) {
                    continue;
                }
                try (var users = Files.list(usercache)) {
                    for (Path store : users.map(user -> user.resolve("weft-cds")).filter(Files::isDirectory).toList()) {
                        try (var files = Files.list(store)) {
                            archives += files.filter(f -> f.getFileName().toString().endsWith(".jsa")).count();
                        }
                    }
                }
            }
        }
        return archives;
    }

    /**
     * One application through {@code yarn jar}: WordCount and the top 10 words; prints the client's wall time
     * and timeline; returns the application's id.
     */
    private static String countThroughYarnJar(MiniClusters clusters, org.apache.hadoop.fs.Path input, String mode,
            String jarCache, Path logs, java.util.Map<String, String> settings) throws Exception {
        // --num-executors wins over --conf: a weft.executor.instances setting takes its place.
        List<String> args = new java.util.ArrayList<>(List.of("--deploy-mode", mode, "--num-executors",
                settings.getOrDefault("weft.executor.instances", "2"),
                "--executor-memory", "768m", "--driver-memory", "256m"));
        if (jarCache != null) {
            args.addAll(List.of("--conf", "weft.yarn.jarCacheDir=" + jarCache));
        }
        java.util.Map<String, String> environment = new java.util.HashMap<>();
        environment.put("LOG4J_CONFIGURATION_FILE", YarnJarClient.stagingLog(logs).toString());
        List<String> clientJars = YarnJarClient.clientJars();
        if (Boolean.parseBoolean(settings.get("installation"))) {
            // The client runs from a Hadoop installation which the containers' class path names too.
            Path home = logs.resolve("hadoop");
            clientJars = YarnJarClient.installation(home);
            environment.put("HADOOP_HOME", home.toString());
            args.addAll(List.of("--conf", "weft.hadoop.yarn.application.classpath="
                    + home.resolve(YarnJarClient.INSTALLATION_LIB) + "/*"));
        }
        settings.forEach((key, value) -> {
            if (key.equals("installation")) {
                return;
            }
            if (key.startsWith("env.")) {
                environment.put(key.substring(4), value);
            } else {
                args.addAll(List.of("--conf", key + "=" + value));
            }
        });
        args.addAll(List.of(PROGRAM.equals("sumbykey") ? "io.weft.examples.SumByKey" : "io.weft.examples.WordCount",
                input.toString()));
        YarnJarClient.Run run = YarnJarClient.run(clusters, logs, args, environment, clientJars);
        if (run.exitCode() != 0) {
            throw new IllegalStateException("yarn jar exited " + run.exitCode() + ":\n" + run.printed());
        }
        String timeline = run.printed().lines().filter(l -> l.startsWith("Timeline")).findFirst().orElse("");
        System.out.printf("yarn jar (%s mode): client start to exit %.2f s%n  %s%n", mode, run.seconds(), timeline);
        run.printed().lines().filter(l -> l.startsWith("Staged") || l.startsWith("Left") || l.startsWith("Checksum"))
                .forEach(l -> System.out.println("  " + l));
        return run.printed().replaceAll("(?s).*(application_\\d+_\\d+).*", "$1");
    }

    /** One application: WordCount and the top 10 words in client mode; prints its timeline; returns its id. */
    private static String countOnYarn(MiniClusters clusters, org.apache.hadoop.fs.Path input, String jarCache,
            java.util.Map<String, String> settings) {
        WeftSession.Builder builder = clusters.clientSession(PROGRAM).config("weft.executor.memory", "768m");
        if (jarCache != null) {
            builder.config("weft.yarn.jarCacheDir", jarCache);
        }
        settings.forEach((key, value) -> {
            if (!key.startsWith("env.")) {
                builder.config(key, value);
            }
        });
        try (WeftSession weft = builder.getOrCreate()) {
            System.out.println("Application " + weft.applicationId() + " is running with "
                    + weft.defaultParallelism() + " executor cores; status UI at "
                    + ((DriverEngine) weft.engine()).statusUrl().orElse("(off)"));
            ((DriverEngine) weft.engine()).addSchedulerListener(new SchedulerListener() {
                @Override
                public void stageCompleted(Stage stage) {
                    System.out.println("  completed " + stage);
                }
            });
            long jobStart = System.nanoTime();
            if (PROGRAM.equals("sumbykey")) {
                Pair<Long, Long> result = SumByKey.checksum(SumByKey.sum(weft, input.toString()));
                System.out.printf("Checksum %d over %d keys (job %.2f s)%n", result.key(), result.value(),
                        (System.nanoTime() - jobStart) / 1e9);
                return weft.applicationId();
            }
            List<Pair<Long, String>> top = WordCount.count(weft, input.toString())
                    .mapToPair(p -> Pair.of(p.value(), p.key())).sortByKey(false).take(10);
            long done = System.nanoTime();
            System.out.printf("Top words (%.1f s):%n", (done - jobStart) / 1e9);
            for (Pair<Long, String> p : top) {
                System.out.printf("  %-12s %,d%n", p.value(), p.key());
            }
            // The session prints its timeline when it closes (weft.ui.progress).
            return weft.applicationId();
        }
    }
}
