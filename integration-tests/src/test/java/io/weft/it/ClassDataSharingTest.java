package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.WeftSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.hadoop.security.UserGroupInformation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Class-data sharing on the mini cluster's NodeManagers ({@code weft.yarn.classDataSharing}, on by default): the
 * first application's containers record their classes in an owner-only store beside the NodeManager's per-user
 * caches, the next one's containers dump an archive from those lists beside their JVMs, and the containers after
 * that start from it and still run their jobs right. The stores that other suites' containers left are put aside for the test and back after it.
 */
class ClassDataSharingTest {

    private static MiniClusters clusters;

    @BeforeAll
    static void startClusters() throws Exception {
        clusters = MiniClusters.get();
    }

    @Test
    void containersRecordThenDumpThenStartFromANodesArchive() throws Exception {
        // What earlier suites' containers left is put aside and back, so that this test starts from empty stores.
        for (Path store : stores()) {
            if (Files.exists(store)) {
                Files.move(store, aside(store));
            }
        }
        try {
            // Every container on NodeManager 1 (the only one with the label), so all of them share its store.
            Path store = stores().get(1);
            String recorder;
            try (WeftSession weft = session("cds-record").getOrCreate()) {
                assertThat(count(weft)).isEqualTo(expected());
                assertThat(containerStderr(weft.applicationId(), "weft-launch: no class-data sharing archive for"
                        + " these jars on this node yet; recording")).isTrue();
                recorder = weft.applicationId();
            }
            // The session's close returns before its containers' JVMs have exited, and a JVM appends to its list
            // until it does: only lists that are complete can be aged below.
            assertThat(io.weft.driver.Poll.until(() -> clusters.containersOnNodes(recorder).isEmpty(), 60_000, 100))
                    .as("containers of %s still on the NodeManagers: %s", recorder,
                            clusters.containersOnNodes(recorder)).isTrue();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store))).isEqualTo("rwx------");
            List<Path> lists = filesEndingWith(store.resolve("lists"), ".lst");
            assertThat(lists).as("class lists").isNotEmpty();
            // As if they were older: a list counts once it has stopped growing for a while.
            for (Path list : lists) {
                Files.setLastModifiedTime(list, java.nio.file.attribute.FileTime.from(
                        java.time.Instant.now().minusSeconds(60)));
            }
            // The next containers dump beside their JVMs; the session stays open (and so its containers and
            // their dumps) until the archive is in place.
            try (WeftSession weft = session("cds-dump").getOrCreate()) {
                assertThat(count(weft)).isEqualTo(expected());
                assertThat(containerStderr(weft.applicationId(), "dumping one from")).isTrue();
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(150);
                while (filesEndingWith(store, ".jsa").isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(250);
                }
                assertThat(filesEndingWith(store, ".jsa")).as("an archive; dump logs: %s", dumpLogs(store))
                        .hasSize(1);
            }
            assertThat(filesEndingWith(stores().get(0), ".jsa")).as("nothing ran on NodeManager 0").isEmpty();

            try (WeftSession weft = session("cds-use").getOrCreate()) {
                assertThat(count(weft)).isEqualTo(expected());
                assertThat(containerStderr(weft.applicationId(), "weft-launch: class-data sharing archive "
                        + filesEndingWith(store, ".jsa").get(0))).as("the containers started from the archive")
                        .isTrue();
            }
        } finally {
            for (Path store : stores()) {
                deleteRecursively(store);
                if (Files.exists(aside(store))) {
                    Files.move(aside(store), store);
                }
            }
        }
    }

    private static Path aside(Path store) {
        return store.resolveSibling("weft-cds.before-" + ClassDataSharingTest.class.getSimpleName());
    }

    private static WeftSession.Builder session(String name) {
        return clusters.clientSession(name).config("weft.executor.registrationTimeout", "60s")
                .config("weft.yarn.executor.nodeLabelExpression", MiniClusters.FAST_LABEL)
                .config("weft.yarn.am.nodeLabelExpression", MiniClusters.FAST_LABEL);
    }

    private static long countOnYarn(String name) {
        try (WeftSession weft = session(name).getOrCreate()) {
            return count(weft);
        }
    }

    private static long count(WeftSession weft) {
        return weft.parallelize(IntStream.range(0, 10_000).boxed().toList(), 4)
                .mapToPair(x -> io.weft.api.Pair.of(x % 97, (long) x)).reduceByKey(Long::sum)
                .map(p -> p.value()).reduce(Long::sum);
    }

    private static long expected() {
        return 10_000L * 9_999 / 2;
    }

    /** Whether a container log of the running application's containers holds the text (read while it runs). */
    private static boolean containerStderr(String appId, String text) throws IOException {
        for (String dirs : clusters.logDirs()) {
            for (String dir : dirs.split(",")) {
                Path root = Path.of(java.net.URI.create(dir.startsWith("file:") ? dir : "file://" + dir))
                        .resolve(appId);
                if (!Files.isDirectory(root)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path file : files.filter(f -> f.getFileName().toString().equals("stderr")).toList()) {
                        if (Files.readString(file).contains(text)) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    /** Each NodeManager's store for the current user, under its first local directory. */
    private static List<Path> stores() throws IOException {
        String user = UserGroupInformation.getCurrentUser().getShortUserName();
        List<Path> stores = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            stores.add(clusters.localDirs(i).get(0).resolve("usercache").resolve(user).resolve("weft-cds"));
        }
        return stores;
    }

    private static String dumpLogs(Path store) throws IOException {
        StringBuilder logs = new StringBuilder();
        for (Path log : filesEndingWith(store, ".log")) {
            List<String> lines = Files.readAllLines(log);
            logs.append(log).append(":\n").append(String.join("\n", lines.subList(Math.max(0, lines.size() - 20),
                    lines.size()))).append('\n');
        }
        return logs.toString();
    }

    private static List<Path> filesEndingWith(Path dir, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).toList();
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
