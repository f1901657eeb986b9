package io.weft.am.master;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.yarn.api.records.ApplicationAttemptId;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerExitStatus;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.ContainerLaunchContext;
import org.apache.hadoop.yarn.api.records.ContainerState;
import org.apache.hadoop.yarn.api.records.ContainerStatus;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.api.records.NodeId;
import org.apache.hadoop.yarn.api.records.Priority;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.client.api.AMRMClient.ContainerRequest;

/**
 * A hand-written YARN for the launcher's tests: it records what the AM asks (requests, releases, container starts,
 * blacklist updates, the final status), hands out containers on the nodes a test names, and reports their ends
 * with YARN's own records. Its callbacks go straight to the launcher, which queues them; {@link #drain} runs
 * the queue on the test thread.
 */
final class TestingYarn implements YarnAmClient {

    // Thread-safe: a test may drive the fake from another thread than the launcher's event thread.
    final List<ContainerRequest> requests = new CopyOnWriteArrayList<>();
    final List<ContainerRequest> removedRequests = new CopyOnWriteArrayList<>();
    final List<ContainerId> released = new CopyOnWriteArrayList<>();
    final List<Started> started = new CopyOnWriteArrayList<>();
    final Set<String> blacklist = new ConcurrentSkipListSet<>();
    final AtomicLong now = new AtomicLong(1_000_000);
    final List<String> fatal = new CopyOnWriteArrayList<>();
    final List<String> exits = new CopyOnWriteArrayList<>();
    volatile int nodes = 2;
    volatile boolean driverReachable = true;
    volatile FinalApplicationStatus unregistered;
    volatile String diagnostics;
    private volatile Callbacks callbacks;
    private final AtomicInteger nextContainer = new AtomicInteger(1);

    /** A container start the AM asked for. */
    record Started(Container container, ContainerLaunchContext context) {
    }

    /** A launcher of {@code executors} executors on this fake, registered, with its handlers recording. */
    ExecutorLauncher launcher(int executors, LaunchPolicy policy) throws Exception {
        ExecutorSpec spec = new ExecutorSpec(executors, 512, 896, 1, null, List.of());
        ExecutorLauncher launcher = new ExecutorLauncher(spec, policy, this,
                (executorId, host, port) -> ContainerLaunchContext.newInstance(Map.of(), Map.of(),
                        List.of("executor " + executorId + " for " + host + ":" + port), null, null, null),
                (host, port) -> driverReachable, now::get, true);
        launcher.register("");
        launcher.onFatal(fatal::add);
        launcher.onExecutorExit((executorId, reason, causedByTasks) -> exits.add(executorId + " "
                + (causedByTasks ? "counts" : "does not count") + ": " + reason));
        return launcher;
    }

    /** Runs every event the launcher has queued. */
    void drain(ExecutorLauncher launcher) throws InterruptedException {
        while (launcher.runNextEvent(0)) {
            // keep going
        }
    }

    /**
     * YARN allocates a container on a node (host:port {@code node}).
     *
     * @return the container
     */
    Container allocate(String node) {
        String[] hostPort = node.split(":");
        ContainerId id = ContainerId.newContainerId(ApplicationAttemptId.newInstance(ApplicationId.newInstance(1, 1),
                1), nextContainer.getAndIncrement());
        Container container = Container.newInstance(id, NodeId.newInstance(hostPort[0],
                Integer.parseInt(hostPort[1])), node, Resource.newInstance(896, 1), Priority.newInstance(1), null);
        callbacks.allocated(List.of(container));
        return container;
    }

    /** The container ended with YARN's exit status and diagnostics. */
    void complete(Container container, int exitStatus, String diagnostics) {
        callbacks.completed(List.of(ContainerStatus.newInstance(container.getId(), ContainerState.COMPLETE,
                diagnostics, exitStatus)));
    }

    /** The container's process exited with code 1. */
    void crash(Container container) {
        complete(container, 1, "Exception from container-launch");
    }

    /** The container was preempted. */
    void preempt(Container container) {
        complete(container, ContainerExitStatus.PREEMPTED, "Container preempted by scheduler");
    }

    /** The NodeManager could not start the container. */
    void failStart(Container container) {
        callbacks.startFailed(container.getId(), new java.io.IOException("disk full"));
    }

    /** The ResourceManager asks the AM to stop. */
    void shutDown() {
        callbacks.shutdownRequested();
    }

    /** @return requests added and not removed */
    List<ContainerRequest> outstanding() {
        List<ContainerRequest> left = new ArrayList<>(requests);
        removedRequests.forEach(left::remove);
        return left;
    }

    @Override
    public void register(String host, String trackingUrl, Callbacks callbacks) {
        this.callbacks = callbacks;
    }

    @Override
    public void addContainerRequest(ContainerRequest request) {
        requests.add(request);
    }

    @Override
    public void removeContainerRequest(ContainerRequest request) {
        removedRequests.add(request);
    }

    @Override
    public void releaseContainer(ContainerId container) {
        released.add(container);
    }

    @Override
    public void updateBlacklist(List<String> additions, List<String> removals) {
        blacklist.addAll(additions);
        blacklist.removeAll(removals);
    }

    @Override
    public int clusterNodeCount() {
        return nodes;
    }

    @Override
    public void startContainer(Container container, ContainerLaunchContext context) {
        started.add(new Started(container, context));
    }

    @Override
    public void unregister(FinalApplicationStatus status, String diagnostics, String finalTrackingUrl) {
        this.unregistered = status;
        this.diagnostics = diagnostics;
    }
}
