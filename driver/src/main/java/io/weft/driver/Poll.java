package io.weft.driver;

import java.util.function.BooleanSupplier;

/**
 * Waiting for something that has no event to wait on (a count reached, a process gone, a report changed): check
 * it every so often until it holds or a deadline passes. The one copy of that loop, for the driver, its backends
 * and the tests. Time is measured with {@link System#nanoTime()}, which wall-clock changes do not move.
 */
public final class Poll {

    private Poll() {
    }

    /**
     * Checks {@code condition} at once, then every {@code intervalMillis}, on the calling thread.
     *
     * @param condition what is awaited; must not block for long
     * @param timeoutMillis how long to wait at most
     * @param intervalMillis the pause between checks
     * @return true as soon as the condition holds; false if it still did not when the time was up
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public static boolean until(BooleanSupplier condition, long timeoutMillis, long intervalMillis)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (!condition.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            Thread.sleep(Math.max(1, Math.min(intervalMillis, left / 1_000_000L)));
        }
        return true;
    }
}
