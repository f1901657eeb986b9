package io.weft.driver.backend;

import io.weft.driver.ClusterBackend;
import io.weft.driver.DriverContext;
import io.weft.planner.ClusterEvents;
import io.weft.planner.TaskDescription;
import io.weft.runtime.executor.Executor;
import io.weft.runtime.executor.ExecutorEnvironments;

/**
 * Local mode: one executor whose task threads live in the driver's JVM. Tasks still travel as Kryo bytes and
 * shuffle through files, so local mode exercises the same code as a cluster.
 */
public final class LocalBackend implements ClusterBackend {

    static final String EXECUTOR_ID = "local";

    private final int cores;
    private Executor executor;

    /**
     * @param cores task threads
     */
    public LocalBackend(int cores) {
        this.cores = cores;
    }

    @Override
    public void start(ClusterEvents scheduler, DriverContext context) {
        executor = new Executor(ExecutorEnvironments.create(EXECUTOR_ID, "localhost", cores, context.conf(),
                context.hadoopConf(), context.shuffleDir(), context.kryo()), cores, scheduler::taskEnded);
        scheduler.executorAdded(EXECUTOR_ID, "localhost", cores, null, null);
    }

    /** @return the executor, for tests */
    public Executor executor() {
        return executor;
    }

    @Override
    public int defaultParallelism() {
        return cores;
    }

    @Override
    public void launchTask(String executorId, TaskDescription task) {
        executor.launch(task);
    }

    @Override
    public void killTask(String executorId, long taskId) {
        executor.kill(taskId);
    }

    @Override
    public void unpersist(int nodeId) {
        executor.environment().blockStore().remove(nodeId);
    }

    @Override
    public void unpersistBroadcast(long broadcastId) {
        executor.environment().broadcasts().remove(broadcastId);
    }

    @Override
    public void dropScope(String scopeKey) {
        if (executor != null) {
            executor.scopes().drop(scopeKey);
        }
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.close();
        }
    }
}
