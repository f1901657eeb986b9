package io.weft.am.master;

import io.weft.planner.ExecutorAllocationClient;
import java.util.List;

/**
 * Cluster mode: dynamic allocation's requests go to the {@link ExecutorLauncher} in the same JVM, whose event
 * thread adds or withdraws container requests and releases containers. Never blocks: the launcher only enqueues.
 */
final class LauncherAllocationClient implements ExecutorAllocationClient {

    private final ExecutorLauncher launcher;

    LauncherAllocationClient(ExecutorLauncher launcher) {
        this.launcher = launcher;
    }

    @Override
    public void requestTotalExecutors(int total) {
        launcher.setTargetExecutors(total);
    }

    @Override
    public void releaseExecutors(List<String> executorIds, String reason) {
        launcher.releaseExecutors(executorIds, reason);
    }
}
