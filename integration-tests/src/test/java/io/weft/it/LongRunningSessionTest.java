package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.am.WeftSubmit;
import io.weft.api.WeftException;
import io.weft.api.WeftSession;
import io.weft.driver.Poll;
import io.weft.examples.TextCorpus;
import io.weft.examples.WordCount;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivilegedExceptionAction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.security.AccessControlException;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.yarn.api.records.ApplicationAttemptReport;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.ContainerReport;
import org.apache.hadoop.yarn.api.records.ContainerState;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Long-running sessions on the mini cluster: {@code WeftSubmit --start-session} starts one (a cluster-mode
 * application running {@code SessionMain}); programs in this JVM attach with {@code weft-session://<id>}, each
 * with its own session object, and one through {@code WeftSubmit --session}; their WordCounts run at once on the
 * session's executors with exact results; only the owner can read the endpoint or attach; the session ends
 * SUCCEEDED when idle (or when stopped) and leaves no staging or shuffle directory; dynamic allocation still
 * gives idle executors back. Waits are bounded polls; latencies are printed, never asserted.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LongRunningSessionTest {

    private static final long WAIT_MILLIS = 120_000;
    private static MiniClusters clusters;
    private static YarnClient yarn;
    private static FileSystem fs;

    @BeforeAll
    static void cluster() throws Exception {
        clusters = MiniClusters.get();
        fs = clusters.fs();
        yarn = YarnClient.createYarnClient();
        yarn.init(clusters.conf);
        yarn.start();
    }

    @AfterAll
    static void stop() {
        if (yarn != null) {
            yarn.stop();
        }
    }

    private static List<String> withCluster(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--conf", "weft.yarn.hadoopConfDir=" + clusters.confDir));
        return all;
    }

    /** Starts a session through WeftSubmit and returns the id it printed last. */
    private static String startSession(String name, String... conf) {
        List<String> args = withCluster("--start-session", "--name", name, "--num-executors", "2",
                "--executor-memory", "256m", "--driver-memory", "256m",
                "--conf", "weft.yarn.javaHome=" + System.getProperty("java.home"));
        for (String setting : conf) {
            args.addAll(List.of("--conf", setting));
        }
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int exit = WeftSubmit.run(args.toArray(new String[0]), new PrintStream(printed, true, StandardCharsets.UTF_8));
        String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(text).isZero();
        List<String> lines = text.lines().toList();
        String id = lines.get(lines.size() - 1).trim();
        assertThat(id).as(text).matches("application_\\d+_\\d+");
        System.out.printf("Session %s started in %.2f s%n", id, (System.nanoTime() - start) / 1e9);
        return id;
    }

    private static org.apache.hadoop.fs.Path staging(String id) {
        return fs.makeQualified(new org.apache.hadoop.fs.Path(fs.getHomeDirectory(), ".weft/staging/" + id));
    }

    private static org.apache.hadoop.fs.Path shuffle(String id) {
        return fs.makeQualified(new org.apache.hadoop.fs.Path(fs.getHomeDirectory(), ".weft/shuffle/" + id));
    }

    private static WeftSession.Builder attach(String id, String name) {
        return WeftSession.builder().appName(name).master("weft-session://" + id)
                .config("weft.yarn.hadoopConfDir", clusters.confDir.toString());
    }

    /** Writes a corpus to HDFS and returns its exact word counts. */
    private static Map<String, Long> corpus(Path local, String hdfsDir, long seed) throws Exception {
        Path dir = Files.createDirectories(local.resolve(hdfsDir.replace('/', '_')));
        new TextCorpus(500, 1.0).write(dir, 200_000, 2, seed);
        org.apache.hadoop.fs.Path input = new org.apache.hadoop.fs.Path(hdfsDir);
        fs.mkdirs(input);
        Map<String, Long> expected = new HashMap<>();
        for (Path file : Files.list(dir).toList()) {
            fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(file.toUri()), input);
            for (String line : Files.readAllLines(file)) {
                for (String word : line.split(" ")) {
                    if (!word.isEmpty()) {
                        expected.merge(word, 1L, Long::sum);
                    }
                }
            }
        }
        return expected;
    }

    private static ApplicationReport awaitEnd(String id) throws Exception {
        ApplicationId appId = ApplicationId.fromString(id);
        assertThat(Poll.until(() -> {
            try {
                YarnApplicationState state = yarn.getApplicationReport(appId).getYarnApplicationState();
                return state == YarnApplicationState.FINISHED || state == YarnApplicationState.FAILED
                        || state == YarnApplicationState.KILLED;
            } catch (Exception e) {
                return false;
            }
        }, WAIT_MILLIS, 200)).as("session " + id + " ends").isTrue();
        return yarn.getApplicationReport(appId);
    }

    /** A program's jar for WeftSubmit --session: the test's CountWordsApp class. */
    private static Path appJar(Path local) throws Exception {
        Path jar = local.resolve("count-words-app.jar");
        String entry = "io/weft/it/apps/CountWordsApp.class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                var in = LongRunningSessionTest.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }

    @Test
    void programsShareOneSessionConcurrentlyAndItEndsWhenIdle(@TempDir Path local) throws Exception {
        Map<String, Long> expectedA = corpus(local, "/data/session-a", 1);
        Map<String, Long> expectedB = corpus(local, "/data/session-b", 2);
        String id = startSession("shared session", "weft.session.idleTimeout=15s");

        // The endpoint is the owner's alone: a 0600 file in a 0700 directory.
        org.apache.hadoop.fs.Path endpoint = new org.apache.hadoop.fs.Path(staging(id), "session");
        assertThat(fs.getFileStatus(staging(id)).getPermission().toShort()).isEqualTo((short) 0700);
        assertThat(fs.getFileStatus(endpoint).getPermission().toShort()).isEqualTo((short) 0600);
        UserGroupInformation mallory = UserGroupInformation.createRemoteUser("mallory");
        assertThatThrownBy(() -> mallory.doAs((PrivilegedExceptionAction<Object>) () -> {
            try (FileSystem theirs = FileSystem.newInstance(fs.getUri(), clusters.conf)) {
                return theirs.open(endpoint).read();
            }
        })).isInstanceOf(AccessControlException.class);
        // Nor can they ask it to stop (WeftSubmit --stop-session creates a file in the staging directory).
        assertThatThrownBy(() -> mallory.doAs((PrivilegedExceptionAction<Object>) () -> {
            try (FileSystem theirs = FileSystem.newInstance(fs.getUri(), clusters.conf)) {
                theirs.create(new org.apache.hadoop.fs.Path(staging(id), "session-stop")).close();
                return null;
            }
        })).isInstanceOf(AccessControlException.class);
        assertThatThrownBy(() -> mallory.doAs((PrivilegedExceptionAction<WeftSession>) () ->
                attach(id, "intruder").create()))
                .isInstanceOf(WeftException.class)
                .hasMessageContaining("belongs to user " + UserGroupInformation.getCurrentUser().getShortUserName())
                .hasMessageContaining("not to mallory");

        // Two programs, each its own attachment, and a third through WeftSubmit --session, all at once.
        ExecutorService programs = Executors.newFixedThreadPool(3);
        try {
            List<Future<Map<String, Long>>> counts = new ArrayList<>();
            for (String input : List.of("/data/session-a", "/data/session-b")) {
                counts.add(programs.submit(() -> {
                    try (WeftSession weft = attach(id, "program " + input).create()) {
                        long first = System.nanoTime();
                        Map<String, Long> once = WordCount.count(weft, input).collectAsMap();
                        long second = System.nanoTime();
                        Map<String, Long> twice = WordCount.count(weft, input).collectAsMap();
                        long end = System.nanoTime();
                        System.out.printf("Program on %s: first job %.3f s, second job %.3f s%n", input,
                                (second - first) / 1e9, (end - second) / 1e9);
                        assertThat(twice).isEqualTo(once);
                        return once;
                    }
                }));
            }
            String output = fs.makeQualified(new org.apache.hadoop.fs.Path("/out/session-submit")).toString();
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            Future<Integer> submitted = programs.submit(() -> WeftSubmit.run(new String[] {"--session", id,
                "--conf", "weft.yarn.hadoopConfDir=" + clusters.confDir, "--class", "io.weft.it.apps.CountWordsApp",
                appJar(local).toString(), "/data/session-a", output}, new PrintStream(printed, true, StandardCharsets.UTF_8)));
            try {
                assertThat(counts.get(0).get(WAIT_MILLIS, TimeUnit.MILLISECONDS)).isEqualTo(expectedA);
                assertThat(counts.get(1).get(WAIT_MILLIS, TimeUnit.MILLISECONDS)).isEqualTo(expectedB);
                assertThat(submitted.get(WAIT_MILLIS, TimeUnit.MILLISECONDS))
                        .as(printed.toString(StandardCharsets.UTF_8)).isZero();
            } catch (Throwable t) {
                System.err.println("The session's ApplicationMaster log:\n" + clusters.amLog(id));
                throw t;
            }
            assertThat(readCounts(output)).isEqualTo(expectedA);
        } finally {
            programs.shutdownNow();
        }

        // Nothing attached any more: the session ends on its own, SUCCEEDED, and removes its files.
        ApplicationReport report = awaitEnd(id);
        assertThat(report.getFinalApplicationStatus()).as(report.getDiagnostics())
                .isEqualTo(FinalApplicationStatus.SUCCEEDED);
        assertThat(report.getDiagnostics()).contains("The session ended: idle");
        assertThat(Poll.until(() -> !exists(staging(id)) && !exists(shuffle(id)), 10_000, 100))
                .as("staging and shuffle directories of " + id + " are deleted").isTrue();
        assertThatThrownBy(() -> attach(id, "too late").create()).isInstanceOf(WeftException.class)
                .hasMessageContaining("is FINISHED, not RUNNING");
    }

    @Test
    void idleExecutorsAreReleasedAndStopSessionEndsIt() throws Exception {
        String id = startSession("elastic session", "weft.dynamicAllocation.enabled=true",
                "weft.dynamicAllocation.minExecutors=0", "weft.dynamicAllocation.initialExecutors=2",
                "weft.dynamicAllocation.executorIdleTimeout=2s", "weft.executor.maxFailures=1");
        try (WeftSession weft = attach(id, "one job").create()) {
            fs.mkdirs(new org.apache.hadoop.fs.Path("/data/session-elastic"));
            try (var out = fs.create(new org.apache.hadoop.fs.Path("/data/session-elastic/numbers.txt"), true)) {
                out.write("1\n2\n3\n4\n".getBytes(StandardCharsets.UTF_8));
            }
            assertThat(weft.textFile("/data/session-elastic").map(x -> Integer.parseInt(x) * 2).collect())
                    .containsExactlyInAnyOrder(2, 4, 6, 8);
        }
        assertThat(Poll.until(() -> runningExecutorContainers(id) == 0, WAIT_MILLIS, 200))
                .as("idle executors are released").isTrue();
        assertThat(yarn.getApplicationReport(ApplicationId.fromString(id)).getYarnApplicationState())
                .isEqualTo(YarnApplicationState.RUNNING);

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit = WeftSubmit.run(withCluster("--stop-session", id).toArray(new String[0]),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertThat(exit).as(printed.toString(StandardCharsets.UTF_8)).isZero();
        ApplicationReport report = awaitEnd(id);
        assertThat(report.getFinalApplicationStatus()).isEqualTo(FinalApplicationStatus.SUCCEEDED);
        assertThat(report.getDiagnostics()).contains("The session ended: stopped by its owner");
        assertThat(Poll.until(() -> !exists(staging(id)) && !exists(shuffle(id)), 10_000, 100)).isTrue();
    }

    /**
     * Figures for docs/benchmarks.md, run on demand ({@code -Dweft.it.sessionBench=true}): the time to start a
     * session, an attached program's first, second and third WordCount, {@code WeftSubmit --session} running
     * CountWordsApp, and the same program as a fresh cluster-mode submission. Prints; asserts only results.
     */
    @Test
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "weft.it.sessionBench", matches = "true")
    void benchmarkAgainstAFreshSubmission(@TempDir Path local) throws Exception {
        Map<String, Long> expected = corpus(local, "/data/session-bench", 3);
        String id = startSession("bench session");
        try {
            for (int program = 1; program <= 2; program++) {
                long attachStart = System.nanoTime();
                try (WeftSession weft = attach(id, "bench program").create()) {
                    long attached = System.nanoTime();
                    StringBuilder line = new StringBuilder(String.format("Bench: program %d attached in %.3f s;"
                            + " jobs", program, (attached - attachStart) / 1e9));
                    for (int job = 1; job <= 3; job++) {
                        long start = System.nanoTime();
                        assertThat(WordCount.count(weft, "/data/session-bench").collectAsMap()).isEqualTo(expected);
                        line.append(String.format(" %.3f", (System.nanoTime() - start) / 1e9));
                    }
                    System.out.println(line.append(" s"));
                }
            }
            for (int run = 1; run <= 2; run++) {
                String output = fs.makeQualified(new org.apache.hadoop.fs.Path("/out/session-bench-" + run)).toString();
                long start = System.nanoTime();
                assertThat(WeftSubmit.run(new String[] {"--session", id, "--conf", "weft.yarn.hadoopConfDir="
                        + clusters.confDir, "--class", "io.weft.it.apps.CountWordsApp", appJar(local).toString(),
                        "/data/session-bench", output}, new PrintStream(new ByteArrayOutputStream(), true,
                        StandardCharsets.UTF_8))).isZero();
                System.out.printf("Bench: WeftSubmit --session CountWordsApp %.3f s%n", (System.nanoTime() - start) / 1e9);
                assertThat(readCounts(output)).isEqualTo(expected);
            }
        } finally {
            WeftSubmit.run(withCluster("--stop-session", id).toArray(new String[0]), System.out);
        }
        for (int run = 1; run <= 2; run++) {
            String output = fs.makeQualified(new org.apache.hadoop.fs.Path("/out/fresh-bench-" + run)).toString();
            long start = System.nanoTime();
            assertThat(WeftSubmit.run(new String[] {"--num-executors", "2", "--executor-memory", "256m",
                "--driver-memory", "256m", "--conf", "weft.yarn.javaHome=" + System.getProperty("java.home"),
                "--conf", "weft.yarn.hadoopConfDir=" + clusters.confDir, "--conf", "weft.ui.progress=false",
                "io.weft.it.apps.CountWordsApp", "/data/session-bench", output}, System.out)).isZero();
            System.out.printf("Bench: fresh cluster-mode submission of CountWordsApp %.3f s%n",
                    (System.nanoTime() - start) / 1e9);
            assertThat(readCounts(output)).isEqualTo(expected);
        }
    }

    private static boolean exists(org.apache.hadoop.fs.Path path) {
        try {
            return fs.exists(path);
        } catch (Exception e) {
            return true;
        }
    }

    private static int runningExecutorContainers(String appId) {
        try {
            int running = 0;
            for (ApplicationAttemptReport attempt : yarn.getApplicationAttempts(ApplicationId.fromString(appId))) {
                for (ContainerReport container : yarn.getContainers(attempt.getApplicationAttemptId())) {
                    if (!container.getContainerId().equals(attempt.getAMContainerId())
                            && container.getContainerState() == ContainerState.RUNNING) {
                        running++;
                    }
                }
            }
            return running;
        } catch (Exception e) {
            return -1;
        }
    }

    private static Map<String, Long> readCounts(String output) throws Exception {
        Map<String, Long> actual = new HashMap<>();
        for (FileStatus part : fs.listStatus(new org.apache.hadoop.fs.Path(output),
                p -> p.getName().startsWith("part-"))) {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(fs.open(part.getPath()),
                    StandardCharsets.UTF_8))) {
                reader.lines().forEach(line -> {
                    int comma = line.lastIndexOf(',');
                    actual.put(line.substring(1, comma), Long.parseLong(line.substring(comma + 1, line.length() - 1)));
                });
            }
        }
        return actual;
    }
}
