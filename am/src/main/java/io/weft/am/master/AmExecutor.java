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
 * encrypted) channel as any executor, proving only the executor role's secret: in cluster mode the driver is in
 * this JVM too, in client mode it is the submitting process. Its id is {@link ExecutorSpec#AM_EXECUTOR_ID}; the
 * containers' executors count from 1.
 *
 * <p>No NodeManager replaces it: when the driver drops its connection without telling it to stop (it missed
 * heartbeats, say), a new one starts in its place, with a new id ({@code 0-1}, {@code 0-2}, ...; the driver never
 * takes a lost executor's id back), at most {@link #MAX_RESTARTS} times. One that cannot connect or is not
 * registered is not restarted: the driver is gone or refuses it.
 */
final class AmExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(AmExecutor.class);

    /** How many times a lost executor is replaced in this JVM. */
    static final int MAX_RESTARTS = 3;

    private AmExecutor() {
    }

    /**
     * Starts the executor on a daemon thread of its own. Any thread; returns at once. Classes come from the calling
     * thread's context class loader (in cluster mode, the one the program's classes are in), which its replacements
     * use too.
     *
     * @param driverHost the driver's host
     * @param driverPort the driver's port
     * @param cores the executor's task threads ({@code weft.executor.cores})
     * @param heapMb its part of this JVM's heap ({@code weft.executor.memory}), of which its task and storage memory
     *     are shares
     * @param secret the application's secret; the executor proves only its role's
     *     ({@link ApplicationSecrets#forRole}), as a container's executor does
     * @return completes when the last executor started here has stopped, with its code
     *     ({@link ExecutorMain#startInThisJvm}: 0 when the driver stopped it)
     */
    static CompletableFuture<Integer> start(String driverHost, int driverPort, int cores, int heapMb,
            byte[] secret) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return run(0, driverHost, driverPort, cores, heapMb, ApplicationSecrets.forRole(secret, PeerRole.EXECUTOR),
                loader);
    }

    private static CompletableFuture<Integer> run(int restart, String driverHost, int driverPort, int cores,
            int heapMb, byte[] executorSecret, ClassLoader loader) {
        String id = restart == 0 ? ExecutorSpec.AM_EXECUTOR_ID : ExecutorSpec.AM_EXECUTOR_ID + "-" + restart;
        LOG.info("Starting executor {} in the ApplicationMaster's JVM with {} cores and {} MB of its heap, for the"
                + " driver at {}:{}", id, cores, heapMb, driverHost, driverPort);
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        CompletableFuture<Integer> ended;
        current.setContextClassLoader(loader); // the executor takes its classes from the starting thread's loader
        try {
            ended = ExecutorMain.startInThisJvm(driverHost, driverPort, id, cores, (long) heapMb << 20,
                    executorSecret);
        } finally {
            current.setContextClassLoader(previous);
        }
        return ended.handle((code, error) -> {
            if (error != null) {
                LOG.error("The ApplicationMaster's executor {} failed", id, error);
                return CompletableFuture.completedFuture(-1);
            }
            if (code == ExecutorMain.CONNECTION_LOST && restart < MAX_RESTARTS) {
                LOG.warn("The driver dropped the ApplicationMaster's executor {}; starting another in its place", id);
                return run(restart + 1, driverHost, driverPort, cores, heapMb, executorSecret, loader);
            }
            if (code != 0) {
                LOG.warn("The ApplicationMaster's executor {} ended with code {}{}", id, code,
                        code == ExecutorMain.CONNECTION_LOST ? " after " + MAX_RESTARTS + " replacements: no more"
                                : "");
            }
            return CompletableFuture.completedFuture(code);
        }).thenCompose(next -> next);
    }
}
