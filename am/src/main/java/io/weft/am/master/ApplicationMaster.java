package io.weft.am.master;

import io.weft.am.kerberos.ApplicationTokens;
import io.weft.api.WeftSession;
import io.weft.conf.ConfigKeys;
import io.weft.conf.WeftConf;
import io.weft.driver.DriverAttempt;
import io.weft.status.DriverUi;
import io.weft.yarnconf.ApplicationDirs;
import io.weft.yarnconf.StagingLayout;
import io.weft.yarnconf.YarnSettings;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ApplicationMaster in cluster mode: registers with the ResourceManager, then runs the user's {@code main}
 * as the driver. This AM asks for the executor containers right after registering ({@link EarlyExecutors}; or,
 * with {@code weft.yarn.earlyExecutors=false}, when the program creates its session), and the session drives them
 * ({@link AmBackend}); a program that creates no session ends without them.
 * When {@code main} returns the AM unregisters SUCCEEDED; when it throws, FAILED with the exception's class,
 * message and stack trace as diagnostics, which {@code WeftSubmit} prints. The staging directory is deleted on
 * every path this process sees.
 */
public final class ApplicationMaster {

    private static final Logger LOG = LoggerFactory.getLogger(ApplicationMaster.class);

    /** The application description the client stages: settings, main class, arguments. */
    public static final String MAIN_CLASS = "weft.internal.mainClass";
    public static final String ARGS = "weft.internal.args";
    public static final String STAGING = "weft.internal.stagingDir";
    public static final String APP_NAME = "weft.internal.appName";
    private static final int MAX_DIAGNOSTICS = 16_000;
    /** What the program asked to report when it ends normally ({@link #reportOnSuccess}). */
    private static volatile String successDiagnostics = "";

    private ApplicationMaster() {
    }

