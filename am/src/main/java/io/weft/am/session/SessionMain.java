package io.weft.am.session;

import io.weft.am.master.ApplicationMaster;
import io.weft.am.master.ClusterModeEngines;
import io.weft.api.WeftException;
import io.weft.api.WeftSession;
import io.weft.conf.ConfigKeys;
import io.weft.conf.WeftConf;
import io.weft.driver.DriverEngine;
import io.weft.driver.session.SessionEndpoint;
import io.weft.driver.session.SessionService;
import io.weft.driver.session.EngineSessionScopes;
import io.weft.yarnconf.YarnConfigKeys;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The program a long-running session runs in its ApplicationMaster ({@code WeftSubmit --start-session} submits
 * it as a cluster-mode application). It opens an ordinary session with master {@code yarn} (so executors, dynamic
 * allocation, the status UI, event logs and Kerberos work as for any cluster-mode program) under the FAIR
 * scheduler, accepts attached programs through a {@link SessionService} on the driver endpoint's port, and
 * publishes where to reach it as a {@link SessionEndpoint} in {@code <staging dir>/}{@value #ENDPOINT_FILE}
 * (0600, in the application's 0700 staging directory, so only the owning user can read the client secret).
 *
 * <p>It ends, and the ApplicationMaster unregisters SUCCEEDED with a diagnostic saying why, when nothing has been
 * attached and no job has run for {@code weft.session.idleTimeout}, or when its owner asks it to stop by creating
 * {@code <staging dir>/}{@value #STOP_FILE} ({@code WeftSubmit --stop-session}). The ApplicationMaster keeps the
 * staging directory while this {@code main} runs and deletes it, and the shuffle directory, once it returns.
 * Runs on the ApplicationMaster's main thread; a daemon thread watches for the stop request.
 */
public final class SessionMain {

    /** The endpoint file's name in the application's staging directory. */
    public static final String ENDPOINT_FILE = "session";

    /** The file whose appearance in the staging directory asks the session to end. */
    public static final String STOP_FILE = "session-stop";

    /** Why the session ended, at the start of the diagnostics it unregisters with. */
    static final String ENDED_IDLE = "The session ended: idle";
    static final String ENDED_ON_REQUEST = "The session ended: stopped by its owner";

    private static final Logger LOG = LoggerFactory.getLogger(SessionMain.class);
    private static final long STOP_POLL_MILLIS = 1_000;

    private SessionMain() {
    }

    /**
     * @param args none
     * @throws Exception when the session cannot start or its endpoint cannot be written: the application fails
     *     with the error as its diagnostics, and {@code WeftSubmit --start-session} prints them
     */
    public static void main(String[] args) throws Exception {
        if (!ClusterModeEngines.inApplicationMaster()) {
            throw new WeftException("SessionMain runs inside a session's ApplicationMaster. Fix: start a session with"
                    + " 'yarn jar app.jar io.weft.am.WeftSubmit --start-session'.");
        }
        WeftConf conf = WeftConf.validate(systemSettings());
        Duration idleTimeout = Duration.ofMillis(conf.get(YarnConfigKeys.SESSION_IDLE_TIMEOUT));
        Path staging = ClusterModeEngines.stagingDirectory();
        FileSystem fs = staging.getFileSystem(new YarnConfiguration());
        // A later attempt of the ApplicationMaster: the earlier attempt's endpoint names a driver that is gone, so
        // that no program attaches to it, it goes before this attempt's driver starts.
        fs.delete(new Path(staging, ENDPOINT_FILE), false);
        try (WeftSession weft = WeftSession.builder().appName("weft-session").master("yarn")
                .config(SCHEDULER_MODE, "FAIR").getOrCreate()) {
            DriverEngine engine = (DriverEngine) weft.engine();
            // Shipped jars in the container's working directory, which YARN removes with the container.
            try (SessionService service = SessionService.start(engine, new EngineSessionScopes(engine),
                    new java.io.File(System.getProperty("user.dir"), "session-jars"))) {
                publish(fs, staging, service.endpoint());
                ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "weft-session-stop-watcher");
                    t.setDaemon(true);
                    return t;
                });
                Path stop = new Path(staging, STOP_FILE);
                watcher.scheduleWithFixedDelay(() -> {
                    try {
                        if (fs.exists(stop)) {
                            LOG.info("Asked to stop ({} exists): closing the session", stop);
                            service.close();
                        }
                    } catch (IOException | RuntimeException e) {
                        LOG.warn("Could not look for {}: {}", stop, e.toString());
                    }
                }, STOP_POLL_MILLIS, STOP_POLL_MILLIS, TimeUnit.MILLISECONDS);
                LOG.info("Session {} is ready; it ends after {} without attached programs or jobs",
                        ClusterModeEngines.applicationId(), idleTimeout);
                boolean idle;
                try {
                    idle = service.awaitIdle(idleTimeout);
                } finally {
                    watcher.shutdownNow();
                }
                String why = idle ? ENDED_IDLE + " for " + idleTimeout.toSeconds() + " s ("
                        + YarnConfigKeys.SESSION_IDLE_TIMEOUT.name() + ")" : ENDED_ON_REQUEST + " (WeftSubmit"
                        + " --stop-session)";
                LOG.info(why);
                ApplicationMaster.reportOnSuccess(why);
            }
        }
    }

    /** The scheduler mode key: a session shares its cores between attached programs fairly. */
    static final String SCHEDULER_MODE = io.weft.conf.SchedulerConfigKeys.SCHEDULER_MODE.name();

    /**
     * Writes the endpoint (0600; {@link SessionEndpoint#writeTo} writes a temporary file and renames it, so that a
     * client never reads half a file).
     *
     * @param fs the staging directory's file system
     * @param staging the staging directory (0700)
     * @param endpoint what to publish
     * @throws IOException when it cannot be written
     */
    static void publish(FileSystem fs, Path staging, SessionEndpoint endpoint) throws IOException {
        Path file = new Path(staging, ENDPOINT_FILE);
        endpoint.writeTo(fs, file);
        LOG.info("Wrote the session's endpoint to {}", file);
    }

    private static Map<String, String> systemSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        System.getProperties().forEach((k, v) -> {
            if (k instanceof String key && key.startsWith("weft.") && !key.equals(ConfigKeys.MASTER.name())) {
                settings.put(key, String.valueOf(v));
            }
        });
        return settings;
    }
}
