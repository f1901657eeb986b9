package io.weft.status;

import io.weft.status.AppStatusStore.ExecutorInfo;
import io.weft.status.AppStatusStore.StageInfo;
import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link DriverMXBean} over a status store; {@link #register} and {@link #close} manage its JMX registration. */
final class DriverMetrics implements DriverMXBean, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DriverMetrics.class);

    private final AppStatusStore store;
    private ObjectName name;

    DriverMetrics(AppStatusStore store) {
        this.store = store;
    }

    /**
     * Registers with the platform MBean server; a failure (say, a name clash) is logged, not thrown.
     *
     * @param applicationId names the bean
     * @return this
     */
    DriverMetrics register(String applicationId) {
        try {
            ObjectName candidate = new ObjectName("io.weft:type=Driver,application=" + ObjectName.quote(applicationId));
            ManagementFactory.getPlatformMBeanServer().registerMBean(this, candidate);
            name = candidate;
        } catch (JMException e) {
            LOG.warn("Driver metrics are not on JMX: {}", e.toString());
        }
        return this;
    }

    /** @return the bean's name, or null when it is not registered */
    ObjectName name() {
        return name;
    }

    @Override
    public String getApplicationId() {
        return store.application().id();
    }

    @Override
    public int getActiveJobs() {
        return store.application().activeJobs();
    }

    @Override
    public long getPendingTasks() {
        long pending = 0;
        for (StageInfo stage : store.stages()) {
            if (stage.status().equals("RUNNING")) {
                pending += Math.max(0, stage.numTasks() - stage.completedTasks() - stage.runningTasks());
            }
        }
        return pending;
    }

    @Override
    public long getRunningTasks() {
        return store.stages().stream().mapToLong(StageInfo::runningTasks).sum();
    }

    @Override
    public long getCompletedTasks() {
        return store.application().completedTasks();
    }

    @Override
    public long getFailedTasks() {
        return store.application().failedTasks();
    }

    @Override
    public int getRunningExecutors() {
        return (int) store.executors().stream().filter(e -> e.status().equals("ACTIVE")).count();
    }

    @Override
    public long getExecutorHeapUsedBytes() {
        return store.executors().stream().filter(e -> e.status().equals("ACTIVE"))
                .mapToLong(ExecutorInfo::heapUsed).sum();
    }

    @Override
    public long getSchedulingDelayMillis() {
        return store.schedulingDelayMillis();
    }

    @Override
    public long getShuffleBytesWritten() {
        return store.application().shuffleBytesWritten();
    }

    @Override
    public long getShuffleBytesRead() {
        return store.application().shuffleBytesRead();
    }

    @Override
    public void close() {
        if (name != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
            } catch (JMException e) {
                LOG.debug("Could not unregister {}: {}", name, e.toString());
            }
            name = null;
        }
    }
}
