package io.weft.am.submit;

import io.weft.am.master.ApplicationMaster;
import io.weft.am.master.ExcludedNodesFile;
import io.weft.am.master.ExecutorLauncher;
import io.weft.am.master.LaunchPolicy;
import io.weft.api.WeftException;
import io.weft.planner.DagScheduler;
import io.weft.driver.endpoint.DriverEndpoint;
import io.weft.driver.backend.RemoteExecutorsBackend;
import io.weft.runtime.channel.Messages.Registered;
import io.weft.conf.ConfigKeys;
import io.weft.driver.DriverContext;
import io.weft.yarnconf.YarnSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.ApplicationSubmissionContext;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.client.api.YarnClientApplication;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.exceptions.YarnException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client mode on YARN: the driver runs in this JVM; an {@link ExecutorLauncher} ApplicationMaster asks YARN for
 * executor containers, which connect back to this driver over the authenticated channel. The application secret
 * travels to the AM and the executors in the containers' credentials, never on a command line.
 */
public final class YarnClientBackend extends RemoteExecutorsBackend {

    private static final Logger LOG = LoggerFactory.getLogger(YarnClientBackend.class);

    private final YarnClient yarnClient;
    private final YarnClientApplication application;
    private final YarnConfiguration yarn;
    private final YarnSettings settings;
    private final String appName;
    private final Path stagingDir;
    private final String javaHome;
    private final Path jarCache;
    private final String trackingUrl;
    private volatile boolean closed;
    private final java.util.concurrent.ScheduledExecutorService watcher =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "weft-application-watch");
                t.setDaemon(true);
                return t;
            });
    private final java.util.concurrent.ExecutorService exclusionWriter =
            java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "weft-exclusion-writer");
                t.setDaemon(true);
                return t;
            });
    private volatile Staging.Report lastUpload;
    private String executorJavaOptions = "";
    private FileSystem fs;
    private volatile int driverPort;

    /**
     * @param yarnClient a started client
     * @param application the application created for this session
     * @param yarn the cluster's configuration
     * @param settings the YARN settings
     * @param appName the application's name
     * @param stagingDir this application's staging directory
     * @param javaHome JAVA_HOME for containers, or {@code null} for the NodeManagers'
     * @param jarCache the shared jar cache directory
     * @param trackingUrl the driver's status UI, which the ApplicationMaster registers as the tracking URL, or
     *     {@code null} when the UI is off
     */
    public YarnClientBackend(YarnClient yarnClient, YarnClientApplication application, YarnConfiguration yarn,
            YarnSettings settings, String appName, Path stagingDir, String javaHome, Path jarCache,
            String trackingUrl) {
        this.yarnClient = yarnClient;
        this.application = application;
        this.yarn = yarn;
        this.settings = settings;
        this.appName = appName;
        this.stagingDir = stagingDir;
        this.javaHome = javaHome;
        this.jarCache = jarCache;
        this.trackingUrl = trackingUrl;
    }

    /** @return the port the driver listens on for executors */
    public int driverPort() {
        return driverPort;
    }

    /** @return what this application's upload copied and reused */
    public Staging.Report uploadReport() {
        return lastUpload;
    }

    private ApplicationId appId() {
        return application.getNewApplicationResponse().getApplicationId();
    }

    @Override
    public void start(DagScheduler scheduler, DriverContext context) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        executorJavaOptions = context.conf().get(ConfigKeys.EXECUTOR_JAVA_OPTIONS);
        try {
            fs = stagingDir.getFileSystem(yarn);
            endpoint = new DriverEndpoint(scheduler, context.kryo(), secret, new Registered(context.applicationId(),
                    context.conf().asMap(), context.shuffleDir().toString()),
                    context.conf().get(ConfigKeys.HEARTBEAT_TIMEOUT), System::currentTimeMillis,
                    context.conf().get(ConfigKeys.EXIT_REASON_WAIT));
            int port = endpoint.start("0.0.0.0", 0);
            driverPort = port;
            String host = InetAddress.getLocalHost().getHostName();
            lastUpload = Staging.upload(fs, stagingDir, jarCache, Arrays.asList(System.getProperty("java.class.path")
                    .split(java.io.File.pathSeparator)));
            Staging.uploadConfiguration(fs, stagingDir, yarn);
            submit(host, port, secret, context);
        } catch (IOException | YarnException e) {
            close();
            throw new WeftException("Could not submit the application to YARN: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new WeftException("Interrupted while starting the driver endpoint", e);
        }
        awaitExecutors(context.conf().get(ConfigKeys.REGISTRATION_TIMEOUT));
        watchApplication(scheduler);
    }

    /**
     * Fails the driver's jobs if the YARN application ends under it (the launcher gave up on failing executors,
     * or someone killed the application): without executors they would otherwise wait for ever.
     */
    private void watchApplication(DagScheduler scheduler) {
        watcher.scheduleWithFixedDelay(() -> {
            try {
                ApplicationReport report = yarnClient.getApplicationReport(appId());
                YarnApplicationState state = report.getYarnApplicationState();
                if (!closed && EnumSet.of(YarnApplicationState.FINISHED, YarnApplicationState.FAILED,
                        YarnApplicationState.KILLED).contains(state)) {
                    scheduler.abort("The YARN application " + appId() + " ended (" + state + ", final status "
                            + report.getFinalApplicationStatus() + "): " + report.getDiagnostics());
                    watcher.shutdown();
                }
            } catch (IOException | YarnException | RuntimeException e) {
                LOG.debug("Could not read the application report: {}", e.toString());
            }
        }, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
    }

    private void submit(String host, int port, byte[] secret, DriverContext context)
            throws IOException, YarnException {
        List<String> args = new java.util.ArrayList<>(List.of(host, String.valueOf(port),
                String.valueOf(settings.executorInstances()), String.valueOf(settings.executorMemoryMb()),
                String.valueOf(settings.executorContainerMb()), String.valueOf(settings.executorCores()),
                fs.makeQualified(stagingDir).toString(), ExecutorLauncher.encodeOptions(executorJavaOptions),
                trackingUrl == null ? ExecutorLauncher.NO_TRACKING_URL : trackingUrl,
                LaunchPolicy.from(context.conf(), settings.executorInstances()).encode()));
        if (settings.executorNodeLabel() != null) {
            args.add(settings.executorNodeLabel());
        }
        ApplicationSubmissionContext submission = application.getApplicationSubmissionContext();
        Submissions.fill(submission, settings, appName, fs, stagingDir, yarn, javaHome,
                ExecutorLauncher.class.getName(), args, secret);
        yarnClient.submitApplication(submission);
        LOG.info("Submitted application {} to queue {}", appId(), settings.queue());
    }

    private void awaitExecutors(long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (endpoint.executorIds().size() < settings.executorInstances()) {
            ApplicationReport report;
            try {
                report = yarnClient.getApplicationReport(appId());
            } catch (IOException | YarnException e) {
                close();
                throw new WeftException("Lost contact with the ResourceManager: " + e.getMessage(), e);
            }
            YarnApplicationState state = report.getYarnApplicationState();
            boolean ended = EnumSet.of(YarnApplicationState.FINISHED, YarnApplicationState.FAILED,
                    YarnApplicationState.KILLED).contains(state);
            if (ended || System.currentTimeMillis() > deadline) {
                String message = "Application " + appId() + ": " + endpoint.executorIds().size() + " of "
                        + settings.executorInstances() + " executors registered; "
                        + (ended ? "the application ended (" + state + ", final status "
                                + report.getFinalApplicationStatus() + "): " + report.getDiagnostics()
                                : "timed out after " + timeoutMillis + " ms (" + ConfigKeys.REGISTRATION_TIMEOUT.name()
                                        + ") with the application " + state + (report.getDiagnostics().isBlank()
                                        ? "" : ": " + report.getDiagnostics()))
                        + ". Container logs: yarn logs -applicationId " + appId();
                close();
                throw new WeftException(message);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new WeftException("Interrupted while waiting for executors", e);
            }
        }
        LOG.info("Application {}: {} executors registered", appId(), endpoint.executorIds().size());
    }

    /**
     * The scheduler's excluded hosts go to the ApplicationMaster (through a file in the staging directory), which
     * puts them on YARN's blacklist. Written on a background thread: the scheduler thread must not wait.
     */
    @Override
    public void excludedNodesChanged(java.util.Set<String> hosts) {
        FileSystem current = fs;
        if (current == null) {
            return;
        }
        java.util.Set<String> copy = java.util.Set.copyOf(hosts);
        exclusionWriter.execute(() -> {
            try {
                new ExcludedNodesFile(current, stagingDir).write(copy);
            } catch (IOException e) {
                LOG.warn("Could not pass the excluded hosts {} to the ApplicationMaster: {}", copy, e.toString());
            }
        });
    }

    /** YARN places executors on several nodes and replaces lost ones: excluding a failing one helps. */
    @Override
    public boolean excludesFailingExecutors() {
        return true;
    }

    @Override
    public int defaultParallelism() {
        return settings.executorInstances() * settings.executorCores();
    }

    /** Stops the executors, lets the AM finish (or kills it), and deletes the staging directory. */
    @Override
    public void close() {
        closed = true;
        watcher.shutdownNow();
        exclusionWriter.shutdownNow();
        closeEndpoint();
        try {
            long deadline = System.currentTimeMillis() + 15_000;
            while (System.currentTimeMillis() < deadline) {
                YarnApplicationState state = yarnClient.getApplicationReport(appId()).getYarnApplicationState();
                if (state == YarnApplicationState.FINISHED || state == YarnApplicationState.FAILED
                        || state == YarnApplicationState.KILLED) {
                    break;
                }
                Thread.sleep(200);
            }
            YarnApplicationState state = yarnClient.getApplicationReport(appId()).getYarnApplicationState();
            if (state != YarnApplicationState.FINISHED && state != YarnApplicationState.FAILED
                    && state != YarnApplicationState.KILLED) {
                yarnClient.killApplication(appId());
            }
        } catch (IOException | YarnException e) {
            LOG.warn("Could not confirm that application {} ended: {}", appId(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                if (fs != null) {
                    fs.delete(stagingDir, true);
                }
            } catch (IOException e) {
                LOG.warn("Could not delete the staging directory {}: {}", stagingDir, e.toString());
            }
            yarnClient.stop();
        }
    }
}
