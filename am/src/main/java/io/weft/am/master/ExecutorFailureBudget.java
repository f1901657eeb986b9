package io.weft.am.master;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;

/**
 * How many executor containers may fail before the application gives up ({@code weft.executor.maxFailures}),
 * counting only failures within the validity window ({@code weft.executor.failuresValidityInterval}), so that a
 * long-running application is not ended by failures spread over days. Failures that are not the application's
 * (preemption, release, node loss) are never recorded here; see {@link ContainerExits}.
 *
 * <p>Used only on the ApplicationMaster's allocator thread.
 */
final class ExecutorFailureBudget {

    private final int maxFailures;
    private final long validityMillis;
    private final LongSupplier clock;
    private final Deque<Long> failures = new ArrayDeque<>();

    /**
     * @param maxFailures failures (within the window) that end the application
     * @param validityMillis how long a failure counts; 0 for ever
     * @param clock the time in milliseconds
     */
    ExecutorFailureBudget(int maxFailures, long validityMillis, LongSupplier clock) {
        this.maxFailures = maxFailures;
        this.validityMillis = validityMillis;
        this.clock = clock;
    }

    /**
     * Records one failure.
     *
     * @return whether the budget is now spent
     */
    boolean recordFailure() {
        long now = clock.getAsLong();
        failures.addLast(now);
        expire(now);
        return failures.size() >= maxFailures;
    }

    /** @return failures that count now */
    int count() {
        expire(clock.getAsLong());
        return failures.size();
    }

    /** @return failures that end the application */
    int max() {
        return maxFailures;
    }

    private void expire(long now) {
        if (validityMillis <= 0) {
            return;
        }
        while (!failures.isEmpty() && failures.peekFirst() <= now - validityMillis) {
            failures.removeFirst();
        }
    }

    /** @return how the budget is described in a diagnostic */
    String describe() {
        return validityMillis > 0 ? maxFailures + " within " + validityMillis / 1000 + " s" : String.valueOf(maxFailures);
    }
}
