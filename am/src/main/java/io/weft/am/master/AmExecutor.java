package io.weft.am.master;

import io.weft.runtime.channel.ApplicationSecrets;
import io.weft.runtime.channel.PeerRole;
import io.weft.runtime.executor.ExecutorMain;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor that runs inside the ApplicationMaster's JVM when {@code weft.yarn.executorInAm} is on, as
 * MapReduce's uber mode runs a small job's tasks in its AM: a small job then needs no executor container, and skips
 * their allocation, launch and JVM start. It connects to the driver over the same authenticated (and, by default,
 * encrypted) channel as any executor: in cluster mode the driver is in this JVM too, in client mode it is the
 * submitting process. Its id is {@link ExecutorSpec#AM_EXECUTOR_ID}; the containers' executors count from 1.
 */
final class AmExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(AmExecutor.class);

    private AmExecutor() {
    }

    /**
     * Starts the executor on a daemon thread of its own. Any thread; returns at once. Classes come from the calling
     * thread's context class loader (in cluster mode, the one the program's classes are in).
     *
     * @param driverHost the driver's host
     * @param driverPort the driver's port
     * @param cores the executor's task threads ({@code weft.executor.cores})
     * @param heapMb its part of this JVM's heap ({@code weft.executor.memory}), of which its task and storage memory
     *     are shares
     * @param secret the application's secret; the executor proves only its role's
     *     ({@link ApplicationSecrets#forRole}), as a container's executor does
     * @return completes when the executor has stopped (the driver stopped it, or its connection closed), with its
     *     exit code as an executor process would have (0 stopped, 3 could not connect, 4 not registered)
     */
    static CompletableFuture<Integer> start(String driverHost, int driverPort, int cores, int heapMb,
            byte[] secret) {
        LOG.info("Starting executor {} in the ApplicationMaster's JVM with {} cores and {} MB of its heap, for the"
                + " driver at {}:{}", ExecutorSpec.AM_EXECUTOR_ID, cores, heapMb, driverHost, driverPort);
        return ExecutorMain.startInThisJvm(driverHost, driverPort, ExecutorSpec.AM_EXECUTOR_ID, cores,
                (long) heapMb << 20,
                        ApplicationSecrets.forRole(secret, PeerRole.EXECUTOR))
                .whenComplete((code, error) -> {
                    if (error != null || code != 0) {
                        LOG.warn("The ApplicationMaster's executor ended abnormally ({})",
                                error != null ? error.toString() : "code " + code);
                    }
                });
    }
}
