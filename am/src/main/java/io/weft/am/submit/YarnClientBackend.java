package io.weft.am.submit;

import io.weft.am.kerberos.AmCredentials;
import io.weft.am.kerberos.ApplicationTokens;
import io.weft.am.kerberos.KerberosLogin;
import io.weft.am.kerberos.TokenRefresher;
import io.weft.am.kerberos.TokensFile;
import io.weft.am.master.ApplicationMaster;
import io.weft.am.master.ClientModeLauncher;
import io.weft.am.master.AllocationRequestsFile;
import io.weft.am.master.ExcludedNodesFile;
import io.weft.am.master.ExecutorSpec;
import io.weft.am.master.InputHostsFile;
import io.weft.am.master.LaunchPolicy;
import io.weft.am.master.LauncherArguments;
import io.weft.am.master.PendingTaskLocality;
import io.weft.am.master.StartupTimeline;
import io.weft.am.master.TimelineFile;
import io.weft.am.master.YarnTopology;
import io.weft.driver.DriverContext;
import io.weft.driver.Poll;
import io.weft.driver.backend.RemoteExecutorsBackend;
import io.weft.driver.endpoint.DriverEndpoint;
import io.weft.planner.ClusterEvents;
import io.weft.planner.SchedulerListener;
import io.weft.planner.Topology;
import io.weft.runtime.channel.ApplicationSecrets;
import io.weft.yarnconf.YarnSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.UserGroupInformation;
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
 * Client mode on YARN: the driver runs in this JVM; a {@link ClientModeLauncher} ApplicationMaster asks YARN for
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
    /** Writes the driver's hints to the ApplicationMaster (excluded hosts, input hosts) off the scheduler thread. */
    private final java.util.concurrent.ExecutorService hintWriter =
            java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "weft-am-hint-writer");
                t.setDaemon(true);
                return t;
            });
    private volatile Staging.Report lastUpload;
    private FileSystem fs;
    private volatile int driverPort;
    private volatile TokenRefresher refresher;
    private volatile int expected;
    private volatile int parallelism;
    private final StartupTimeline timeline = new StartupTimeline();
    private volatile boolean printTimeline;
    /** The session's files, staging since the factory started it; set before the session starts. */
    private volatile ClientModeStaging files;
    /** The session's steps from the ResourceManager's connection to the end of staging; the factory starts it. */
    private volatile StagingSteps steps = new StagingSteps();

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

    /** Client mode places hosts on racks as cluster mode does: through the cluster's topology mapping. */
    @Override
    public Topology topology() {
        return YarnTopology.from(yarn);
    }

    /**
     * The session's start-up timeline: the driver's phases, and at {@link #close()} the ApplicationMaster's (from
     * its {@link TimelineFile}) and the close itself ({@code client exit}). Any thread.
     *
     * @return the timeline
     */
    public StartupTimeline timeline() {
        return timeline;
    }

    /**
     * @param print whether {@link #close()} prints the timeline on standard output ({@code weft.ui.progress});
     *     it is logged at INFO level either way
     */
    public void printTimeline(boolean print) {
        printTimeline = print;
    }

    /**
     * @param before the steps the session took before this backend started (new application, file system, ...),
     *     which staging's log line continues; called before the session starts
     */
    void continueSteps(StagingSteps before) {
        steps = before;
    }

    /** @param staging the files' staging, started by the factory; called before the session starts */
    void stageWith(ClientModeStaging staging) {
        files = staging;
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
    protected byte[] applicationSecret(DriverContext context) throws IOException {
        byte[] secret = ApplicationSecrets.random();
        fs = stagingDir.getFileSystem(yarn);
        return secret;
    }

    /** Stages the jars and configuration, and submits the launcher ApplicationMaster, which asks for executors. */
    @Override
    protected void startExecutors(ClusterEvents scheduler, DriverContext context, byte[] secret,
            DriverEndpoint endpoint, int port) throws IOException, YarnException {
        driverPort = port;
        StagingSteps steps = this.steps;
        steps.done("driver engine and endpoint");
        expected = io.weft.driver.DynamicAllocationSettings.initialExecutors(context.conf(),
                settings.executorInstances());
        parallelism = io.weft.driver.DynamicAllocationSettings.defaultParallelism(context.conf(),
                settings.executorInstances(), settings.executorCores());
        // The files were staged while the engine and endpoint started (ClientModeStaging).
        ClientModeStaging staged = java.util.Objects.requireNonNull(files,
                "the session's factory starts staging the files before the session starts");
        try {
            lastUpload = staged.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("Interrupted while staging the application's files");
        }
        steps.done("files (staged beside the above, " + staged.elapsedMillis() + " ms in all)");
        AmCredentials security = AmCredentials.forSubmission(context.conf(), yarn, fs, stagingDir, false);
        steps.done("credentials");
        steps.log();
        timeline.mark(StartupTimeline.Phase.STAGED);
        if (KerberosLogin.secure(yarn)) {
            refreshTokens(context, endpoint);
        }
        submit(advertisedHost(), port, secret, context, security);
    }

    /**
     * The driver is here: it keeps the tokens fresh from this JVM's Kerberos login (keytab or ticket), sends them to
     * the executors and, through the staging directory, to the launcher ApplicationMaster for later containers.
     */
    private void refreshTokens(DriverContext context, DriverEndpoint endpoint) throws IOException {
        UserGroupInformation login = UserGroupInformation.getCurrentUser();
        TokensFile file = new TokensFile(fs, stagingDir);
        // Not added to the login: it obtains tokens with Kerberos, which a token in the same UGI would pre-empt.
        TokenRefresher started = ApplicationTokens.started(login, null, context.conf(), yarn);
        refresher = started;
        started.onRefresh(endpoint::updateTokens);
        started.onRefresh(tokens -> {
            try {
                file.write(tokens);
            } catch (IOException e) {
                LOG.warn("Could not pass refreshed tokens to the ApplicationMaster: {}", e.toString());
            }
        });
    }

    @Override
    protected int expectedExecutors() {
        return expected;
    }

    /**
     * Dynamic allocation: the scheduler's target and releases go to the ApplicationMaster through a file in the
     * staging directory ({@link AllocationRequestsFile}), written on a background thread.
     *
     * @return the allocation client, usable once the session started
     */
    public io.weft.planner.ExecutorAllocationClient allocationClient() {
        return new AllocationRequestsFile(fs, stagingDir).writer(hintWriter);
    }

    /** The ResourceManager is asked at most every 100 ms. */
    @Override
    protected long registrationPollMillis() {
        return 100;
    }

    @Override
    protected Optional<String> registrationImpossible() {
        try {
            ApplicationReport report = yarnClient.getApplicationReport(appId());
            YarnApplicationState state = report.getYarnApplicationState();
            return ApplicationStates.isTerminal(state) ? Optional.of("the application ended (" + state
                    + ", final status " + report.getFinalApplicationStatus() + "): " + report.getDiagnostics())
                    : Optional.empty();
        } catch (IOException | YarnException e) {
            return Optional.of("lost contact with the ResourceManager: " + e.getMessage());
        }
    }

    @Override
    protected String description() {
        return "Application " + appId();
    }

    @Override
    protected String whereToLook() {
        String state = "";
        try {
            ApplicationReport report = yarnClient.getApplicationReport(appId());
            state = "The application is " + report.getYarnApplicationState()
                    + (report.getDiagnostics().isBlank() ? "" : ": " + report.getDiagnostics()) + ". ";
        } catch (IOException | YarnException | RuntimeException e) {
            // the state is optional context for the error
        }
        return state + "Container logs: yarn logs -applicationId " + appId();
    }

    @Override
    protected void started(ClusterEvents scheduler) {
        timeline.startingExecutors(expected);
        timeline.executors(endpoint.registrationTimes());
        watchApplication(scheduler);
    }

    /**
     * Fails the driver's jobs if the YARN application ends under it (the launcher gave up on failing executors,
     * or someone killed the application): without executors they would otherwise wait for ever.
     */
    private void watchApplication(ClusterEvents scheduler) {
        watcher.scheduleWithFixedDelay(() -> {
            try {
                ApplicationReport report = yarnClient.getApplicationReport(appId());
                YarnApplicationState state = report.getYarnApplicationState();
                if (!closed && ApplicationStates.isTerminal(state)) {
                    scheduler.abort("The YARN application " + appId() + " ended (" + state + ", final status "
                            + report.getFinalApplicationStatus() + "): " + report.getDiagnostics());
                    watcher.shutdown();
                }
            } catch (IOException | YarnException | RuntimeException e) {
                LOG.debug("Could not read the application report: {}", e.toString());
            }
        }, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
    }

    private void submit(String host, int port, byte[] secret, DriverContext context, AmCredentials security)
            throws IOException, YarnException {
        List<String> args = new LauncherArguments(host, port, ExecutorSpec.from(settings, context.conf()),
                fs.makeQualified(stagingDir).toString(), trackingUrl,
                LaunchPolicy.from(context.conf(), settings.executorInstances())).toArgs();
        ApplicationSubmissionContext submission = application.getApplicationSubmissionContext();
        Submissions.fill(submission, settings, appName, fs, stagingDir, yarn, javaHome,
                ClientModeLauncher.class.getName(), args, secret, context.conf(), security);
        yarnClient.submitApplication(submission);
        timeline.mark(StartupTimeline.Phase.SUBMITTED);
        LOG.info("Submitted application {} to queue {}", appId(), settings.queue());
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
        hintWriter.execute(() -> {
            try {
                new ExcludedNodesFile(current, stagingDir).write(copy);
            } catch (IOException e) {
                LOG.warn("Could not pass the excluded hosts {} to the ApplicationMaster: {}", copy, e.toString());
            }
        });
    }

    /**
     * Where waiting tasks' input is, for the ApplicationMaster's container requests: the listener writes the host
     * counts to the staging directory ({@link InputHostsFile}) on a background thread whenever
     * a stage with input locations is submitted.
     *
     * @return a listener to add to the driver's scheduler
     */
    public SchedulerListener inputLocality() {
        AtomicReference<PendingTaskLocality> self = new AtomicReference<>();
        self.set(new PendingTaskLocality(() -> {
            FileSystem current = fs;
            Map<String, Integer> counts = self.get().hostCounts();
            if (current != null) {
                hintWriter.execute(() -> {
                    try {
                        new InputHostsFile(current, stagingDir).write(counts);
                    } catch (IOException e) {
                        LOG.warn("Could not pass the input hosts to the ApplicationMaster: {}", e.toString());
                    }
                });
            }
        }));
        return self.get();
    }

    /** YARN places executors on several nodes and replaces lost ones: excluding a failing one helps. */
    @Override
    public boolean excludesFailingExecutors() {
        return true;
    }

    @Override
    public int defaultParallelism() {
        return parallelism;
    }

    /**
     * @return whether the application ended, or its ApplicationMaster unregistered (its final status is known): the
     *     launcher AM does nothing after that but exit, so the client need not wait for its container to end and a
     *     NodeManager to report it (up to a heartbeat more)
     */
    private boolean applicationEnded() {
        try {
            org.apache.hadoop.yarn.api.records.ApplicationReport report = yarnClient.getApplicationReport(appId());
            return ApplicationStates.isTerminal(report.getYarnApplicationState())
                    || report.getFinalApplicationStatus()
                            != org.apache.hadoop.yarn.api.records.FinalApplicationStatus.UNDEFINED;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (YarnException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }

    /** Stops the executors, lets the AM finish (or kills it), and deletes the staging directory. */
    @Override
    public void close() {
        closed = true;
        TokenRefresher tokens = refresher;
        if (tokens != null) {
            tokens.close();
        }
        watcher.shutdownNow();
        hintWriter.shutdownNow();
        StagingSteps closing = new StagingSteps("Closed");
        closeEndpoint();
        closing.done("driver endpoint");
        // The AM's part of the timeline is read while the AM unregisters, and before the staging directory goes.
        InBackground<Void> amTimeline = fs == null ? null : readAmTimelineInBackground();
        try {
            // The launcher AM notices the driver is gone and unregisters, typically within 100 ms: asked every
            // 20 ms for a second, then every 100 ms (few calls to the ResourceManager); killed only if it does not.
            if (Poll.until(this::applicationEnded, 1_000, 20) || Poll.until(this::applicationEnded, 14_000, 100)) {
                timeline.mark(StartupTimeline.Phase.CLIENT_SAW_END);
                closing.done("AM unregistered");
            } else {
                yarnClient.killApplication(appId());
                closing.done("AM killed");
            }
        } catch (IOException | YarnException | UncheckedIOException e) {
            LOG.warn("Could not confirm that application {} ended: {}", appId(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (amTimeline != null) {
                amTimeline.awaitQuietly();
                closing.done("AM timeline");
            }
            ClientModeStaging staged = files;
            try {
                if (staged != null) {
                    staged.awaitThenDelete(); // no upload may write into the directory being deleted
                } else if (fs != null) {
                    fs.delete(stagingDir, true);
                }
            } catch (IOException e) {
                LOG.warn("Could not delete the staging directory {}: {}", stagingDir, e.toString());
            }
            closing.done("staging directory");
            yarnClient.stop();
            closing.done("ResourceManager client");
            closing.log();
            timeline.mark(StartupTimeline.Phase.CLIENT_EXIT);
            LOG.info("Application {}: {}", appId(), timeline.format());
            if (printTimeline) {
                System.out.println(timeline.format());
            }
        }
    }

    /** {@link #readAmTimeline()} on a thread of its own (in line if none can be started). */
    private InBackground<Void> readAmTimelineInBackground() {
        try {
            return InBackground.start("weft-am-timeline", () -> {
                readAmTimeline();
                return null;
            });
        } catch (IOException e) {
            readAmTimeline();
            return null;
        }
    }

    /** The ApplicationMaster's part of the timeline, before the staging directory goes. */
    private void readAmTimeline() {
        try {
            new TimelineFile(fs, stagingDir).read().ifPresent(timeline::merge);
        } catch (IOException e) {
            LOG.debug("Could not read the ApplicationMaster's timeline: {}", e.toString());
        }
    }
}
