package io.weft.am.master;

import io.weft.am.kerberos.DelegationTokens;
import io.weft.am.kerberos.TokensFile;
import io.weft.driver.endpoint.ExecutorExitReporter;
import io.weft.runtime.channel.ApplicationSecrets;
import io.weft.runtime.serial.KryoPool;
import java.io.IOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ApplicationMaster in client mode: the driver runs in the submitting JVM, so this AM only runs an
 * {@link ExecutorLauncher} for it. Its main thread runs the launcher's events; between events it checks that the
 * driver is still reachable (three failed probes in a row end the application; one, when the connection to the
 * driver its exit reporter holds has just closed, as it does when the driver stops) and reads the hosts the driver's
 * scheduler excluded ({@link ExcludedNodesFile}) and where its waiting tasks' input is ({@link InputHostsFile}), so
 * container requests prefer those hosts as in cluster mode, and, with dynamic allocation, the executor target and
 * releases it asks for ({@link AllocationRequestsFile}). Executors' exit reasons go to the driver over a connection of
 * their own ({@link ExecutorExitReporter}). It unregisters SUCCEEDED when the driver is gone, FAILED when the
 * launcher gave up, KILLED when YARN asked it to stop.
 *
 * <pre>ClientModeLauncher {@link LauncherArguments}</pre>
 */
