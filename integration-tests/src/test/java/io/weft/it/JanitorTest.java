package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.am.submit.Janitor;
import io.weft.api.WeftSession;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.server.resourcemanager.ResourceManager;
import org.junit.jupiter.api.Test;

/** The janitor deletes directories of applications YARN no longer runs, and nothing else. */
class JanitorTest {

    @Test
    void deletesOnlyDirectoriesOfEndedApplications() throws Exception {
        MiniClusters clusters = MiniClusters.get();
        FileSystem fs = clusters.fs();
        Path staging = fs.makeQualified(new Path(fs.getHomeDirectory(), ".weft/staging"));
        Path shuffle = fs.makeQualified(new Path(fs.getHomeDirectory(), ".weft/shuffle"));
        // Left behind by an AM that was hard-killed: an application the ResourceManager does not run.
        Path leakedStaging = new Path(staging,
                ApplicationId.newInstance(ResourceManager.getClusterTimeStamp(), 9999).toString());
        Path leakedShuffle = new Path(shuffle,
                ApplicationId.newInstance(ResourceManager.getClusterTimeStamp(), 9998).toString());
        Path notAnApplication = new Path(staging, "keep-me");
        fs.mkdirs(leakedStaging);
        fs.mkdirs(leakedShuffle);
        fs.mkdirs(notAnApplication);

        YarnClient client = YarnClient.createYarnClient();
        client.init(clusters.conf);
        client.start();
        try (WeftSession running = clusters.clientSession("janitor-it")
                .config("weft.executor.instances", "1").getOrCreate()) {
            // The session's own start already ran the janitor.
            assertThat(fs.exists(leakedStaging)).isFalse();
            assertThat(fs.exists(leakedShuffle)).isFalse();
            assertThat(fs.exists(notAnApplication)).isTrue();
            // A running application's directories are kept.
            List<Path> deleted = Janitor.clean(fs, client, List.of(staging, shuffle));
            assertThat(deleted).isEmpty();
            assertThat(fs.exists(new Path(staging, running.applicationId()))).isTrue();
            assertThat(fs.exists(new Path(shuffle, running.applicationId()))).isTrue();
        } finally {
            client.stop();
        }
    }
}
