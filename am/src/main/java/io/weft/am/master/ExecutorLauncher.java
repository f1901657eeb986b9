package io.weft.am.master;

import io.weft.driver.endpoint.ExecutorExitReporter;
import io.weft.runtime.executor.ExecutorMain;
import io.weft.yarnconf.ContainerCommands;
import io.weft.yarnconf.StagingLayout;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.DataOutputBuffer;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.security.token.Token;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerExitStatus;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.ContainerLaunchContext;
import org.apache.hadoop.yarn.api.records.ContainerStatus;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.api.records.LocalResource;
import org.apache.hadoop.yarn.api.records.NodeReport;
import org.apache.hadoop.yarn.api.records.Priority;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.api.records.UpdatedContainer;
import org.apache.hadoop.yarn.client.api.AMRMClient.ContainerRequest;
import org.apache.hadoop.yarn.client.api.async.AMRMClientAsync;
import org.apache.hadoop.yarn.client.api.async.NMClientAsync;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.security.AMRMTokenIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ApplicationMaster in client mode: the driver runs in the submitting JVM, so this AM only asks YARN for
 * executor containers, launches {@link ExecutorMain} in them (the application secret travels in the containers'
 * credentials), replaces executors that die, and unregisters when the driver is gone.
 *
 * <p>Threading: AMRM and NM callbacks only enqueue events; the main thread owns all state.
 *
 * <p>Failures: an executor container that fails (to start, or later) is replaced, and counts against the failure
 * budget ({@link ExecutorFailureBudget}); a host where containers keep failing, or that the driver's scheduler
 * excluded, goes on YARN's blacklist for a while ({@link NodeExclusions}). When the budget is spent, or every node
 * of the cluster is excluded, the application fails with a diagnostic saying so.
 *
 * <pre>ExecutorLauncher &lt;driver-host&gt; &lt;driver-port&gt; &lt;executors&gt; &lt;heap-mb&gt; &lt;container-mb&gt;
 * &lt;cores&gt; &lt;staging-dir&gt; &lt;executor-java-options, base64&gt; &lt;tracking-url or -&gt; &lt;policy&gt;
 * [node-label]</pre>
 */
