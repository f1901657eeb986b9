package io.weft.planner;

import java.io.Serializable;

/**
 * An executor JVM's health, as its latest heartbeat reported it.
 *
 * @param heapUsed heap bytes in use
 * @param heapMax the heap's limit in bytes
 * @param gcMillis total time spent in garbage collection since the JVM started
 * @param threads live threads
 */
public record ExecutorJvmMetrics(long heapUsed, long heapMax, long gcMillis, int threads) implements Serializable {
}
