package io.weft.am.master;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.ContainerLaunchContext;
import org.apache.hadoop.yarn.api.records.ContainerStatus;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.api.records.NodeReport;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.api.records.UpdatedContainer;
import org.apache.hadoop.yarn.client.api.AMRMClient.ContainerRequest;
import org.apache.hadoop.yarn.client.api.async.AMRMClientAsync;
import org.apache.hadoop.yarn.client.api.async.NMClientAsync;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link YarnAmClient} over YARN's asynchronous clients: one AMRM heartbeat every 200 ms, every 50 ms for the first
 * {@value #FAST_WINDOW_MILLIS} ms after container requests were added and while some are outstanding (an
 * allocation reaches the AM one heartbeat after the scheduler made it; a request the cluster cannot satisfy soon
 * does not keep the ResourceManager busy), and an NM client that starts containers on its own threads. Their
 * callback handlers only forward to {@link YarnAmClient.Callbacks}.
 */
final class AsyncYarnAmClient implements YarnAmClient {

    private static final Logger LOG = LoggerFactory.getLogger(AsyncYarnAmClient.class);
    private static final int HEARTBEAT_MILLIS = 200;
    private static final int HEARTBEAT_WHILE_REQUESTING_MILLIS = 50;
    private static final long FAST_WINDOW_MILLIS = 3000;

    private final YarnConfiguration yarn;
    private final StartupTimeline timeline;
    private final java.util.concurrent.atomic.AtomicInteger outstanding = new java.util.concurrent.atomic.AtomicInteger();
    /** Until when (epoch ms) heartbeats are fast; 0 when they are not. */
    private volatile long fastUntil;
    private AMRMClientAsync<ContainerRequest> rm;
    private NMClientAsync nm;

    /**
     * @param yarn the cluster's configuration
     * @param timeline where registration, requests, allocations and launches are marked
     */
    AsyncYarnAmClient(YarnConfiguration yarn, StartupTimeline timeline) {
        this.yarn = yarn;
        this.timeline = timeline;
    }

    @Override
    public void register(String host, String trackingUrl, Callbacks callbacks) throws Exception {
        rm = AMRMClientAsync.createAMRMClientAsync(HEARTBEAT_MILLIS, new RmCallbacks(callbacks, timeline,
                this::slowDownAfterWindow));
        rm.init(yarn);
        rm.start();
        nm = NMClientAsync.createNMClientAsync(new NmCallbacks(callbacks));
        nm.init(yarn);
        nm.start();
        rm.registerApplicationMaster(host, 0, trackingUrl);
        timeline.mark(StartupTimeline.Phase.AM_REGISTERED);
    }

    @Override
    public void addContainerRequest(ContainerRequest request) {
        rm.addContainerRequest(request);
        timeline.mark(StartupTimeline.Phase.EXECUTORS_REQUESTED);
        outstanding.incrementAndGet();
        fastUntil = System.currentTimeMillis() + FAST_WINDOW_MILLIS;
        rm.setHeartbeatInterval(HEARTBEAT_WHILE_REQUESTING_MILLIS);
    }

    /** On the heartbeat thread, at each heartbeat: back to the normal interval once the window has passed. */
    private void slowDownAfterWindow() {
        long until = fastUntil;
        if (until != 0 && System.currentTimeMillis() > until) {
            fastUntil = 0;
            rm.setHeartbeatInterval(HEARTBEAT_MILLIS);
        }
    }

    @Override
    public void removeContainerRequest(ContainerRequest request) {
        rm.removeContainerRequest(request);
        if (outstanding.decrementAndGet() == 0) {
            fastUntil = 0;
            rm.setHeartbeatInterval(HEARTBEAT_MILLIS);
        }
    }

    @Override
    public void releaseContainer(ContainerId container) {
        rm.releaseAssignedContainer(container);
    }

    @Override
    public void updateBlacklist(List<String> additions, List<String> removals) {
        rm.updateBlacklist(additions, removals);
    }

    @Override
    public int clusterNodeCount() {
        return rm == null ? 0 : rm.getClusterNodeCount();
    }

    @Override
    public void startContainer(Container container, ContainerLaunchContext context) {
        timeline.mark(StartupTimeline.Phase.LAUNCHED);
        nm.startContainerAsync(container, context);
    }

    @Override
    public void unregister(FinalApplicationStatus status, String diagnostics, String finalTrackingUrl)
            throws Exception {
        rm.unregisterApplicationMaster(status, diagnostics, finalTrackingUrl);
        rm.stop();
        nm.stop();
    }

    /** Runs on the AMRM client's callback thread. */
    private static final class RmCallbacks extends AMRMClientAsync.AbstractCallbackHandler {
        private final Callbacks callbacks;
        private final StartupTimeline timeline;
        private final Runnable onHeartbeat;

        RmCallbacks(Callbacks callbacks, StartupTimeline timeline, Runnable onHeartbeat) {
            this.callbacks = callbacks;
            this.timeline = timeline;
            this.onHeartbeat = onHeartbeat;
        }

        @Override
        public void onContainersCompleted(List<ContainerStatus> statuses) {
            callbacks.completed(statuses);
        }

        @Override
        public void onContainersAllocated(List<Container> containers) {
            long now = System.currentTimeMillis();
            containers.forEach(c -> timeline.mark(StartupTimeline.Phase.ALLOCATED, now));
            callbacks.allocated(containers);
        }

        @Override
        public void onContainersUpdated(List<UpdatedContainer> containers) {
        }

        @Override
        public void onShutdownRequest() {
            callbacks.shutdownRequested();
        }

        @Override
        public void onNodesUpdated(List<NodeReport> updatedNodes) {
        }

        @Override
        public float getProgress() {
            onHeartbeat.run();
            return callbacks.progress();
        }

        @Override
        public void onError(Throwable e) {
            callbacks.failed(e);
        }
    }

    /** Runs on the NM client's threads; only a failed start matters (completion comes from the RM). */
    private static final class NmCallbacks extends NMClientAsync.AbstractCallbackHandler {
        private final Callbacks callbacks;

        NmCallbacks(Callbacks callbacks) {
            this.callbacks = callbacks;
        }

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
            callbacks.startFailed(containerId, t);
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
