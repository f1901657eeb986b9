package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.am.submit.Janitor;
import io.weft.api.WeftSession;
import io.weft.conf.WeftConf;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.server.resourcemanager.ResourceManager;
import org.junit.jupiter.api.Test;

/**
 * The janitor against a real ResourceManager and HDFS: it deletes the current user's directories of applications
 * YARN reports ended, and of applications it does not know once they are older than the grace period; nothing else.
 * (Its rules one by one, with a hand-written ResourceManager: {@code JanitorRulesTest} in {@code am}.)
 */
class JanitorTest {

    private static Path mkdirAged(FileSystem fs, Path dir, Duration age) throws Exception {
        fs.mkdirs(dir);
        fs.setTimes(dir, System.currentTimeMillis() - age.toMillis(), -1);
        return dir;
    }

    private static boolean finished(YarnClient client, String id) {
        try {
            return client.getApplicationReport(ApplicationId.fromString(id)).getYarnApplicationState()
                    == YarnApplicationState.FINISHED;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void deletesOnlyTheUsersDirectoriesOfEndedOrLongForgottenApplications() throws Exception {
        MiniClusters clusters = MiniClusters.get();
        FileSystem fs = clusters.fs();
        Path staging = fs.makeQualified(new Path(fs.getHomeDirectory(), ".weft/staging"));
        Path shuffle = fs.makeQualified(new Path(fs.getHomeDirectory(), ".weft/shuffle"));
        long cluster = ResourceManager.getClusterTimeStamp();
        // Left behind two days ago by an AM that was hard-killed: an application the ResourceManager does not know.
        Path leakedStaging = mkdirAged(fs, new Path(staging, ApplicationId.newInstance(cluster, 9999).toString()),
                Duration.ofDays(2));
        Path leakedShuffle = mkdirAged(fs, new Path(shuffle, ApplicationId.newInstance(cluster, 9998).toString()),
                Duration.ofDays(2));
        // Just written by a submission in progress: created, not yet submitted, so unknown too.
        Path inProgress = mkdirAged(fs, new Path(staging, ApplicationId.newInstance(cluster, 9997).toString()),
                Duration.ZERO);
        // Another user's, however old.
        Path othersOld = mkdirAged(fs, new Path(staging, ApplicationId.newInstance(cluster, 9996).toString()),
                Duration.ofDays(30));
        fs.setOwner(othersOld, "mallory", null);
        Path notAnApplication = mkdirAged(fs, new Path(staging, "keep-me"), Duration.ofDays(30));

        YarnClient client = YarnClient.createYarnClient();
        client.init(clusters.conf);
        client.start();
        WeftConf conf = WeftConf.validate(Map.of());
        String finishedId;
        try {
            try (WeftSession running = clusters.clientSession("janitor-it")
                    .config("weft.executor.instances", "1").getOrCreate()) {
                finishedId = running.applicationId();
                // The session's start ran the janitor, beside the rest of the start (so it may still be at work).
                assertThat(io.weft.driver.Poll.until(() -> !exists(fs, leakedStaging) && !exists(fs, leakedShuffle),
                        60_000, 50)).isTrue();
                assertThat(fs.exists(inProgress)).isTrue();
                assertThat(fs.exists(othersOld)).isTrue();
                assertThat(fs.exists(notAnApplication)).isTrue();
                // A running application's directories are kept.
                assertThat(Janitor.clean(fs, client, List.of(staging, shuffle), conf)).isEmpty();
                assertThat(fs.exists(new Path(staging, running.applicationId()))).isTrue();
                assertThat(fs.exists(new Path(shuffle, running.applicationId()))).isTrue();
            }
            assertThat(io.weft.driver.Poll.until(() -> finished(client, finishedId), 60_000, 100)).isTrue();
            // The session removed its directories; what an AM killed too hard would leave is removed now that the
            // ResourceManager reports the application finished, however recent.
            Path leftOver = mkdirAged(fs, new Path(shuffle, finishedId), Duration.ZERO);
            assertThat(Janitor.clean(fs, client, List.of(staging, shuffle), conf)).containsExactly(leftOver);
            assertThat(fs.exists(inProgress)).isTrue();
            assertThat(fs.exists(othersOld)).isTrue();
        } finally {
            client.stop();
            fs.delete(inProgress, true);
            fs.delete(othersOld, true);
        }
    }

    private static boolean exists(FileSystem fs, Path path) {
        try {
            return fs.exists(path);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
