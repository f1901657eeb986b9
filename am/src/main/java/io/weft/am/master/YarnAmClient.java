package io.weft.am.master;

import java.util.List;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.ContainerLaunchContext;
import org.apache.hadoop.yarn.api.records.ContainerStatus;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.client.api.AMRMClient.ContainerRequest;

/**
 * What the ApplicationMaster asks of YARN's ResourceManager and NodeManagers, narrowed to what Weft uses, so the
 * launcher's own logic can run against a hand-written fake. {@link AsyncYarnAmClient} is the real one, over
 * {@code AMRMClientAsync} and {@code NMClientAsync}.
 *
 * <p>Requests, releases, blacklist updates and container starts are made on the launcher's event thread and must
 * not block; {@link #register} and {@link #unregister} are made once each, on the AM's main thread.
 */
interface YarnAmClient {

    /**
     * Starts the clients and registers this process as the application's master.
     *
     * @param host this AM's host
     * @param trackingUrl the tracking URL, or empty
     * @param callbacks receives YARN's callbacks from now on
     * @throws Exception when registration fails
     */
    void register(String host, String trackingUrl, Callbacks callbacks) throws Exception;

    /** @param request a container request to add */
    void addContainerRequest(ContainerRequest request);

    /** @param request a satisfied or withdrawn request, so YARN stops allocating for it */
    void removeContainerRequest(ContainerRequest request);

    /** @param container a container to give back */
    void releaseContainer(ContainerId container);

    /**
     * @param additions node names to stop allocating on
     * @param removals node names to allocate on again
     */
    void updateBlacklist(List<String> additions, List<String> removals);

    /** @return how many NodeManagers the cluster has, as of the last heartbeat (0 before the first) */
    int clusterNodeCount();

    /**
     * Starts a process in an allocated container; a failure to start comes back through
     * {@link Callbacks#startFailed}.
     *
     * @param container the container
     * @param context what to run there
     */
    void startContainer(Container container, ContainerLaunchContext context);

    /**
     * Unregisters with the final status and stops the clients.
     *
     * @param status the application's final status
     * @param diagnostics shown by YARN
     * @param finalTrackingUrl where the application's pages are after it ends, or empty
     * @throws Exception when unregistering fails
     */
    void unregister(FinalApplicationStatus status, String diagnostics, String finalTrackingUrl) throws Exception;

    /**
     * YARN's callbacks. They arrive on the clients' own threads: implementations only enqueue work for their event
     * thread, except {@link #progress}, which returns at once.
     */
    interface Callbacks {

        /** @param containers newly allocated containers */
        void allocated(List<Container> containers);

        /** @param statuses containers that ended, with YARN's exit status and diagnostics */
        void completed(List<ContainerStatus> statuses);

        /**
         * @param container a container whose process could not be started
         * @param error why
         */
        void startFailed(ContainerId container, Throwable error);

        /** The ResourceManager asked this AM to shut down (the application was killed, or the AM is stale). */
        void shutdownRequested();

        /** @param error the ResourceManager could not be reached, for good */
        void failed(Throwable error);

        /** @return the application's progress, from 0 to 1, sent with each heartbeat */
        float progress();
    }
}
