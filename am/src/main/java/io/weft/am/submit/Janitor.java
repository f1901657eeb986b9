package io.weft.am.submit;

import io.weft.conf.WeftConf;
import io.weft.yarnconf.YarnConfigKeys;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the staging and shuffle directories that a hard-killed driver or AM could not clean up itself. Runs at
 * every YARN session start and as a command ({@link JanitorCommand}). A directory under a root is deleted only when
 * all of these hold:
 * <ul>
 *   <li>its name is an application id (anything else is left alone);</li>
 *   <li>the directory belongs to the current user (a shared root may hold other users' directories);</li>
 *   <li>the ResourceManager reports the application FINISHED, FAILED or KILLED and submitted by the current user;
 *       or the ResourceManager does not know it and the directory has not been modified for the grace period
 *       ({@code weft.yarn.janitor.unknownAppGracePeriod}). A submission in progress has created its application
 *       but not yet submitted it, so the ResourceManager does not know it yet: its directory is recent, and
 *       kept.</li>
 * </ul>
 * A ResourceManager that cannot be asked keeps the directory. Called on the caller's thread; blocking.
 */
public final class Janitor {

    private static final Logger LOG = LoggerFactory.getLogger(Janitor.class);
    private static final EnumSet<YarnApplicationState> ENDED = EnumSet.of(YarnApplicationState.FINISHED,
            YarnApplicationState.FAILED, YarnApplicationState.KILLED);

    private final FileSystem fs;
    private final ApplicationLookup lookup;
    private final String user;
    private final Clock clock;
    private final Duration unknownGrace;

    /**
     * @param fs the file system holding the directories
     * @param lookup the ResourceManager
     * @param user the current user's short name: only its directories and applications are cleaned
     * @param clock compared with directories' modification times
     * @param unknownGrace how long a directory of an application the ResourceManager does not know is kept
     */
    public Janitor(FileSystem fs, ApplicationLookup lookup, String user, Clock clock, Duration unknownGrace) {
        this.fs = fs;
        this.lookup = lookup;
        this.user = user;
        this.clock = clock;
        this.unknownGrace = unknownGrace;
    }

    /**
     * The janitor a client runs: the current Hadoop user, the system clock, the configured grace period.
     *
     * @param fs the file system holding the directories
     * @param yarn a started client of the cluster
     * @param roots parents of per-application directories (staging, shuffle)
     * @param conf the settings (for {@code weft.yarn.janitor.unknownAppGracePeriod})
     * @return the directories deleted
     * @throws IOException when a root cannot be listed or the current user is unknown
     */
    public static List<Path> clean(FileSystem fs, YarnClient yarn, List<Path> roots, WeftConf conf)
            throws IOException {
        return new Janitor(fs, ApplicationLookup.of(yarn), UserGroupInformation.getCurrentUser().getShortUserName(),
                Clock.systemUTC(), Duration.ofMillis(conf.get(YarnConfigKeys.JANITOR_UNKNOWN_APP_GRACE)))
                .clean(roots);
    }

    /**
     * {@link #clean(FileSystem, YarnClient, List, WeftConf)} on a daemon thread of its own, as the current user, so
     * that a submission does not wait for its housekeeping: the directories it deletes belong to ended
     * applications, never to the one being submitted (whose directory is recent and which the ResourceManager
     * knows as running once submitted). A failure is logged, not thrown: the next submission, or {@code WeftSubmit
     * janitor}, tries again.
     *
     * @param fs the file system holding the directories
     * @param yarn a started client of the cluster; stopping it while the janitor runs keeps what is left
     * @param roots parents of per-application directories (staging, shuffle)
     * @param conf the settings
     * @return the running clean-up, whose result is the directories deleted (empty after a failure)
     * @throws IOException when the current user cannot be determined
     */
    static InBackground<List<Path>> cleanInBackground(FileSystem fs, YarnClient yarn, List<Path> roots,
            WeftConf conf) throws IOException {
        return InBackground.start("weft-janitor", () -> {
            try {
                return clean(fs, yarn, roots, conf);
            } catch (IOException | RuntimeException e) {
                LOG.warn("Could not clean up the directories of ended applications under {}: {}. The next"
                        + " submission tries again (or run WeftSubmit janitor).", roots, e.toString());
                return List.of();
            }
        });
    }

    /**
     * @param roots parents of per-application directories (staging, shuffle); missing ones are skipped
     * @return the directories deleted
     * @throws IOException when a root cannot be listed
     */
    public List<Path> clean(List<Path> roots) throws IOException {
        List<Path> deleted = new ArrayList<>();
        for (Path root : roots) {
            if (!fs.exists(root)) {
                continue;
            }
            for (FileStatus child : fs.listStatus(root)) {
                if (child.isDirectory() && deletable(child) && fs.delete(child.getPath(), true)) {
                    deleted.add(child.getPath());
                }
            }
        }
        if (!deleted.isEmpty()) {
            LOG.info("Deleted {} directories of ended applications: {}", deleted.size(), deleted);
        }
        return deleted;
    }

    private boolean deletable(FileStatus dir) {
        ApplicationId id;
        try {
            id = ApplicationId.fromString(dir.getPath().getName());
        } catch (IllegalArgumentException notAnApplication) {
            return false;
        }
        if (!user.equals(dir.getOwner())) {
            LOG.debug("Keeping {}: it belongs to {}, not {}", dir.getPath(), dir.getOwner(), user);
            return false;
        }
        Optional<ApplicationLookup.Known> known;
        try {
            known = lookup.find(id);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Keeping {}: could not ask the ResourceManager about {}: {}", dir.getPath(), id, e.toString());
            return false;
        }
        if (known.isPresent()) {
            return ENDED.contains(known.get().state()) && user.equals(known.get().user());
        }
        Duration idle = Duration.ofMillis(clock.millis() - dir.getModificationTime());
        if (idle.compareTo(unknownGrace) < 0) {
            LOG.debug("Keeping {}: the ResourceManager does not know {}, but it changed {} ago (less than {})",
                    dir.getPath(), id, idle, unknownGrace);
            return false;
        }
        return true;
    }
}
