package io.weft.driver;

/**
 * Which attempt of the application's driver this is, and whether the cluster manager may start another one if
 * this one dies (a YARN ApplicationMaster with attempts left). A driver that may be retried keeps a journal of
 * its committed map outputs and leaves its shuffle directory in place when its JVM dies, so the next attempt can
 * reuse them; an attempt after the first reads that journal.
 *
 * @param number the attempt, from 1
 * @param mayBeRetried whether another attempt follows if this one dies without finishing
 */
public record DriverAttempt(int number, boolean mayBeRetried) {

    /** A driver that is the only attempt: local mode, client mode. */
    public static final DriverAttempt ONLY = new DriverAttempt(1, false);

    /** @return whether a journal is written or read */
    public boolean journaled() {
        return mayBeRetried || number > 1;
    }
}
