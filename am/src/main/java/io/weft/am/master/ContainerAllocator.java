package io.weft.am.master;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerExitStatus;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.ContainerStatus;
import org.apache.hadoop.yarn.api.records.NodeId;
import org.apache.hadoop.yarn.api.records.Priority;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.client.api.AMRMClient.ContainerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executor containers, from request to exit: it asks YARN for them (preferring the hosts of waiting tasks' input),
 * matches each allocation to an outstanding request (releasing surplus ones), launches an executor in it, and
 * when one ends classifies why ({@link ContainerExits}), tells the driver (the {@link ExitListener}), and replaces
 * it unless the {@link ExecutorFailureHandler} gives up or the driver is gone. It keeps running executors plus
 * outstanding requests at the driver's target ({@link #setTarget}; fixed without dynamic allocation), and gives
 * back the containers of executors the driver releases ({@link #release}): their ends are no failures.
 *
 * <p>Used only on the launcher's event thread.
 */
final class ContainerAllocator {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerAllocator.class);

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

    private final ExecutorSpec spec;
    private final YarnAmClient yarn;
    private final ExecutorLaunchContexts contexts;
    private final ExecutorFailureHandler failures;
    private final BooleanSupplier driverAlive;
    private final boolean nodeNamesIncludePort;
    private final AtomicInteger nextExecutorId = new AtomicInteger(1);
    private final Deque<ContainerRequest> outstanding = new ArrayDeque<>();
    /** Containers an executor was launched in, to the executor's id, until they end. */
    private final Map<ContainerId, String> executorOf = new HashMap<>();
    private final Map<ContainerId, String> nodeOf = new HashMap<>();
    /** Containers given back on the driver's word, to the exit reason the driver hears when they end. */
    private final Map<ContainerId, String> releasing = new HashMap<>();
    /** Executors wanted in all: running ones plus outstanding requests make it up. */
    private int target;
    /** The node names (host, or host:port) of every NodeManager that ran one of our containers, by host. */
    private final Map<String, Set<String>> nodeNamesByHost = new HashMap<>();
    private Supplier<Map<String, Integer>> inputHosts = Map::of;
    private ExitListener exitListener = (executorId, reason, causedByTasks) -> { };
    private String driverHost;
    private int driverPort;

    /**
     * @param spec the executors' sizes
     * @param yarn the ResourceManager and NodeManagers
     * @param contexts makes an executor container's launch context
     * @param failures decides what a failure costs
     * @param driverAlive whether the driver still takes executors (no replacement otherwise)
     * @param nodeNamesIncludePort whether YARN names nodes host:port
     *     ({@code yarn.scheduler.include-port-in-node-name}), as its blacklist then expects
     */
    ContainerAllocator(ExecutorSpec spec, YarnAmClient yarn, ExecutorLaunchContexts contexts,
            ExecutorFailureHandler failures, BooleanSupplier driverAlive, boolean nodeNamesIncludePort) {
        this.spec = spec;
        this.yarn = yarn;
        this.contexts = contexts;
        this.failures = failures;
        this.driverAlive = driverAlive;
        this.nodeNamesIncludePort = nodeNamesIncludePort;
    }

    /**
     * @param host where executors connect to the driver
     * @param port the driver's port
     */
    void setDriver(String host, int port) {
        driverHost = host;
        driverPort = port;
    }

    /** @param hostCounts host to the number of waiting tasks whose input is there, asked at each request */
    void preferInputHosts(Supplier<Map<String, Integer>> hostCounts) {
        inputHosts = hostCounts;
    }

    /** @param listener hears why executor containers ended */
    void onExecutorExit(ExitListener listener) {
        exitListener = listener;
    }

    /** @return how many requests YARN has not satisfied yet */
    int outstandingRequests() {
        return outstanding.size();
    }

    /** @return how many containers run an executor that is not being released */
    int runningContainers() {
        return executorOf.size() - releasing.size();
    }

    /**
     * The driver wants this many executors in all: more are asked for, or outstanding requests withdrawn (newest
     * first), so that running executors plus outstanding requests make the target. Running executors are never
     * stopped for it (see {@link #release}).
     *
     * @param total executors wanted
     */
    void setTarget(int total) {
        target = Math.max(0, total);
        reconcile();
    }

    /** @return executors wanted in all */
    int target() {
        return target;
    }

    /**
     * Gives back the containers of these executors (the driver gives them no more tasks and none runs one). Their
     * ends are reported to the driver with the reason, count as no failure and are not replaced.
     *
     * @param executorIds the executors
     * @param reason the exit reason the driver hears, such as {@code released: idle}
     */
    void release(List<String> executorIds, String reason) {
        for (Map.Entry<ContainerId, String> entry : executorOf.entrySet()) {
            if (executorIds.contains(entry.getValue()) && !releasing.containsKey(entry.getKey())) {
                LOG.info("Releasing executor {} in {} ({})", entry.getValue(), entry.getKey(), reason);
                releasing.put(entry.getKey(), reason);
                yarn.releaseContainer(entry.getKey());
            }
        }
    }

    /**
     * Withdraws every outstanding request and gives back every executor's container ({@link #release}): nothing
     * will use them.
     *
     * @param reason the exit reason the driver hears, if one listens
     * @return how many containers were given back (running or starting) and requests withdrawn
     */
    int releaseAll(String reason) {
        int given = runningContainers() + outstanding.size();
        setTarget(0);
        release(List.copyOf(executorOf.values()), reason);
        return given;
    }

    private void reconcile() {
        int wanted = target - runningContainers();
        while (outstanding.size() > Math.max(0, wanted)) {
            ContainerRequest withdrawn = outstanding.removeLast();
            yarn.removeContainerRequest(withdrawn);
            LOG.info("Withdrew a container request: {} running and {} outstanding make the target of {}",
                    runningContainers(), outstanding.size(), target);
        }
        while (outstanding.size() < wanted) {
            request();
        }
    }

    /** Asks YARN for one more executor container. */
    private void request() {
        ContainerRequest request = ContainerRequests.build(Resource.newInstance(spec.containerMb(), spec.cores()),
                Priority.newInstance(1), spec.nodeLabel(), inputHosts.get());
        LOG.info("Requesting an executor container of {} MB and {} cores{}", spec.containerMb(), spec.cores(),
                request.getNodes() == null || request.getNodes().isEmpty() ? ""
                        : ", preferably on " + request.getNodes());
        outstanding.add(request);
        yarn.addContainerRequest(request);
    }

    /** Re-issues outstanding requests that name no host, now that waiting tasks' input locations are known. */
    void relocalizeOutstanding() {
        if (inputHosts.get().isEmpty()) {
            return;
        }
        List<ContainerRequest> unplaced = outstanding.stream()
                .filter(r -> r.getNodes() == null || r.getNodes().isEmpty()).toList();
        for (ContainerRequest old : unplaced) {
            outstanding.remove(old);
            yarn.removeContainerRequest(old);
            request();
        }
    }

    /** A container YARN allocated: an executor is launched in it, or it is released if nothing asked for it. */
    void allocated(Container container) {
        ContainerRequest satisfied = ContainerRequests.matching(container, outstanding);
        if (satisfied == null) {
            LOG.info("Releasing surplus container {} on {}", container.getId(), container.getNodeId());
            yarn.releaseContainer(container.getId());
            return;
        }
        outstanding.remove(satisfied);
        yarn.removeContainerRequest(satisfied);
        LOG.info("Allocated {} on {} ({})", container.getId(), container.getNodeId(), container.getResource());
        String executorId = String.valueOf(nextExecutorId.getAndIncrement());
        LOG.info("Launching executor {} in {} on {}", executorId, container.getId(), container.getNodeId());
        yarn.startContainer(container, contexts.forExecutor(executorId, driverHost, driverPort));
        executorOf.put(container.getId(), executorId);
        String node = nodeName(container.getNodeId());
        nodeOf.put(container.getId(), node);
        nodeNamesByHost.computeIfAbsent(container.getNodeId().getHost(), h -> new TreeSet<>()).add(node);
    }

    /** A container's process could not be started: it is released, and counts as a failure. */
    void startFailed(ContainerId container, Throwable error) {
        if (executorOf.remove(container) == null) {
            return;
        }
        if (releasing.remove(container) != null) {
            nodeOf.remove(container);
            return;
        }
        yarn.releaseContainer(container);
        failed(container, "could not start " + container + " on " + nodeOf.get(container) + ": " + error);
    }

    /** A container ended: the driver hears why; a failure is counted; the executor is replaced if it should be. */
    void completed(ContainerStatus status) {
        String executorId = executorOf.remove(status.getContainerId());
        if (executorId == null) {
            return; // a surplus container released without an executor, or one already handled
        }
        String released = releasing.remove(status.getContainerId());
        if (released != null) {
            nodeOf.remove(status.getContainerId());
            LOG.info("Executor {} ended after its release: {}", executorId, released);
            exitListener.exited(executorId, released, false);
            return;
        }
        ContainerExits.Exit exit = ContainerExits.classify(status, spec.containerMb(), spec.heapMb());
        boolean clean = status.getExitStatus() == ContainerExitStatus.SUCCESS;
        if (!clean) {
            exitListener.exited(executorId, exit.message(), exit.causedByTasks());
        }
        if (!exit.failure()) {
            nodeOf.remove(status.getContainerId());
            LOG.info("Executor container ended: {}", exit.message());
            if (!clean && driverAlive.getAsBoolean()) {
                reconcile();
            }
            return;
        }
        failed(status.getContainerId(), exit.message());
    }

    private void failed(ContainerId container, String message) {
        String node = nodeOf.remove(container);
        if (failures.containerFailed(node, message) && driverAlive.getAsBoolean()) {
            reconcile();
        }
    }

    /**
     * The scheduler excludes hosts; YARN's blacklist takes node names, which are host:port where a cluster runs
     * several NodeManagers per host. A host maps to every node of it that has run one of our containers (the
     * only ones the scheduler can have seen), or to itself.
     *
     * @param hosts hosts as the scheduler names them
     * @return their node names, sorted
     */
    Set<String> nodeNames(Set<String> hosts) {
        Set<String> names = new TreeSet<>();
        for (String host : hosts) {
            names.addAll(nodeNamesByHost.getOrDefault(host, Set.of(host)));
        }
        return names;
    }

    private String nodeName(NodeId node) {
        return nodeNamesIncludePort ? node.toString() : node.getHost();
    }
}
