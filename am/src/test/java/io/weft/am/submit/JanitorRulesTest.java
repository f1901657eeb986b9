package io.weft.am.submit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The janitor's rules on real directories of the local file system, with a hand-written ResourceManager and a fixed
 * clock: what it deletes, and everything it must keep. (Directories of other users: {@code JanitorTest} on
 * MiniDFSCluster, where a test can give a directory away.)
 */
class JanitorRulesTest {

    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
    private static final Duration GRACE = Duration.ofHours(24);

    /** The ResourceManager as a map; an id it has no entry for is unknown. */
    private final Map<ApplicationId, ApplicationLookup.Known> rm = new HashMap<>();
    private final List<ApplicationId> asked = new java.util.ArrayList<>();
    private FileSystem fs;
    private org.apache.hadoop.fs.Path root;
    private String me;

    @BeforeEach
    void setUp(@TempDir Path dir) throws IOException {
        fs = FileSystem.getLocal(new Configuration()).getRawFileSystem();
        root = new org.apache.hadoop.fs.Path(dir.resolve("staging").toUri());
        me = UserGroupInformation.getCurrentUser().getShortUserName();
    }

    private Janitor janitor(ApplicationLookup lookup) {
        return new Janitor(fs, lookup, me, Clock.fixed(NOW, ZoneOffset.UTC), GRACE);
    }

    private Janitor janitor() {
        return janitor(id -> {
            asked.add(id);
            return Optional.ofNullable(rm.get(id));
        });
    }

    private org.apache.hadoop.fs.Path dir(int app, Duration age) throws IOException {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(root,
                ApplicationId.newInstance(1, app).toString());
        fs.mkdirs(path);
        fs.setTimes(path, NOW.minus(age).toEpochMilli(), -1);
        return path;
    }

    @Test
    void deletesTheCurrentUsersApplicationsTheResourceManagerReportsEnded() throws IOException {
        org.apache.hadoop.fs.Path finished = dir(1, Duration.ZERO);
        org.apache.hadoop.fs.Path failed = dir(2, Duration.ZERO);
        org.apache.hadoop.fs.Path killed = dir(3, Duration.ZERO);
        org.apache.hadoop.fs.Path running = dir(4, Duration.ofDays(30));
        org.apache.hadoop.fs.Path accepted = dir(5, Duration.ofDays(30));
        rm.put(ApplicationId.newInstance(1, 1), new ApplicationLookup.Known(YarnApplicationState.FINISHED, me));
        rm.put(ApplicationId.newInstance(1, 2), new ApplicationLookup.Known(YarnApplicationState.FAILED, me));
        rm.put(ApplicationId.newInstance(1, 3), new ApplicationLookup.Known(YarnApplicationState.KILLED, me));
        rm.put(ApplicationId.newInstance(1, 4), new ApplicationLookup.Known(YarnApplicationState.RUNNING, me));
        rm.put(ApplicationId.newInstance(1, 5), new ApplicationLookup.Known(YarnApplicationState.ACCEPTED, me));

        List<org.apache.hadoop.fs.Path> deleted = janitor().clean(List.of(root));

        assertThat(deleted).extracting(org.apache.hadoop.fs.Path::getName).containsExactlyInAnyOrder(
                finished.getName(), failed.getName(), killed.getName());
        assertThat(fs.exists(running)).isTrue();
        assertThat(fs.exists(accepted)).isTrue();
    }

    @Test
    void keepsAnEndedApplicationThatAnotherUserSubmitted() throws IOException {
        org.apache.hadoop.fs.Path theirs = dir(1, Duration.ofDays(30));
        rm.put(ApplicationId.newInstance(1, 1), new ApplicationLookup.Known(YarnApplicationState.FINISHED, "mallory"));

        assertThat(janitor().clean(List.of(root))).isEmpty();
        assertThat(fs.exists(theirs)).isTrue();
    }

    @Test
    void anApplicationTheResourceManagerDoesNotKnowIsDeletedOnlyAfterTheGracePeriod() throws IOException {
        // A submission in progress: the application was created, its staging directory written, but it is not yet
        // submitted, so the ResourceManager does not know it.
        org.apache.hadoop.fs.Path justCreated = dir(1, Duration.ZERO);
        org.apache.hadoop.fs.Path almost = dir(2, GRACE.minusMinutes(1));
        org.apache.hadoop.fs.Path forgotten = dir(3, GRACE.plusMinutes(1));

        assertThat(janitor().clean(List.of(root))).extracting(org.apache.hadoop.fs.Path::getName)
                .containsExactly(forgotten.getName());
        assertThat(fs.exists(justCreated)).isTrue();
        assertThat(fs.exists(almost)).isTrue();
    }

    @Test
    void aResourceManagerThatCannotBeAskedKeepsEverything() throws IOException {
        org.apache.hadoop.fs.Path old = dir(1, Duration.ofDays(300));

        assertThat(janitor(id -> {
            throw new IOException("connection refused");
        }).clean(List.of(root))).isEmpty();
        assertThat(fs.exists(old)).isTrue();
    }

    @Test
    void namesThatAreNotApplicationIdsAreNeitherAskedAboutNorDeleted() throws IOException {
        org.apache.hadoop.fs.Path privateJars = new org.apache.hadoop.fs.Path(root, JarCache.PRIVATE_DIR);
        org.apache.hadoop.fs.Path other = new org.apache.hadoop.fs.Path(root, "keep-me");
        fs.mkdirs(privateJars);
        fs.mkdirs(other);
        fs.setTimes(other, NOW.minus(Duration.ofDays(300)).toEpochMilli(), -1);

        assertThat(janitor().clean(List.of(root, new org.apache.hadoop.fs.Path(root, "missing")))).isEmpty();
        assertThat(asked).isEmpty();
        assertThat(fs.exists(privateJars)).isTrue();
        assertThat(fs.exists(other)).isTrue();
    }
}
