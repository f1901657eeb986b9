package io.weft.am.master;

import io.weft.api.WeftException;
import io.weft.api.spi.Engine;
import io.weft.conf.WeftConf;
import io.weft.driver.DriverEngine;
import io.weft.driver.DynamicAllocationSettings;
import io.weft.yarnconf.ApplicationDirs;
import java.io.IOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.conf.YarnConfiguration;

/**
 * Cluster mode: the session a program creates inside the {@link ApplicationMaster} is driven by that AM, which
 * asks YARN for the executors ({@link AmBackend}), reports progress and prefers the hosts of waiting tasks' input;
 * the scheduler places hosts on racks through the cluster's topology ({@link YarnTopology}). With dynamic
 * allocation the scheduler's target and releases go straight to the AM's launcher.
 */
public final class ClusterModeEngines {

    private ClusterModeEngines() {
    }

    /** @return whether this JVM is a cluster-mode ApplicationMaster running its program's {@code main} */
    public static boolean inApplicationMaster() {
        return AmContext.current() != null;
    }

    /**
     * @return the application's staging directory (permissions 700; the ApplicationMaster deletes it when the
     *     program's {@code main} has returned), in the ApplicationMaster only
     * @throws IllegalStateException outside a cluster-mode ApplicationMaster
     */
    public static org.apache.hadoop.fs.Path stagingDirectory() {
        AmContext am = AmContext.current();
        if (am == null) {
            throw new IllegalStateException("not in a cluster-mode ApplicationMaster");
        }
        return am.stagingDir();
    }

    /** @return this application's id, in the ApplicationMaster only */
    public static String applicationId() {
        AmContext am = AmContext.current();
        if (am == null) {
            throw new IllegalStateException("not in a cluster-mode ApplicationMaster");
        }
        return am.applicationId();
    }

    /**
     * Called on the thread creating the session, in the ApplicationMaster only.
     *
     * @param conf the session's validated settings
     * @return the driver, with its executors registered
     * @throws WeftException when the file system cannot be reached or executors do not start
     */
    public static Engine create(WeftConf conf) {
        AmContext am = AmContext.current();
        am.timeline().mark(StartupTimeline.Phase.SESSION_CREATED);
        YarnConfiguration yarn = new YarnConfiguration(conf.hadoopConfiguration(new YarnConfiguration()));
        FileSystem fs;
        try {
            fs = FileSystem.get(yarn);
        } catch (IOException e) {
            throw new WeftException("The ApplicationMaster cannot reach the file system: " + e.getMessage(), e);
        }
        AmBackend backend = new AmBackend(am, YarnTopology.from(yarn));
        DriverEngine engine = new DriverEngine(am.applicationId(), ApplicationDirs.withShuffleRoot(conf, fs), yarn,
                backend, am.ui(), am.attempt());
        engine.addSchedulerListener(new ProgressReporter(am.launcher()::setProgress));
        engine.addSchedulerListener(new TimelineListener(am.timeline(), backend::registrationTimes));
        PendingTaskLocality locality = new PendingTaskLocality(am.launcher()::relocalizeOutstanding);
        engine.addSchedulerListener(locality);
        am.launcher().preferInputHosts(locality::hostCounts);
        DynamicAllocationSettings.from(conf, am.settings().executorCores()).ifPresent(settings ->
                engine.scheduler().startDynamicAllocation(settings, new LauncherAllocationClient(am.launcher())));
        return engine;
    }
}