    /** Waits for the status UI started beside the YARN clients; its failure is rethrown as it was thrown. */
    private static DriverUi started(java.util.concurrent.CompletableFuture<DriverUi> uiStart) {
        try {
            return uiStart.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /**
     * @param ignored the application is described by {@value StagingLayout#APP_FILE}
     * @throws Exception when the AM cannot register or unregister
     */
    public static void main(String[] ignored) throws Exception {
        Properties app = new Properties();
        try (InputStream in = new FileInputStream(StagingLayout.APP_FILE)) {
            app.load(in);
        }
        Map<String, String> settings = new HashMap<>();
        for (String key : app.stringPropertyNames()) {
            if (key.startsWith("weft.") && !key.startsWith("weft.internal.")) {
                settings.put(key, app.getProperty(key));
                System.setProperty(key, app.getProperty(key));
            }
        }
        System.setProperty(ConfigKeys.MASTER.name(), "yarn");
        WeftConf conf = WeftConf.validate(settings);
        YarnSettings yarnSettings = YarnSettings.from(conf);
        Path stagingDir = new Path(app.getProperty(STAGING));
        org.apache.hadoop.yarn.api.records.ApplicationAttemptId attemptId = org.apache.hadoop.yarn.api.records
                .ContainerId.fromString(System.getenv("CONTAINER_ID")).getApplicationAttemptId();
        String appId = attemptId.getApplicationId().toString();
        DriverAttempt attempt = attempt(attemptId.getAttemptId(), yarnSettings.amMaxAttempts(),
                new YarnConfiguration());
        // Before any executor is launched: they get this process's credentials, fresh ones with a keytab.
        AmContext.setTokens(ApplicationTokens.inApplicationMaster(conf, new YarnConfiguration()).orElse(null));
        LOG.info("ApplicationMaster attempt {}{}", attempt.number(), attempt.mayBeRetried()
                ? " (another follows if this one dies: committed work is journaled for it)" : " (the last)");
        // Each attempt's event log is its own file; the last one is the application's history.
        String uiId = attempt.number() > 1 ? appId + "-attempt" + attempt.number() : appId;
        StartupTimeline timeline = new StartupTimeline();
        timeline.mark(StartupTimeline.Phase.AM_START,
                java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime());
        ExecutorSpec spec = ExecutorSpec.from(yarnSettings, conf);
        // The status UI (its URL is the tracking URL registration needs) starts on a thread of its own while the
        // YARN clients are made: both are mostly class loading, and registering sooner brings the executors sooner.
        java.util.concurrent.CompletableFuture<DriverUi> uiStart = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> DriverUi.start(uiId, app.getProperty(APP_NAME, app.getProperty(MAIN_CLASS)), conf,
                        new YarnConfiguration(), false, WebProxies.access(new YarnConfiguration(), appId)),
                task -> {
                    Thread starter = new Thread(task, "weft-ui-start");
                    starter.setDaemon(true);
                    starter.start();
                });
        ExecutorLauncher launcher = ExecutorLauncher.create(spec,
                LaunchPolicy.from(conf, yarnSettings.executorInstances()), stagingDir, new YarnConfiguration(),
                timeline);
        DriverUi ui = started(uiStart);
        launcher.register(ui.url().orElse(""));
        launcher.startEventThread();
        // Executors start while main does, and wait for its session (or are given back if it creates none).
        EarlyExecutors early = EarlyExecutors.start(conf, launcher, spec.instances(), System.getenv()).orElse(null);
        AmContext.set(new AmContext(launcher, yarnSettings, stagingDir, appId, ui, attempt, timeline, early));
        YarnConfiguration yarn = new YarnConfiguration();
        AmShutdownCleanup cleanup = AmShutdownCleanup.install(yarn, attemptId, attempt.mayBeRetried(),
                List.of(stagingDir, new Path(ApplicationDirs.shuffleRoot(conf, FileSystem.get(yarn)), appId)));
        launcher.onShutdownRequest(cleanup::applicationStopped);

        FinalApplicationStatus status = FinalApplicationStatus.SUCCEEDED;
        String diagnostics = "";
        try {
            runMain(app.getProperty(MAIN_CLASS), decodeArgs(app.getProperty(ARGS, "")));
            diagnostics = successDiagnostics;
        } catch (Throwable t) {
            status = FinalApplicationStatus.FAILED;
            diagnostics = "The driver failed: " + stackTrace(t);
            LOG.error("The driver failed", t);
        } finally {
            WeftSession.active().ifPresent(WeftSession::close);
            if (early != null) {
                String given = early.releaseUnused().orElse("");
                diagnostics = given.isEmpty() || diagnostics.isEmpty() ? diagnostics + given : diagnostics + "\n" + given;
            }
            try {
                FileSystem.get(new YarnConfiguration()).delete(stagingDir, true);
            } catch (Exception e) {
                LOG.warn("Could not delete the staging directory {}: {}", stagingDir, e.toString());
            }
        }
        cleanup.finishedNormally();
        ui.applicationEnded(status == FinalApplicationStatus.SUCCEEDED);
        ui.close();
        String history = conf.get(ConfigKeys.HISTORY_ADDRESS);
        timeline.mark(StartupTimeline.Phase.AM_UNREGISTERING);
        // The timeline (timestamps only) rides on the final diagnostics, which WeftSubmit reads with the final report.
        launcher.finish(status, (diagnostics.length() > MAX_DIAGNOSTICS
                ? diagnostics.substring(0, MAX_DIAGNOSTICS) : diagnostics) + "\n" + timeline.encode(),
                history == null || conf.get(ConfigKeys.EVENT_LOG_DIR) == null ? ""
                        : history.replaceAll("/+$", "") + "/history/" + uiId + "/");
        System.exit(status == FinalApplicationStatus.SUCCEEDED ? 0 : 1);
    }

    /**
     * Sets the diagnostics the ApplicationMaster unregisters with when the program's {@code main} returns normally
     * (YARN shows them as the application's diagnostics; {@code WeftSubmit} prints them). Any thread; the last call
     * wins. A program that fails reports its exception instead.
     *
     * @param diagnostics one or a few lines, e.g. why a long-running session ended
     */
    public static void reportOnSuccess(String diagnostics) {
        successDiagnostics = diagnostics == null ? "" : diagnostics;
    }

    /**
     * @param number this attempt, from 1
     * @param requested {@code weft.am.maxAttempts}
     * @param yarn the cluster's configuration, whose {@code yarn.resourcemanager.am.max-attempts} caps it
     * @return the attempt, and whether YARN will start another if this one dies
     */
    static DriverAttempt attempt(int number, int requested, YarnConfiguration yarn) {
        int allowed = Math.min(requested, yarn.getInt(YarnConfiguration.RM_AM_MAX_ATTEMPTS,
                YarnConfiguration.DEFAULT_RM_AM_MAX_ATTEMPTS));
        return new DriverAttempt(number, number < allowed);
    }

    private static void runMain(String mainClass, String[] args) throws Throwable {
        LOG.info("Running the driver: {}.main({} arguments)", mainClass, args.length);
        try {
            Class.forName(mainClass, true, Thread.currentThread().getContextClassLoader())
                    .getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static String stackTrace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    /**
     * @param args program arguments
     * @return one line of base64-encoded arguments, safe in a properties file
     */
    public static String encodeArgs(List<String> args) {
        List<String> encoded = new ArrayList<>();
        for (String arg : args) {
            encoded.add(Base64.getEncoder().encodeToString(arg.getBytes(StandardCharsets.UTF_8)));
        }
        return String.join(",", encoded);
    }

    static String[] decodeArgs(String line) {
        if (line.isEmpty()) {
            return new String[0];
        }
        String[] parts = line.split(",");
        String[] out = new String[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = new String(Base64.getDecoder().decode(parts[i]), StandardCharsets.UTF_8);
        }
        return out;
    }
}
