package io.weft.am.submit;

import io.weft.conf.WeftConf;
import io.weft.yarnconf.YarnConfigKeys;
import java.io.IOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client-mode session's files, staged on a thread of their own while the session builds its status UI, driver
 * engine and endpoint: the jars (checked against the caches, uploaded when new), the files shipped with
 * {@code weft.yarn.shipFiles} and the like, the Hadoop configuration and the launch script. None of them needs the
 * driver's address, which only the ApplicationMaster's launch context carries; so the session submits as soon as
 * its endpoint listens, instead of staging after it.
 *
 * <p>Started by the session's factory; {@link #join}ed by the backend before it submits; awaited (never
 * interrupted) before anything deletes the staging directory, so that no upload writes into a directory being
 * removed.
 */
final class ClientModeStaging {

    private static final Logger LOG = LoggerFactory.getLogger(ClientModeStaging.class);

    private final FileSystem fs;
    private final Path stagingDir;
    private final InBackground<Staging.Report> files;
    private final long startNanos = System.nanoTime();

    private ClientModeStaging(FileSystem fs, Path stagingDir, InBackground<Staging.Report> files) {
        this.fs = fs;
        this.stagingDir = stagingDir;
        this.files = files;
    }

    /**
     * @param fs the cluster's file system
     * @param stagingDir the application's staging directory (created here, owner-only)
     * @param jarCache the shared jar cache directory
     * @param conf the session's settings
     * @param yarn the cluster's configuration, shipped to the containers
     * @return the staging, running
     * @throws IOException when the current Hadoop user cannot be determined
     */
    static ClientModeStaging start(FileSystem fs, Path stagingDir, Path jarCache, WeftConf conf,
            YarnConfiguration yarn) throws IOException {
        return new ClientModeStaging(fs, stagingDir, InBackground.start("weft-staging", () -> {
            // The program runs in this JVM: its main class is the one the JVM was started with.
            ChosenJars chosen = ChosenJars.choose(null, conf, yarn, System.getenv());
            Staging.prepareDirectories(fs, stagingDir, jarCache);
            // The Hadoop configuration goes up while the jars are checked against the caches (see SubmitCommand).
            InBackground<Void> configuration = InBackground.start("weft-staging-configuration", () -> {
                Staging.uploadConfiguration(fs, stagingDir, yarn);
                Staging.uploadLaunchScript(fs, stagingDir, conf);
                return null;
            });
            Staging.Report report;
            try {
                report = Staging.upload(fs, stagingDir, jarCache, chosen.staged(), chosen.applicationJars(),
                        conf.get(YarnConfigKeys.REMEMBER_VERIFIED_JARS),
                        conf.get(YarnConfigKeys.CLASS_DATA_SHARING) ? FrameworkJars.defaultDir() : null);
                ShippedResources.stage(fs, stagingDir, jarCache, conf);
            } finally {
                configuration.awaitQuietly(); // its failure, if any, surfaces from join() below
            }
            configuration.join();
            return report;
        }));
    }

    /**
     * Waits for the files. Called by the backend's starting thread.
     *
     * @return what the jars' upload copied and reused
     * @throws IOException the staging's own failure
     * @throws InterruptedException when the waiting thread is interrupted
     */
    Staging.Report join() throws IOException, InterruptedException {
        return files.join();
    }

    /** @return milliseconds from the start of staging until now */
    long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /**
     * Waits for the staging to end, whatever its outcome, then deletes the staging directory; a failure to delete
     * is logged (the janitor removes what is left). For a session that failed to start, or has ended.
     */
    void awaitThenDelete() {
        files.awaitQuietly();
        try {
            fs.delete(stagingDir, true);
        } catch (IOException e) {
            LOG.warn("Could not delete the staging directory {}: {}", stagingDir, e.toString());
        }
    }
}
