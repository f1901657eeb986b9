package io.weft.am.master;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.ContainerStatus;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ApplicationMaster's executor side, in both modes: it registers with the ResourceManager, asks for the
 * executor containers and keeps them coming ({@link ContainerAllocator}), counts failures and keeps YARN's
 * blacklist ({@link ExecutorFailureHandler}), and unregisters at the end. In cluster mode the driver runs in the
 * same JVM ({@link AmBackend}); in client mode {@link ClientModeLauncher} runs it as the AM's main.
 *
 * <p>Threading: YARN's callbacks ({@link YarnAmClient.Callbacks}) and the public methods only enqueue events; one
 * event thread ({@link #startEventThread()}, or the client-mode main loop through {@link #runNextEvent}) owns
 * all state. An event that throws is logged and the loop goes on.
 *
 * <p>Failures: an executor container that fails (to start, or later) is replaced and counts against the failure
 * budget; a node where containers keep failing, or that the driver's scheduler excluded, goes on YARN's
 * blacklist for a while. When the budget is spent, or every node of the cluster is excluded, the launcher gives
 * up: the {@link #onFatal fatal handler} hears why and {@link #finalStatus()} becomes FAILED.
 */
public final class ExecutorLauncher implements YarnAmClient.Callbacks {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorLauncher.class);

    private final ExecutorSpec spec;
    private final YarnAmClient yarn;
    private final ContainerAllocator allocator;
    private final ExecutorFailureHandler failures;
    private final BlockingQueue<Runnable> events = new LinkedBlockingQueue<>();
    private volatile String driverHost;
    private volatile int driverPort;
    private volatile float progress;
    private volatile Consumer<String> fatalHandler = message -> { };
    private volatile Runnable shutdownHandler = () -> { };
    private volatile FinalApplicationStatus finalStatus = FinalApplicationStatus.SUCCEEDED;
    private volatile String finalMessage = "driver finished";

    /** Whether the driver at a host and port still accepts connections. */
    @FunctionalInterface
    interface DriverProbe {
        /**
         * @param host the driver's host
         * @param port its port
         * @return whether it is reachable
         */
        boolean reachable(String host, int port);

        /** A TCP connection attempt with a 2 s timeout. */
        DriverProbe SOCKET = (host, port) -> {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(host, port), 2000);
                return true;
            } catch (IOException e) {
                return false;
            }
        };
    }

    /**
     * @param spec the executors to run
     * @param policy the failure budget and node exclusion
     * @param yarn the ResourceManager and NodeManagers
     * @param contexts makes executor containers' launch contexts
     * @param probe tells whether the driver is still there (no replacements otherwise)
     * @param clock the time in milliseconds
     * @param nodeNamesIncludePort whether YARN names nodes host:port
     */
    ExecutorLauncher(ExecutorSpec spec, LaunchPolicy policy, YarnAmClient yarn, ExecutorLaunchContexts contexts,
            DriverProbe probe, LongSupplier clock, boolean nodeNamesIncludePort) {
        this.spec = spec;
        this.yarn = yarn;
        this.failures = new ExecutorFailureHandler(policy, yarn, clock, this::gaveUp);
        this.allocator = new ContainerAllocator(spec, yarn, contexts, failures,
                () -> driverHost != null && probe.reachable(driverHost, driverPort), nodeNamesIncludePort);
    }

    /**
     * The launcher of a real ApplicationMaster: YARN's asynchronous clients, the staged jars, a socket probe.
     *
     * @param spec the executors to run
     * @param policy the failure budget and node exclusion
     * @param stagingDir the application's staging directory
     * @param yarn the cluster's configuration
     * @param timeline where YARN's part of the start-up is marked (registration, requests, allocations, launches)
     * @return the launcher, not yet registered
     * @throws IOException when the staging directory or the credentials cannot be read
     */
    static ExecutorLauncher create(ExecutorSpec spec, LaunchPolicy policy, Path stagingDir, YarnConfiguration yarn,
            StartupTimeline timeline) throws IOException {
        return new ExecutorLauncher(spec, policy, new AsyncYarnAmClient(yarn, timeline),
                ExecutorLaunchContexts.staged(yarn, stagingDir, spec), DriverProbe.SOCKET, System::currentTimeMillis,
                yarn.getBoolean(YarnConfiguration.RM_SCHEDULER_INCLUDE_PORT_IN_NODE_NAME,
                        YarnConfiguration.DEFAULT_RM_SCHEDULER_USE_PORT_FOR_NODE_NAME));
    }

    /**
     * Registers this process as the application's master. Called once, on the AM's main thread.
     *
     * @param trackingUrl the tracking URL, or empty
     * @throws Exception when registration fails
     */
    void register(String trackingUrl) throws Exception {
        yarn.register(InetAddress.getLocalHost().getHostName(), trackingUrl, this);
    }

    /**
     * Asks for the executor containers, which will connect to the given driver. Any thread.
     *
     * @param host the driver's host
     * @param port the driver's port
     */
    void requestExecutors(String host, int port) {
        driverHost = host;
        driverPort = port;
        LOG.info("Requesting {} executors of {} MB and {} cores for the driver at {}:{}", spec.instances(),
                spec.containerMb(), spec.cores(), host, port);
        events.add(() -> {
            allocator.setDriver(host, port);
            allocator.setTarget(spec.instances());
        });
    }

    /**
     * Dynamic allocation: the driver wants this many executors in all; outstanding requests are added or
     * withdrawn to make it up (running executors stay). Any thread.
     *
     * @param total executors wanted
     */
    void setTargetExecutors(int total) {
        events.add(() -> allocator.setTarget(total));
    }

    /**
     * Dynamic allocation: gives back the containers of executors the driver no longer uses (it runs no task on
     * them). Their ends reach the driver with the reason, cost nothing against {@code weft.executor.maxFailures}
     * and are not replaced. Any thread.
     *
     * @param executorIds the executors
     * @param reason the exit reason the driver hears, such as {@code released: idle}
     */
    void releaseExecutors(List<String> executorIds, String reason) {
        List<String> ids = List.copyOf(executorIds);
        events.add(() -> allocator.release(ids, reason));
    }

    /**
     * Withdraws every request and gives back every executor container (their ends are no failures and are not
     * replaced), for an application that will not use them. Any thread.
     *
     * @param reason why, for the log
     * @return completes on the event thread once the releases are issued, with how many containers and requests
     *     were given back
     */
    java.util.concurrent.CompletableFuture<Integer> releaseAll(String reason) {
        java.util.concurrent.CompletableFuture<Integer> done = new java.util.concurrent.CompletableFuture<>();
        events.add(() -> done.complete(allocator.releaseAll(reason)));
        return done;
    }

    /** @return executors running (not being released) and requests outstanding; on the event thread, for tests */
    int[] runningAndOutstanding() {
        return new int[] {allocator.runningContainers(), allocator.outstandingRequests()};
    }

    /**
     * The progress reported to the ResourceManager with each heartbeat. Any thread.
     *
     * @param fraction from 0 to 1
     */
    void setProgress(float fraction) {
        progress = Math.max(0f, Math.min(1f, fraction));
    }

    /**
     * From now on, container requests prefer the hosts holding waiting tasks' input. Any thread.
     *
     * @param hostCounts host to the number of waiting tasks whose input is there; asked on the event thread
     */
    void preferInputHosts(Supplier<Map<String, Integer>> hostCounts) {
        events.add(() -> allocator.preferInputHosts(hostCounts));
    }

    /** Re-issues outstanding requests that name no host, now that input locations are known. Any thread. */
    void relocalizeOutstanding() {
        events.add(allocator::relocalizeOutstanding);
    }

    /**
     * Who ends the application when executors keep failing, in an AM whose driver runs in-process (cluster mode).
     * Any thread.
     *
     * @param handler receives the diagnostic; called on the event thread
     */
    void onFatal(Consumer<String> handler) {
        fatalHandler = handler;
    }

    /**
     * Who hears at once that the ResourceManager asked this AM to stop (its attempt is over: the application was
     * killed, or the attempt expired). Any thread.
     *
     * @param handler runs on a thread of its own, so that it may block briefly
     */
    void onShutdownRequest(Runnable handler) {
        shutdownHandler = handler;
    }

    /**
     * Sets who hears why executor containers ended: the driver's endpoint in cluster mode, a connection to the
     * driver in client mode. Any thread.
     *
     * @param listener the listener, called on the event thread
     */
    void onExecutorExit(ContainerAllocator.ExitListener listener) {
        events.add(() -> allocator.onExecutorExit(listener));
    }

    /**
     * The driver's scheduler excluded these hosts after repeated task failures: no new containers there. Any
     * thread.
     *
     * @param hosts every host it excludes now
     */
    void schedulerExcludedNodes(Set<String> hosts) {
        events.add(() -> failures.schedulerExcluded(allocator.nodeNames(hosts)));
    }

    /** @return why this launcher gave up on executors, if it did; any thread */
    Optional<String> failure() {
        return FinalApplicationStatus.FAILED == finalStatus ? Optional.of(finalMessage) : Optional.empty();
    }

    /** @return SUCCEEDED while all is well; FAILED or KILLED once the application must end; any thread */
    FinalApplicationStatus finalStatus() {
        return finalStatus;
    }

    /** @return why the application ends, for YARN's diagnostics; any thread */
    String finalMessage() {
        return finalMessage;
    }

    /** Runs events on a daemon thread, for an AM whose main thread runs the driver. */
    void startEventThread() {
        Thread thread = new Thread(() -> {
            try {
                while (true) {
                    runNextEvent(Long.MAX_VALUE);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "weft-executor-allocator");
        thread.setDaemon(true);
        thread.start();
    }

    /** Makes a waiting {@link #runNextEvent} return at once (with an event that does nothing). Any thread. */
    void wake() {
        events.add(() -> { });
    }

    /**
     * Runs the next event on the calling thread, which must be the only one running events.
     *
     * @param timeoutMillis how long to wait for one
     * @return whether an event ran
     * @throws InterruptedException when interrupted while waiting
     */
    boolean runNextEvent(long timeoutMillis) throws InterruptedException {
        Runnable event = events.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        if (event == null) {
            return false;
        }
        try {
            event.run();
        } catch (RuntimeException e) {
            // A bug in one event must not take the executors' ApplicationMaster down with it.
            LOG.error("Executor allocation event failed", e);
        }
        return true;
    }

    /**
     * Unregisters with the final status, diagnostics and final tracking URL, and stops the clients.
     *
     * @param status the application's final status
     * @param message diagnostics
     * @param finalTrackingUrl where the application's pages are after it ends, or empty
     * @throws Exception when unregistering fails
     */
    void finish(FinalApplicationStatus status, String message, String finalTrackingUrl) throws Exception {
        LOG.info("Unregistering: {} ({})", status, message);
        yarn.unregister(status, message, finalTrackingUrl);
    }

    private void gaveUp(String message) {
        finalMessage = message;
        finalStatus = FinalApplicationStatus.FAILED;
        fatalHandler.accept(message);
    }

    // ---- YARN's callbacks: enqueue only -------------------------------------------------------------------

    @Override
    public void allocated(List<Container> containers) {
        for (Container container : containers) {
            events.add(() -> allocator.allocated(container));
        }
    }

    @Override
    public void completed(List<ContainerStatus> statuses) {
        for (ContainerStatus status : statuses) {
            events.add(() -> allocator.completed(status));
        }
    }

    @Override
    public void startFailed(ContainerId container, Throwable error) {
        events.add(() -> allocator.startFailed(container, error));
    }

    @Override
    public void shutdownRequested() {
        Thread handler = new Thread(shutdownHandler, "weft-am-shutdown-request");
        handler.setDaemon(true);
        handler.start();
        events.add(() -> {
            finalMessage = "the ResourceManager asked the AM to shut down";
            finalStatus = FinalApplicationStatus.KILLED;
        });
    }

    @Override
    public void failed(Throwable error) {
        events.add(() -> {
            finalMessage = "ResourceManager communication failed: " + error;
            finalStatus = FinalApplicationStatus.FAILED;
        });
    }

    @Override
    public float progress() {
        return progress;
    }
}
