package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.WeftSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Class-data sharing on the mini cluster's NodeManagers ({@code weft.yarn.classDataSharing}, on by default): the
 * first applications' containers record their classes in an owner-only store beside the NodeManager's per-user
 * caches, a later container dumps an archive from them, and the containers after that start from it and still run
 * their jobs right. The stores that other suites' containers left are put aside for the test and back after it.
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
            assertThat(countOnYarn("cds-record")).isEqualTo(expected());
            List<Path> lists = lists();
            assertThat(lists).as("class lists recorded by the first containers").isNotEmpty();
            for (Path store : stores()) {
                if (Files.exists(store)) {
                    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store)))
                            .isEqualTo("rwx------");
                }
            }
            for (Path list : lists) {
                Files.setLastModifiedTime(list, FileTime.from(Instant.now().minusSeconds(60)));
            }
            // The next containers find lists old enough and dump; the session stays open (its containers alive,
            // so their dumps too) until an archive is in place.
            try (WeftSession weft = session("cds-dump").getOrCreate()) {
                assertThat(count(weft)).isEqualTo(expected());
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(150);
                while (archives().isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(250);
                }
                assertThat(archives()).as("archives after a dump; dump logs: %s", dumpLogs()).isNotEmpty();
            }
            try (WeftSession weft = session("cds-use").getOrCreate()) {
                assertThat(count(weft)).isEqualTo(expected());
                assertThat(containerStderr(weft.applicationId(), "weft-launch: class-data sharing archive ")).as(
                        "a container of this application started from an archive").isTrue();
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
        return clusters.clientSession(name).config("weft.executor.registrationTimeout", "60s");
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
                Path root = Path.of(dir.replaceFirst("^file:(//)?", "/").replaceFirst("^//", "/")).resolve(appId);
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
            String first = clusters.nodeManagerConf(i).get(YarnConfiguration.NM_LOCAL_DIRS).split(",")[0];
            stores.add(Path.of(first.replaceFirst("^file:(//)?", "/").replaceFirst("^//", "/"))
                    .resolve("usercache").resolve(user).resolve("weft-cds"));
        }
        return stores;
    }

    private static List<Path> lists() throws IOException {
        return filesEndingWith("lists", ".lst");
    }

    private static List<Path> archives() throws IOException {
        return filesEndingWith("", ".jsa");
    }

    private static String dumpLogs() throws IOException {
        StringBuilder logs = new StringBuilder();
        for (Path log : filesEndingWith("", ".log")) {
            List<String> lines = Files.readAllLines(log);
            logs.append(log).append(":\n").append(String.join("\n", lines.subList(Math.max(0, lines.size() - 20),
                    lines.size()))).append('\n');
        }
        return logs.toString();
    }

    private static List<Path> filesEndingWith(String subdirectory, String suffix) throws IOException {
        List<Path> found = new ArrayList<>();
        for (Path store : stores()) {
            Path dir = subdirectory.isEmpty() ? store : store.resolve(subdirectory);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    files.filter(f -> f.getFileName().toString().endsWith(suffix)).forEach(found::add);
                }
            }
        }
        return found;
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