public final class ExecutorLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorLauncher.class);

    /** The tracking-URL argument when the driver serves no UI. */
    public static final String NO_TRACKING_URL = "-";

    private volatile String driverHost;
    private volatile int driverPort;
    private final int executors;
    private final int heapMb;
    private final int containerMb;
    private final int cores;
    private final Path stagingDir;
    private final String nodeLabel;
    private final List<String> executorJavaOptions;
    private final YarnConfiguration yarn = new YarnConfiguration();
    private final BlockingQueue<Runnable> events = new LinkedBlockingQueue<>();
    private final AtomicInteger nextExecutorId = new AtomicInteger(1);
    private int running;
    private String finalMessage = "driver finished";
    private FinalApplicationStatus finalStatus = FinalApplicationStatus.SUCCEEDED;
    private AMRMClientAsync<ContainerRequest> rm;
    private NMClientAsync nm;
    private Map<String, LocalResource> jars;
    private ByteBuffer executorTokens;
    private volatile float progress;
    private String clientTrackingUrl = "";
    private volatile java.util.function.Supplier<Map<String, Integer>> inputHosts = Map::of;
    private final java.util.Deque<ContainerRequest> outstanding = new java.util.ArrayDeque<>();
    private final java.util.Set<ContainerId> launched = new java.util.HashSet<>();

    private final LaunchPolicy policy;
    private final ExecutorFailureBudget budget;
    private final NodeExclusions nodeExclusions;
    private final java.util.Map<ContainerId, String> hostOf = new java.util.HashMap<>();
    private volatile String gaveUpBecause;
    private ExcludedNodesFile excludedNodesFile;
    private volatile java.util.function.Consumer<String> fatalHandler = message -> { };
    private final java.util.Map<ContainerId, String> executorOf = new java.util.HashMap<>();
    /** The node names (host, or host:port) of every NodeManager that ran one of our containers, by host. */
    private final java.util.Map<String, java.util.Set<String>> nodeNamesByHost = new java.util.HashMap<>();
    private volatile ExitListener exitListener = (executorId, reason, causedByTasks) -> { };

    /** Hears why executor containers ended. Called on the launcher's event thread; must not block. */
    @FunctionalInterface
    interface ExitListener {
        /**
         * @param executorId the executor the container hosted
         * @param reason the classified exit
         * @param causedByTasks whether the loss counts against the tasks that were running there
         */
        void exited(String executorId, String reason, boolean causedByTasks);
    }

    private ExecutorLauncher(String[] args) {
        this(Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                Integer.parseInt(args[5]), new Path(args[6]), decodeOptions(args[7]), args.length > 10 ? args[10] : null,
                LaunchPolicy.decode(args[9]));
        driverHost = args[0];
        driverPort = Integer.parseInt(args[1]);
        clientTrackingUrl = args[8].equals(NO_TRACKING_URL) ? "" : args[8];
    }

    /**
     * For an ApplicationMaster whose driver starts later in the same process (cluster mode).
     *
     * @param executors executor containers
     * @param heapMb executor heap
     * @param containerMb executor container memory
     * @param cores executor cores
     * @param stagingDir the staging directory (jars, configuration)
     * @param executorJavaOptions extra executor JVM options
     * @param nodeLabel executor node label expression, or null
     * @param policy failure budget and node exclusion
     */
    ExecutorLauncher(int executors, int heapMb, int containerMb, int cores, Path stagingDir,
            List<String> executorJavaOptions, String nodeLabel, LaunchPolicy policy) {
        this.policy = policy;
        this.budget = new ExecutorFailureBudget(policy.maxFailures(), policy.failuresValidityMillis(),
                System::currentTimeMillis);
        this.nodeExclusions = new NodeExclusions(policy.excludeNodes(), policy.maxFailuresPerNode(),
                policy.excludeTimeoutMillis());
        this.executors = executors;
        this.heapMb = heapMb;
        this.containerMb = containerMb;
        this.cores = cores;
        this.stagingDir = stagingDir;
        this.executorJavaOptions = executorJavaOptions;
        this.nodeLabel = nodeLabel;
    }

    /**
     * JVM options travel base64-encoded, so spaces and quotes survive the container's shell command line.
     *
     * @param options the options, space-separated
     * @return the encoded form
     */
    public static String encodeOptions(String options) {
        return java.util.Base64.getUrlEncoder().encodeToString(
                (options == null ? "" : options.trim()).getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "=";
    }

    private static List<String> decodeOptions(String encoded) {
        String text = new String(java.util.Base64.getUrlDecoder().decode(encoded.substring(0, encoded.length() - 1)),
                java.nio.charset.StandardCharsets.UTF_8).trim();
        return text.isEmpty() ? List.of() : List.of(text.split("\\s+"));
    }

    /**
     * @param args see the class comment
     * @throws Exception on failure to register or to unregister
     */
    public static void main(String[] args) throws Exception {
        new ExecutorLauncher(args).run();
        System.exit(0);
    }

    private void run() throws Exception {
        register(clientTrackingUrl);
        byte[] secret = UserGroupInformation.getCurrentUser().getCredentials()
                .getSecretKey(new org.apache.hadoop.io.Text(ExecutorMain.SECRET_ALIAS));
        if (secret != null) {
            // The driver is another process: exit reasons go to it over a connection of their own.
            ExecutorExitReporter reporter = new ExecutorExitReporter(driverHost, driverPort, secret,
                    new io.weft.runtime.serial.KryoPool(ExecutorLauncher.class.getClassLoader()));
            onExecutorExit(reporter::report);
            Runtime.getRuntime().addShutdownHook(new Thread(reporter::close, "exit-reporter-close"));
        }
        requestExecutors(driverHost, driverPort);
        int unreachable = 0;
        while (unreachable < 3 && finalStatus == FinalApplicationStatus.SUCCEEDED) {
            Runnable event = events.poll(1, TimeUnit.SECONDS);
            if (event != null) {
                try {
                    event.run();
                } catch (RuntimeException e) {
                    // A bug in one event must not take the executors' ApplicationMaster down with it.
                    LOG.error("Executor allocation event failed", e);
                }
                continue;
            }
            unreachable = driverReachable() ? 0 : unreachable + 1;
            readDriverExclusions();
        }
        finish(finalStatus, finalMessage);
    }

    /**
     * Registers this process as the application's master with the ResourceManager.
     *
     * @param trackingUrl the tracking URL, or empty
     * @throws Exception when registration fails
     */
    void register(String trackingUrl) throws Exception {
        jars = StagingLayout.localResources(FileSystem.get(yarn), stagingDir, ContainerCommands.JARS_DIR);
        executorTokens = executorTokens();
        rm = AMRMClientAsync.createAMRMClientAsync(200, new RmCallbacks());
        rm.init(yarn);
        rm.start();
        nm = NMClientAsync.createNMClientAsync(new NmCallbacks());
        nm.init(yarn);
        nm.start();
        rm.registerApplicationMaster(java.net.InetAddress.getLocalHost().getHostName(), 0, trackingUrl);
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
        LOG.info("Requesting {} executors of {} MB and {} cores for the driver at {}:{}", executors, containerMb,
                cores, host, port);
        events.add(() -> {
            for (int i = 0; i < executors; i++) {
                request();
            }
        });
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
     * @param hostCounts host to the number of waiting tasks whose input is there
     */
    void preferInputHosts(java.util.function.Supplier<Map<String, Integer>> hostCounts) {
        inputHosts = hostCounts;
    }

    /**
     * Re-issues outstanding requests that name no host, now that waiting tasks' input locations are known. Any
     * thread; the work happens on the allocator thread.
     */
    void relocalizeOutstanding() {
        events.add(() -> {
            Map<String, Integer> hosts = inputHosts.get();
            if (hosts.isEmpty()) {
                return;
            }
            List<ContainerRequest> unplaced = outstanding.stream().filter(r -> r.getNodes() == null
                    || r.getNodes().isEmpty()).toList();
            for (ContainerRequest old : unplaced) {
                outstanding.remove(old);
                rm.removeContainerRequest(old);
                request();
            }
        });
    }

    /**
     * Who ends the application when executors keep failing, in an AM whose driver runs in-process (cluster mode);
     * the client-mode launcher unregisters FAILED instead. Any thread.
     *
     * @param handler receives the diagnostic; called on the allocator thread
     */
    void onFatal(java.util.function.Consumer<String> handler) {
        fatalHandler = handler;
    }

    /**
     * Sets who hears why executor containers ended: the driver's endpoint in cluster mode, a connection to the
     * driver in client mode. Any thread.
     *
     * @param listener the listener
     */
    void onExecutorExit(ExitListener listener) {
        exitListener = listener;
    }

    /**
     * The driver's scheduler excluded these hosts after repeated task failures: no new containers there. Any
     * thread.
     *
     * @param hosts every host it excludes now
     */
    void schedulerExcludedNodes(java.util.Set<String> hosts) {
        events.add(() -> {
            nodeExclusions.schedulerExcluded(nodeNames(hosts));
            applyExclusions("the driver excluded them after repeated task failures");
        });
    }

    /**
     * The scheduler excludes hosts; YARN's blacklist takes node names, which are host:port where a cluster runs
     * several NodeManagers per host. A host maps to every node of it that has run one of our containers (the
     * only ones the scheduler can have seen), or to itself.
     */
    private java.util.Set<String> nodeNames(java.util.Set<String> hosts) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (String host : hosts) {
            names.addAll(nodeNamesByHost.getOrDefault(host, java.util.Set.of(host)));
        }
        return names;
    }

    /** Client mode: the driver writes its scheduler's excluded hosts to the staging directory. */
    private void readDriverExclusions() {
        try {
            if (excludedNodesFile == null) {
                excludedNodesFile = new ExcludedNodesFile(FileSystem.get(yarn), stagingDir);
            }
            excludedNodesFile.readIfChanged().ifPresent(hosts -> {
                LOG.info("The driver excludes hosts {} after repeated task failures", hosts);
                nodeExclusions.schedulerExcluded(nodeNames(hosts));
                applyExclusions("the driver excluded them after repeated task failures");
            });
        } catch (IOException e) {
            LOG.debug("Could not read the driver's excluded hosts: {}", e.toString());
        }
    }

    /** Runs events on a daemon thread, for an AM whose main thread runs the driver. */
    void startEventThread() {
        Thread thread = new Thread(() -> {
            while (true) {
                try {
                    events.take().run();
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.error("Executor allocation event failed", e);
                }
            }
        }, "weft-executor-allocator");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Unregisters with the final status and stops the clients.
     *
     * @param status the application's final status
     * @param message diagnostics
     * @throws Exception when unregistering fails
     */
    void finish(FinalApplicationStatus status, String message) throws Exception {
        finish(status, message, "");
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
        rm.unregisterApplicationMaster(status, message, finalTrackingUrl);
        rm.stop();
        nm.stop();
    }

    private boolean driverReachable() {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(driverHost, driverPort), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void request() {
        ContainerRequest request = ContainerRequests.build(Resource.newInstance(containerMb, cores),
                Priority.newInstance(1), nodeLabel, inputHosts.get());
        LOG.info("Requesting an executor container of {} MB and {} cores{}", containerMb, cores,
                request.getNodes() == null || request.getNodes().isEmpty() ? ""
                        : ", preferably on " + request.getNodes());
        outstanding.add(request);
        rm.addContainerRequest(request);
    }

    /** All credentials but the AMRM token, which belongs to this AM only. */
    private static ByteBuffer executorTokens() throws IOException {
        Credentials credentials = UserGroupInformation.getCurrentUser().getCredentials();
        Iterator<Token<?>> tokens = credentials.getAllTokens().iterator();
        while (tokens.hasNext()) {
            if (tokens.next().getKind().equals(AMRMTokenIdentifier.KIND_NAME)) {
                tokens.remove();
            }
        }
        DataOutputBuffer buffer = new DataOutputBuffer();
        credentials.writeTokenStorageToStream(buffer);
        return ByteBuffer.wrap(buffer.getData(), 0, buffer.getLength());
    }

    private void launch(Container container) {
        String executorId = String.valueOf(nextExecutorId.getAndIncrement());
        List<String> command = ContainerCommands.command(heapMb, ExecutorMain.class.getName(), List.of(driverHost,
                String.valueOf(driverPort), executorId, String.valueOf(cores), ExecutorMain.SECRET_FROM_CREDENTIALS),
                executorJavaOptions);
        ContainerLaunchContext context = ContainerLaunchContext.newInstance(jars,
                ContainerCommands.environment(yarn, System.getenv("JAVA_HOME")), command, null,
                executorTokens.duplicate(), null);
        LOG.info("Launching executor {} in {} on {}", executorId, container.getId(), container.getNodeId());
        nm.startContainerAsync(container, context);
        launched.add(container.getId());
        executorOf.put(container.getId(), executorId);
        hostOf.put(container.getId(), nodeName(container.getNodeId()));
        nodeNamesByHost.computeIfAbsent(container.getNodeId().getHost(), h -> new java.util.TreeSet<>())
                .add(nodeName(container.getNodeId()));
        running++;
    }

    /**
     * The name YARN's scheduler knows a node by, which its blacklist takes: the host, or host:port where the
     * cluster runs several NodeManagers per host ({@code yarn.scheduler.include-port-in-node-name}).
     */
    private String nodeName(org.apache.hadoop.yarn.api.records.NodeId node) {
        return yarn.getBoolean(YarnConfiguration.RM_SCHEDULER_INCLUDE_PORT_IN_NODE_NAME,
                YarnConfiguration.DEFAULT_RM_SCHEDULER_USE_PORT_FOR_NODE_NAME) ? node.toString() : node.getHost();
    }

    private void startFailed(ContainerId containerId, Throwable error) {
        if (!launched.remove(containerId)) {
            return;
        }
        running--;
        executorOf.remove(containerId);
        rm.releaseAssignedContainer(containerId);
        failed(containerId, "could not start " + containerId + " on " + hostOf.get(containerId) + ": " + error);
    }

    private void completed(ContainerStatus status) {
        if (!launched.remove(status.getContainerId())) {
            return; // a surplus container this AM released without launching anything in it
        }
        running--;
        ContainerExits.Exit exit = ContainerExits.classify(status, containerMb, heapMb);
        String executorId = executorOf.remove(status.getContainerId());
        if (executorId != null && status.getExitStatus() != ContainerExitStatus.SUCCESS) {
            exitListener.exited(executorId, exit.message(), exit.causedByTasks());
        }
        if (!exit.failure()) {
            hostOf.remove(status.getContainerId());
            LOG.info("Executor container ended: {}", exit.message());
            if (status.getExitStatus() != ContainerExitStatus.SUCCESS && driverHost != null && driverReachable()) {
                request();
            }
            return;
        }
        failed(status.getContainerId(), exit.message());
    }

    /** An executor container failed: count it, maybe exclude its host, then replace it or give up. */
    private void failed(ContainerId containerId, String message) {
        String host = hostOf.remove(containerId);
        LOG.warn("Executor container failed ({} of {} allowed): {}", budget.count() + 1, budget.describe(), message);
        if (budget.recordFailure()) {
            fail(budget.count() + " executor containers failed, the most " + ConfigNames.MAX_FAILURES + " allows ("
                    + budget.describe() + "); last: " + message + ". Fix the cause in the containers' logs, or"
                    + " raise " + ConfigNames.MAX_FAILURES + " (or set " + ConfigNames.VALIDITY
                    + " so that old failures stop counting).");
            return;
        }
        if (nodeExclusions.containerFailed(host, System.currentTimeMillis())) {
            LOG.warn("Excluding host {} for {} ms: {} executor containers failed there", host,
                    policy.excludeTimeoutMillis(), policy.maxFailuresPerNode());
        }
        if (!applyExclusions(message)) {
            return;
        }
        if (driverHost == null || driverReachable()) {
            request();
        }
    }

    /**
     * Brings YARN's blacklist in line with the excluded hosts.
     *
     * @param why the latest failure, for the diagnostic
     * @return false when every node is excluded and the application was failed
     */
    private boolean applyExclusions(String why) {
        long now = System.currentTimeMillis();
        NodeExclusions.BlacklistChange change = nodeExclusions.update(now);
        if (!change.isEmpty() && rm != null) {
            LOG.info("YARN blacklist: adding {}, removing {}", change.additions(), change.removals());
            // Mutable copies: the client edits the lists it is given.
            rm.updateBlacklist(new java.util.ArrayList<>(change.additions()),
                    new java.util.ArrayList<>(change.removals()));
        }
        java.util.Set<String> excluded = nodeExclusions.excluded(now);
        int nodes = rm == null ? 0 : rm.getClusterNodeCount();
        if (nodes > 0 && excluded.size() >= nodes) {
            fail("Every node of the cluster (" + String.join(", ", excluded) + ") is excluded after repeated"
                    + " failures; last: " + why + ". Fix the cause in the containers' logs, or set"
                    + " weft.exclude.enabled=false.");
            return false;
        }
        return true;
    }

    /** @return why this launcher gave up on executors, if it did; any thread */
    java.util.Optional<String> failure() {
        return java.util.Optional.ofNullable(gaveUpBecause);
    }

    private void fail(String message) {
        LOG.error("Giving up: {}", message);
        gaveUpBecause = message;
        finalStatus = FinalApplicationStatus.FAILED;
        finalMessage = message;
        fatalHandler.accept(message);
    }

    /** Setting names in diagnostics. */
    private static final class ConfigNames {
        static final String MAX_FAILURES = "weft.executor.maxFailures";
        static final String VALIDITY = "weft.executor.failuresValidityInterval";
    }

    private final class RmCallbacks extends AMRMClientAsync.AbstractCallbackHandler {
        @Override
        public void onContainersCompleted(List<ContainerStatus> statuses) {
            for (ContainerStatus status : statuses) {
                events.add(() -> completed(status));
            }
        }

        @Override
        public void onContainersAllocated(List<Container> containers) {
            for (Container container : containers) {
                events.add(() -> {
                    ContainerRequest satisfied = ContainerRequests.matching(container, outstanding);
                    if (satisfied == null) {
                        LOG.info("Releasing surplus container {} on {}", container.getId(), container.getNodeId());
                        rm.releaseAssignedContainer(container.getId());
                        return;
                    }
                    outstanding.remove(satisfied);
                    rm.removeContainerRequest(satisfied);
                    LOG.info("Allocated {} on {} ({})", container.getId(), container.getNodeId(),
                            container.getResource());
                    launch(container);
                });
            }
        }

        @Override
        public void onContainersUpdated(List<UpdatedContainer> containers) {
        }

        @Override
        public void onShutdownRequest() {
            events.add(() -> {
                finalStatus = FinalApplicationStatus.KILLED;
                finalMessage = "the ResourceManager asked the AM to shut down";
            });
        }

        @Override
        public void onNodesUpdated(List<NodeReport> updatedNodes) {
        }

        @Override
        public float getProgress() {
            return progress;
        }

        @Override
        public void onError(Throwable e) {
            events.add(() -> {
                finalStatus = FinalApplicationStatus.FAILED;
                finalMessage = "ResourceManager communication failed: " + e;
            });
        }
    }

    private final class NmCallbacks extends NMClientAsync.AbstractCallbackHandler {
        @Override
        public void onContainerStarted(ContainerId containerId, Map<String, ByteBuffer> allServiceResponse) {
        }

        @Override
        public void onContainerStatusReceived(ContainerId containerId, ContainerStatus containerStatus) {
        }

        @Override
        public void onContainerStopped(ContainerId containerId) {
        }

        @Override
        public void onStartContainerError(ContainerId containerId, Throwable t) {
            LOG.warn("Could not start {}: {}", containerId, t.toString());
            events.add(() -> startFailed(containerId, t));
        }

        @Override
        public void onContainerResourceIncreased(ContainerId containerId, Resource resource) {
        }

        @Override
        public void onContainerResourceUpdated(ContainerId containerId, Resource resource) {
        }

        @Override
        public void onGetContainerStatusError(ContainerId containerId, Throwable t) {
        }

        @Override
        public void onIncreaseContainerResourceError(ContainerId containerId, Throwable t) {
        }

        @Override
        public void onUpdateContainerResourceError(ContainerId containerId, Throwable t) {
        }

        @Override
        public void onStopContainerError(ContainerId containerId, Throwable t) {
        }
    }
}
