package io.weft.driver.backend;

import io.weft.driver.endpoint.DriverEndpoint;
import io.weft.planner.TaskDescription;
import io.weft.driver.ClusterBackend;
import java.util.Map;

/**
 * A backend whose executors are other processes talking to this driver's {@link DriverEndpoint}: executor JVMs
 * on this machine, or YARN containers. Subclasses start the endpoint and the executors; task delivery is the
 * endpoint's.
 */
public abstract class RemoteExecutorsBackend implements ClusterBackend {

    /** Set by {@code start}, cleared by {@link #closeEndpoint()}. */
    protected volatile DriverEndpoint endpoint;

    @Override
    public void launchTask(String executorId, TaskDescription task) {
        DriverEndpoint current = endpoint;
        if (current != null) {
            current.launch(executorId, task);
        }
    }

    @Override
    public void killTask(String executorId, long taskId) {
        DriverEndpoint current = endpoint;
        if (current != null) {
            current.kill(executorId, taskId);
        }
    }

    @Override
    public void unpersist(int nodeId) {
        DriverEndpoint current = endpoint;
        if (current != null) {
            current.unpersist(nodeId);
        }
    }

    /** @return each registered executor's process id, as it reported on registering */
    public Map<String, Long> executorPids() {
        DriverEndpoint current = endpoint;
        return current == null ? Map.of() : current.executorPids();
    }

    /** Tells the executors to stop and closes the endpoint. Idempotent. */
    protected void closeEndpoint() {
        DriverEndpoint current = endpoint;
        endpoint = null;
        if (current != null) {
            current.close();
        }
    }
}
