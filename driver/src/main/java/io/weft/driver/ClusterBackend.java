package io.weft.driver;

import io.weft.planner.ClusterEvents;
import io.weft.planner.TaskLauncher;
import io.weft.planner.Topology;

/**
 * Where executors come from: threads in this JVM, executor JVMs on this machine, or YARN containers. The
 * backend starts executors, tells the scheduler about them ({@link ClusterEvents#executorAdded}), delivers tasks
 * to them and reports every task's end ({@link ClusterEvents#taskEnded}) and every executor's loss
 * ({@link ClusterEvents#executorLost}).
 */
public interface ClusterBackend extends TaskLauncher, AutoCloseable {

    /**
     * Starts executors. Called once, on the thread creating the session; may block until executors are ready.
     *
     * @param scheduler the scheduler to report to
     * @param context what executors need to know about the application
     */
    void start(ClusterEvents scheduler, DriverContext context);

    /** @return the total number of executor cores, the default partition count */
    int defaultParallelism();

    /**
     * Whether executors run on more than one host or can be replaced by new ones elsewhere (YARN). Excluding an
     * executor after task failures only helps then; with threads in one JVM it would just stop the job.
     *
     * @return whether failing executors are excluded ({@code weft.exclude.enabled} can still turn it off)
     */
    default boolean excludesFailingExecutors() {
        return false;
    }

    /**
     * Where hosts sit in the network, for rack-local scheduling. Called once, before {@link #start}; the scheduler
     * calls the topology on its own thread and caches each host's rack.
     *
     * @return the racks of hosts; by default every host on one rack
     */
    default Topology topology() {
        return Topology.SINGLE_RACK;
    }

    /**
     * Drops a node's cached partitions on every executor. Any thread.
     *
     * @param nodeId the node
     */
    void unpersist(int nodeId);

    /**
     * Drops a broadcast's value on every executor; a task that uses it again fetches it again. Any thread.
     *
     * @param broadcastId the broadcast
     */
    default void unpersistBroadcast(long broadcastId) {
    }

    /**
     * Drops a closed class-loader scope on every executor (its loader, fetched jars and cached partitions); a task
     * of it that arrives later fails. Executors that never ran a task of it have nothing to drop. Any thread.
     *
     * @param scopeKey the scope's key, as stage binaries carry it
     */
    default void dropScope(String scopeKey) {
    }

    /** Stops every executor. Idempotent. */
    @Override
    void close();
}