public final class ClientModeLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(ClientModeLauncher.class);
    private static final int UNREACHABLE_PROBES = 3;
    /** Idle wait between checks while the driver answers. */
    private static final long IDLE_MILLIS = 1000;
    /**
     * Wait before probing again once a probe failed: a driver that closed its session is gone for good, and the
     * application ends about half a second later rather than after three idle seconds (its client waits for that).
     */
    private static final long REPROBE_MILLIS = 200;
    /**
     * Watched connections that closed while the driver still answered (a network blip, or a connection it refused)
     * before the launcher stops watching and relies on its periodic probes alone.
     */
    private static final int MAX_FALSE_ALARMS = 3;

    private ClientModeLauncher() {
    }

    /**
     * @param args see {@link LauncherArguments}
     * @throws Exception when the AM cannot register or unregister
     */
    public static void main(String[] args) throws Exception {
        LauncherArguments arguments = LauncherArguments.parse(args);
        byte[] secret = ApplicationSecrets.fromCurrentUser().orElse(null);
        if (arguments.spec().inApplicationMaster()) {
            // First: the executor's start and registration overlap this AM's own with the ResourceManager.
            if (secret == null) {
                LOG.error("No application secret in this container's credentials: no executor starts in the"
                        + " ApplicationMaster");
            } else {
                AmExecutor.start(arguments.driverHost(), arguments.driverPort(), arguments.spec().cores(),
                        arguments.spec().heapMb(), secret);
            }
        }
        YarnConfiguration yarn = new YarnConfiguration();
        Path stagingDir = new Path(arguments.stagingDir());
        StartupTimeline timeline = new StartupTimeline();
        timeline.mark(StartupTimeline.Phase.AM_START,
                java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime());
        ExecutorLauncher launcher = ExecutorLauncher.create(arguments.spec(), arguments.policy(), stagingDir, yarn,
                timeline);
        launcher.register(arguments.trackingUrl() == null ? "" : arguments.trackingUrl());
        ExecutorExitReporter reporter = null;
        // Set on the reporter's event loop when its connection to the driver closes; read by this thread.
        java.util.concurrent.atomic.AtomicBoolean connectionClosed = new java.util.concurrent.atomic.AtomicBoolean();
        if (secret != null) {
            reporter = new ExecutorExitReporter(arguments.driverHost(), arguments.driverPort(),
                    secret, io.weft.runtime.channel.ChannelOptions.forClient(), new KryoPool(ClientModeLauncher.class.getClassLoader()));
            launcher.onExecutorExit(reporter::report);
            Runtime.getRuntime().addShutdownHook(new Thread(reporter::close, "exit-reporter-close"));
        }
        launcher.requestExecutors(arguments.driverHost(), arguments.driverPort());
        ExcludedNodesFile excluded = new ExcludedNodesFile(FileSystem.get(yarn), stagingDir);
        InputHostsFile inputHosts = new InputHostsFile(FileSystem.get(yarn), stagingDir);
        AllocationRequestsFile allocation = new AllocationRequestsFile(FileSystem.get(yarn), stagingDir);
        TokensFile tokens = UserGroupInformation.isSecurityEnabled()
                ? new TokensFile(FileSystem.get(yarn), stagingDir) : null;
        TimelineWriter timelineWriter = new TimelineWriter(timeline, new TimelineFile(FileSystem.get(yarn),
                stagingDir));
        int unreachable = 0;
        int falseAlarms = 0;
        if (reporter != null) {
            reporter.watchDriver(() -> wake(launcher, connectionClosed));
        }
        while (unreachable < UNREACHABLE_PROBES && launcher.finalStatus() == FinalApplicationStatus.SUCCEEDED) {
            if (launcher.runNextEvent(unreachable > 0 ? REPROBE_MILLIS : IDLE_MILLIS)
                    && !connectionClosed.get()) {
                timelineWriter.writeIfChanged();
                continue;
            }
            boolean reachable = ExecutorLauncher.DriverProbe.SOCKET.reachable(arguments.driverHost(),
                    arguments.driverPort());
            if (connectionClosed.getAndSet(false)) {
                LOG.info("The connection to the driver closed; its port {}", reachable ? "still answers"
                        : "refuses: the driver is gone");
                // The driver's connection closed and its port refuses: it stopped (or died); no need to ask twice.
                // Reachable: the connection dropped for another reason, so watch a new one.
                unreachable = reachable ? 0 : UNREACHABLE_PROBES;
                if (reachable && ++falseAlarms <= MAX_FALSE_ALARMS) {
                    reporter.watchDriver(() -> wake(launcher, connectionClosed));
                } else if (reachable) {
                    LOG.info("The connection to the driver keeps closing while it answers: probing every {} ms only",
                            IDLE_MILLIS);
                }
            } else {
                unreachable = reachable ? 0 : unreachable + 1;
                if (!reachable) {
                    LOG.info("The driver did not answer a probe ({} of {} in a row)", unreachable,
                            UNREACHABLE_PROBES);
                }
            }
            readDriverExclusions(excluded, launcher);
            readInputHosts(inputHosts, launcher);
            readAllocationRequests(allocation, launcher);
            readDriverTokens(tokens);
        }
        launcher.finish(launcher.finalStatus(), launcher.finalMessage(), "");
        System.exit(0);
    }

    /** On the reporter's event loop: the driver's connection closed; wake the loop to probe now. */
    private static void wake(ExecutorLauncher launcher, java.util.concurrent.atomic.AtomicBoolean connectionClosed) {
        connectionClosed.set(true);
        launcher.wake();
    }

    /** Client mode, dynamic allocation: the driver writes its executor target and the executors it released. */
    private static void readAllocationRequests(AllocationRequestsFile file, ExecutorLauncher launcher) {
        try {
            file.readIfChanged().ifPresent(requests -> {
                LOG.info("The driver wants {} executors; it released {} so far", requests.target(),
                        requests.released().size());
                AllocationRequestsFile.apply(requests, launcher);
            });
        } catch (IOException | RuntimeException e) {
            LOG.debug("Could not read the driver's allocation requests: {}", e.toString());
        }
    }

    /** Client mode: the driver writes where its waiting tasks' input is; requests prefer those hosts. */
    private static void readInputHosts(InputHostsFile file, ExecutorLauncher launcher) {
        try {
            file.readIfChanged().ifPresent(counts -> {
                LOG.info("Waiting tasks of the driver read input on {} hosts", counts.size());
                launcher.preferInputHosts(() -> counts);
                launcher.relocalizeOutstanding();
            });
        } catch (IOException e) {
            LOG.debug("Could not read the driver's input hosts: {}", e.toString());
        }
    }

    /**
     * Kerberos: the driver writes the delegation tokens it refreshed to the staging directory; they join this AM's
     * credentials, which executor containers launched from now on get.
     */
    private static void readDriverTokens(TokensFile file) {
        if (file == null) {
            return;
        }
        try {
            file.readIfChanged().ifPresent(credentials -> {
                try {
                    UserGroupInformation.getCurrentUser().addCredentials(credentials);
                    LOG.info("Refreshed delegation tokens from the driver: {}", DelegationTokens.describe(credentials));
                } catch (IOException e) {
                    LOG.warn("Could not add the driver's refreshed tokens: {}", e.toString());
                }
            });
        } catch (IOException e) {
            LOG.debug("Could not read the driver's refreshed tokens: {}", e.toString());
        }
    }

    /** Client mode: the driver writes its scheduler's excluded hosts to the staging directory. */
    private static void readDriverExclusions(ExcludedNodesFile file, ExecutorLauncher launcher) {
        try {
            file.readIfChanged().ifPresent(hosts -> {
                LOG.info("The driver excludes hosts {} after repeated task failures", hosts);
                launcher.schedulerExcludedNodes(hosts);
            });
        } catch (IOException e) {
            LOG.debug("Could not read the driver's excluded hosts: {}", e.toString());
        }
    }
}
