package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.Broadcast;
import io.weft.api.Pair;
import io.weft.api.WeftSession;
import io.weft.driver.FileMapOutputJournal;
import io.weft.status.EventLogWriter;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.security.PrivilegedExceptionAction;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.security.UserGroupInformation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Data at rest on a real HDFS (MiniDFSCluster, permissions on as by default, started once for this class): after a
 * real job every shuffle directory is rwx------ and every file rw-------, the journal likewise, and an event log is
 * readable by its owner and the configured group only. The client's umask is 000 throughout, so nothing here passes
 * by the umask's grace.
 */
class DataAtRestTest {

    private static MiniDFSCluster dfs;
    private static FileSystem fs;
    private static File local;

    @BeforeAll
    static void startDfs() throws IOException {
        local = Files.createTempDirectory("weft-at-rest-").toFile();
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, new File(local, "dfs").getAbsolutePath());
        conf.set("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", "10");
        dfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        dfs.waitActive();
        Configuration client = new Configuration(dfs.getConfiguration(0));
        client.set("fs.permissions.umask-mode", "000");
        fs = FileSystem.newInstance(dfs.getURI(), client);
    }

    @AfterAll
    static void stopDfs() throws IOException {
        if (fs != null) {
            fs.close();
        }
        if (dfs != null) {
            dfs.shutdown();
        }
    }

    private static Map<String, String> settings(String eventLogGroup) {
        Map<String, String> settings = new HashMap<>();
        settings.put("weft.shuffle.dir", dfs.getURI() + "/user/weft/shuffle");
        settings.put("weft.eventLog.dir", dfs.getURI() + "/events");
        settings.put("weft.local.dir", new File(local, "executor").getAbsolutePath());
        settings.put("weft.ui.enabled", "false");
        settings.put("weft.ui.progress", "false");
        settings.put("weft.shuffle.writeBuffer", "1m");
        settings.put("weft.hadoop.fs.permissions.umask-mode", "000");
        settings.put("weft.hadoop.dfs.client.block.write.locateFollowingBlock.initial.delay.ms", "10");
        if (eventLogGroup != null) {
            settings.put("weft.eventLog.group", eventLogGroup);
        }
        return settings;
    }

    private static WeftSession session(String name, Map<String, String> settings) {
        WeftSession.Builder builder = WeftSession.builder().appName(name).master("local[2]");
        settings.forEach(builder::config);
        return builder.getOrCreate();
    }

    /** Paths under {@code dir} (itself included) whose mode is not the expected one, with their modes. */
    private static List<String> wrongModes(Path dir) throws IOException {
        List<String> wrong = new ArrayList<>();
        FileStatus status = fs.getFileStatus(dir);
        if (!status.getPermission().toString().equals("rwx------")) {
            wrong.add(dir + " " + status.getPermission());
        }
        for (FileStatus child : fs.listStatus(dir)) {
            if (child.isDirectory()) {
                wrong.addAll(wrongModes(child.getPath()));
            } else if (!child.getPermission().toString().equals("rw-------")) {
                wrong.add(child.getPath() + " " + child.getPermission());
            }
        }
        return wrong;
    }

    private static int countFiles(Path dir) throws IOException {
        int files = 0;
        var it = fs.listFiles(dir, true);
        while (it.hasNext()) {
            it.next();
            files++;
        }
        return files;
    }

    @Test
    void afterAJobEveryShuffleDirectoryIsTheOwnersOnlyAndSoIsTheEventLog() throws Exception {
        String appId;
        try (WeftSession weft = session("at-rest", settings(null))) {
            appId = weft.applicationId();
            File lookup = new File(local, "lookup.txt");
            Files.writeString(lookup.toPath(), "k=v");
            weft.addFile(lookup.getPath());
            Broadcast<Integer> modulus = weft.broadcast(97);
            List<Pair<Integer, Long>> sorted = weft.parallelize(IntStream.range(0, 200_000).boxed().toList(), 4)
                    .mapToPair(i -> Pair.of(i % modulus.value(), (long) i))
                    .reduceByKey(Long::sum)
                    .sortByKey(true)
                    .collect();
            assertThat(sorted).hasSize(97);

            Path appDir = new Path(dfs.getURI() + "/user/weft/shuffle/" + appId);
            // Two shuffles (reduceByKey, sortByKey's), a broadcast and an added file were written.
            assertThat(fs.listStatus(appDir)).extracting(s -> s.getPath().getName())
                    .contains("broadcast", "weft-shipped").anyMatch(n -> n.startsWith("shuffle_"));
            // Map outputs are in segment files (the default layout: a few per executor and shuffle), the broadcast
            // and the added file in files of their own.
            assertThat(countFiles(appDir)).isGreaterThanOrEqualTo(4);
            assertThat(fs.listStatus(new Path(appDir, "shuffle_0"))).isNotEmpty()
                    .allMatch(s -> s.getPath().getName().startsWith("seg_"));
            assertThat(wrongModes(appDir)).isEmpty();
            // The root this session created is the user's own as well.
            assertThat(fs.getFileStatus(appDir.getParent()).getPermission().toString()).isEqualTo("rwx------");
        }
        FileStatus log = fs.getFileStatus(new Path("/events/" + appId));
        assertThat(log.getPermission().toString()).isEqualTo("rw-------");
        assertThat(log.getOwner()).isEqualTo(UserGroupInformation.getCurrentUser().getShortUserName());
    }

    @Test
    void anEventLogIsReadableByTheConfiguredGroupAndNobodyElse() throws Exception {
        String appId;
        try (WeftSession weft = session("at-rest-group", settings("historians"))) {
            appId = weft.applicationId();
            assertThat(weft.parallelize(List.of(1, 2, 3), 2).count()).isEqualTo(3);
        }
        FileStatus log = fs.getFileStatus(new Path("/events/" + appId));
        assertThat(log.getPermission().toString()).isEqualTo("rw-r-----");
        assertThat(log.getGroup()).isEqualTo("historians");
    }

    @Test
    void aGroupTheUserIsNotInFailsTheEventLogNamingTheSetting() throws Exception {
        Path dir = new Path("/alice-events");
        fs.mkdirs(dir);
        fs.setOwner(dir, "alice", null);
        UserGroupInformation alice = UserGroupInformation.createUserForTesting("alice", new String[] {"staff"});
        FileSystem asAlice = alice.doAs((PrivilegedExceptionAction<FileSystem>) () ->
                FileSystem.newInstance(dfs.getURI(), fs.getConf()));
        try {
            assertThatThrownBy(() -> new EventLogWriter(asAlice, dir, "application_1_0001", Clock.systemUTC(),
                    "historians")).isInstanceOf(IOException.class).hasMessageContaining("weft.eventLog.group")
                    .hasMessageContaining("historians");
            assertThat(fs.listStatus(dir)).isEmpty();
            // With a group alice is in, the log is the owner's and that group's.
            try (EventLogWriter writer = new EventLogWriter(asAlice, dir, "application_1_0002", Clock.systemUTC(),
                    "staff")) {
                assertThat(writer.finishedPath().getName()).isEqualTo("application_1_0002");
            }
            FileStatus log = fs.getFileStatus(new Path(dir, "application_1_0002"));
            assertThat(log.getPermission()).isEqualTo(new FsPermission((short) 0640));
            assertThat(log.getGroup()).isEqualTo("staff");
            assertThat(log.getOwner()).isEqualTo("alice");
        } finally {
            asAlice.close();
        }
    }

    @Test
    void theDriversJournalIsTheOwnersOnly() throws Exception {
        Path appDir = new Path("/user/weft/journal-test/application_1_0003");
        try (FileMapOutputJournal journal = new FileMapOutputJournal(fs, appDir, 1)) {
            journal.recordOutputStarted("/out", "fingerprint");
        }
        assertThat(countFiles(new Path(appDir, "_journal"))).isEqualTo(1);
        assertThat(wrongModes(new Path(appDir, "_journal"))).isEmpty();
    }
}
