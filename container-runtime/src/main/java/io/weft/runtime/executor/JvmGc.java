package io.weft.runtime.executor;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;

/** This JVM's garbage-collection time, for task metrics and executor heartbeats. */
public final class JvmGc {

    /**
     * Looked up once: {@link ManagementFactory#getGarbageCollectorMXBeans()} builds a new list of beans (and their
     * {@code ObjectName}s) on every call, which showed up as a few percent of an empty task's time, since every
     * task asks twice. A JVM's collectors do not change while it runs.
     */
    private static final List<GarbageCollectorMXBean> COLLECTORS = ManagementFactory.getGarbageCollectorMXBeans();

    private JvmGc() {
    }

    /** @return total milliseconds all collectors have spent since the JVM started; any thread */
    public static long millis() {
        long total = 0;
        for (GarbageCollectorMXBean collector : COLLECTORS) {
            total += Math.max(0, collector.getCollectionTime());
        }
        return total;
    }
}
