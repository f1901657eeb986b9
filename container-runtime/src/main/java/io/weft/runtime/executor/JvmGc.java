package io.weft.runtime.executor;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/** This JVM's garbage-collection time, for task metrics and executor heartbeats. */
public final class JvmGc {

    private JvmGc() {
    }

    /** @return total milliseconds all collectors have spent since the JVM started; any thread */
    public static long millis() {
        long total = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, collector.getCollectionTime());
        }
        return total;
    }
}
