package io.weft.planner;

import java.util.List;

/**
 * The cluster backend as dynamic allocation sees it: how many executors the application wants, and which ones it
 * gives back. Called on the scheduler thread; implementations must not block (hand the work to their own thread,
 * as the ApplicationMaster's allocator does).
 */
public interface ExecutorAllocationClient {

    /**
     * The application wants this many executors in all, counting the ones it has: the backend asks for more, or
     * withdraws requests not yet satisfied. It never stops running executors because of a lower total; only
     * {@link #releaseExecutors} does.
     *
     * @param total executors wanted, at least 0
     */
    void requestTotalExecutors(int total);

    /**
     * Stops these executors and gives their containers back. The scheduler has already stopped giving them tasks,
     * and none runs a task. Their loss must reach the scheduler as one no task caused ({@code causedByTasks}
     * false), and must not count as an executor failure.
     *
     * @param executorIds the executors
     * @param reason why, for logs and the executor's exit reason (such as {@code released: idle})
     */
    void releaseExecutors(List<String> executorIds, String reason);
}
