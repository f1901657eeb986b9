package io.weft.am.master;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.hadoop.yarn.api.records.ApplicationAttemptId;
import org.apache.hadoop.yarn.api.records.YarnApplicationAttemptState;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes a cluster-mode application's staging and shuffle directories when its ApplicationMaster is stopped
 * without finishing: by {@code yarn application -kill} (YARN stops the AM's container: SIGTERM, then SIGKILL
 * {@code yarn.nodemanager.sleep-delay-before-sigkill.ms} later, 250 ms by default), or when it dies as the
 * application's last attempt. It runs on whichever comes first: the ResourceManager's shutdown request on the
 * AM's heartbeat ({@link #applicationStopped()}), or the JVM's shutdown. An AM that dies with attempts left keeps
 * them, so that the next attempt reuses the journaled map outputs; it asks the ResourceManager which case it is
 * in, since a killed application's attempt is already KILLED when its container is stopped, and an AM killed for
 * its memory is not. If the ResourceManager cannot be asked, the directories stay and the janitor removes them
 * once YARN reports the application finished.
 *
 * <p>Runs as a Hadoop shutdown hook ahead of {@link FileSystem}'s own, which closes the file systems.
 */
final class AmShutdownCleanup implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(AmShutdownCleanup.class);
    /** Before FileSystem's hook (priority 10), which closes the cached file systems. */
    private static final int PRIORITY = 30;
    private static final Set<YarnApplicationState> APPLICATION_OVER = EnumSet.of(YarnApplicationState.KILLED,
            YarnApplicationState.FAILED, YarnApplicationState.FINISHED);

    private final YarnConfiguration yarn;
    private final ApplicationAttemptId attemptId;
    private final boolean mayBeRetried;
    private final List<Path> directories;
    private final YarnClient client;
    private volatile boolean finished;
    private volatile boolean deleted;

    private AmShutdownCleanup(YarnConfiguration yarn, ApplicationAttemptId attemptId, boolean mayBeRetried,
            List<Path> directories) {
        this.yarn = yarn;
        this.attemptId = attemptId;
        this.mayBeRetried = mayBeRetried;
        this.directories = List.copyOf(directories);
        // Made now: in a shutdown hook there is no time to start one. Bounded: the container is about to die.
        YarnConfiguration quick = new YarnConfiguration(yarn);
        quick.setLong(YarnConfiguration.RESOURCEMANAGER_CONNECT_MAX_WAIT_MS, 2_000);
        quick.setLong(YarnConfiguration.RESOURCEMANAGER_CONNECT_RETRY_INTERVAL_MS, 200);
        quick.setInt("ipc.client.connect.max.retries", 0);
        this.client = mayBeRetried ? YarnClient.createYarnClient() : null;
        if (client != null) {
            client.init(quick);
            client.start();
        }
    }

    /**
     * Registers the hook. Called once, on the AM's main thread.
     *
     * @param yarn the cluster's configuration
     * @param attemptId this attempt
     * @param mayBeRetried whether YARN starts another attempt if this one dies
     * @param directories the staging and shuffle directories
     * @return the hook, to be told when the AM finished on its own
     */
    static AmShutdownCleanup install(YarnConfiguration yarn, ApplicationAttemptId attemptId, boolean mayBeRetried,
            List<Path> directories) {
        AmShutdownCleanup cleanup = new AmShutdownCleanup(yarn, attemptId, mayBeRetried, directories);
        ShutdownHookManager.get().addShutdownHook(cleanup, PRIORITY);
        return cleanup;
    }

    /** The AM finished on its own (and cleaned up, or unregistered so that nothing follows): the hook does nothing. */
    void finishedNormally() {
        finished = true;
    }

    /** The ResourceManager asked the AM to stop: clean up now, while the JVM is still sure to run. Any thread. */
    void applicationStopped() {
        run();
    }

    /** Decides on the caller's thread; deleting twice, should both triggers run at once, is harmless. */
    @Override
    public void run() {
        if (finished || deleted) {
            return;
        }
        if (mayBeRetried && !endedForGood()) {
            LOG.info("Stopping with attempts left: keeping {} for the next attempt", directories);
            return;
        }
        deleted = true;
        for (Path dir : directories) {
            try {
                dir.getFileSystem(yarn).delete(dir, true);
                LOG.info("Deleted {}: the application ended", dir);
            } catch (Exception e) {
                LOG.warn("Could not delete {} (the janitor will): {}", dir, e.toString());
            }
        }
    }

    private boolean endedForGood() {
        try {
            YarnApplicationAttemptState attempt = client.getApplicationAttemptReport(attemptId)
                    .getYarnApplicationAttemptState();
            if (attempt == YarnApplicationAttemptState.KILLED) {
                return true; // one call, not two: the container may be killed for good any moment
            }
            YarnApplicationState application = client.getApplicationReport(attemptId.getApplicationId())
                    .getYarnApplicationState();
            return endedForGood(attempt, application);
        } catch (Exception e) {
            LOG.info("Could not ask the ResourceManager whether the application ended ({}); keeping {}",
                    e.toString(), directories);
            return false;
        }
    }

    /**
     * @param attempt this attempt's state as the ResourceManager reports it
     * @param application the application's state
     * @return whether no attempt follows this one: the application is over, or this attempt was killed with it
     *     (a killed application's last attempt is KILLED before its container is stopped, while the application
     *     may still show RUNNING)
     */
    static boolean endedForGood(YarnApplicationAttemptState attempt, YarnApplicationState application) {
        return APPLICATION_OVER.contains(application) || attempt == YarnApplicationAttemptState.KILLED;
    }
}
