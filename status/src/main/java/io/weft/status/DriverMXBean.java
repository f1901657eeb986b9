package io.weft.status;

/**
 * A driver's metrics over JMX, registered as {@code io.weft:type=Driver,application=<id>} for as long as the
 * session runs. Every attribute is read from the status store when asked.
 */
public interface DriverMXBean {

    /** @return the application id */
    String getApplicationId();

    /** @return jobs running */
    int getActiveJobs();

    /** @return tasks of running stages that wait for a free core */
    long getPendingTasks();

    /** @return task attempts running */
    long getRunningTasks();

    /** @return task attempts that succeeded */
    long getCompletedTasks();

    /** @return task attempts that failed, fetch-failed or were lost with their executor */
    long getFailedTasks();

    /** @return executors registered and not lost */
    int getRunningExecutors();

    /** @return heap in use over all executors, at their last heartbeats */
    long getExecutorHeapUsedBytes();

    /** @return from the latest stage's submission to its first task's start, in milliseconds */
    long getSchedulingDelayMillis();

    /** @return committed map output bytes */
    long getShuffleBytesWritten();

    /** @return shuffle bytes read */
    long getShuffleBytesRead();
}
