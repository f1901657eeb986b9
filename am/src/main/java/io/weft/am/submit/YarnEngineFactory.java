package io.weft.am.submit;

import io.weft.am.master.ApplicationMaster;
import io.weft.am.master.ClusterModeEngines;
import io.weft.am.master.StartupTimeline;
import io.weft.am.master.TimelineListener;
import io.weft.am.master.WebProxies;
import io.weft.api.WeftException;
import io.weft.api.spi.Engine;
import io.weft.api.spi.EngineFactory;
import io.weft.conf.WeftConf;
import io.weft.driver.DriverEngine;
import io.weft.status.DriverUi;
import io.weft.yarnconf.ApplicationDirs;
import io.weft.yarnconf.HadoopConfigurations;
import io.weft.yarnconf.YarnConfigKeys;
import io.weft.yarnconf.YarnSettings;
import java.io.IOException;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.client.api.YarnClientApplication;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.exceptions.YarnException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions with master {@code yarn}. Client mode ({@code weft.submit.deployMode=client}): the driver runs here and
 * executors in YARN containers; shuffle files go to the cluster's default file system. Cluster mode: the program
 * was submitted with {@code WeftSubmit} and runs inside the {@link ApplicationMaster}, which is the driver.
 */
public final class YarnEngineFactory implements EngineFactory {

    private static final Logger LOG = LoggerFactory.getLogger(YarnEngineFactory.class);

    @Override
    public boolean accepts(String master) {
        return master.equals("yarn");
    }

    @Override
    public Engine create(String appName, String master, Map<String, String> config) {
        WeftConf conf = WeftConf.validate(config);
        YarnSettings settings = YarnSettings.from(conf);
        if (ClusterModeEngines.inApplicationMaster()) {
            return ClusterModeEngines.create(conf);
        }
        if (!settings.deployMode().equals("client")) {
            throw new WeftException("master yarn in cluster mode runs the program inside the ApplicationMaster: submit"
                    + " it with 'yarn jar app.jar io.weft.am.WeftSubmit <main class>', or set"
                    + " weft.submit.deployMode=client to run the driver in this JVM.");
        }
        long sessionStart = System.currentTimeMillis();
        YarnConfiguration yarn = HadoopConfigurations.load(conf, System.getenv());
        // Kerberos: fails now, saying what is missing, rather than in Hadoop's SASL retries. Under WeftSubmit the
        // program already runs as the login.
        io.weft.am.kerberos.KerberosLogin.login(conf, yarn, true);
        // The HDFS client's start (mostly a cold JVM's class loading) overlaps the ResourceManager's connection
        // and the new application call, as in SubmitCommand.
        InBackground<FileSystem> fileSystem = inBackground("weft-hdfs-client", () -> FileSystem.get(yarn));
        YarnClient client;
        try {
            client = ResourceManagerConnection.open(yarn, conf, System.getenv(), LOG::info);
        } catch (RuntimeException e) {
            fileSystem.awaitQuietly();
            throw e;
        }
        long connected = System.currentTimeMillis();
        StagingSteps steps = new StagingSteps();
        InBackground<DriverUi> uiStart = null;
        ClientModeStaging files = null;
        try {
            YarnClientApplication application = client.createApplication();
            steps.done("new application");
            checkFits(settings, application.getNewApplicationResponse().getMaximumResourceCapability(), client);
            steps.done("queue check");
            String appId = application.getNewApplicationResponse().getApplicationId().toString();
            // The status UI starts (its server, pages and event log) while the file system comes up.
            uiStart = inBackground("weft-status-ui", () -> DriverUi.start(appId, appName, conf, yarn, true,
                    WebProxies.access(yarn, appId)));
            FileSystem fs = fileSystem.join();
            steps.done("file system");
            // Housekeeping of ended applications' directories runs beside the session's start.
            Janitor.cleanInBackground(fs, client, ApplicationDirs.applicationRoots(conf, fs), conf);
            Path stagingDir = new Path(ApplicationDirs.stagingRoot(conf, fs), appId);
            WeftConf driverConf = ApplicationDirs.withShuffleRoot(conf, fs);
            // The jars, shipped files and configuration go up while the UI, engine and endpoint start.
            files = ClientModeStaging.start(fs, stagingDir, ApplicationDirs.jarCache(conf, fs), driverConf, yarn);
            ClientModeStaging staging = files;
            DriverUi started = uiStart.join();
            uiStart = null; // the engine owns it from here
            steps.done("status UI");
            return DriverEngine.owningUi(started, ui -> {
                        YarnClientBackend backend = new YarnClientBackend(client, application, yarn, settings,
                                appName, stagingDir, conf.get(YarnConfigKeys.JAVA_HOME),
                                ApplicationDirs.jarCache(conf, fs), ui.url().orElse(null));
                        backend.timeline().mark(StartupTimeline.Phase.CLIENT_START, sessionStart);
                        backend.timeline().mark(StartupTimeline.Phase.CLIENT_READY, connected);
                        backend.printTimeline(conf.get(io.weft.conf.ConfigKeys.UI_PROGRESS));
                        backend.continueSteps(steps);
                        backend.stageWith(staging);
                        DriverEngine engine = new DriverEngine(appId, driverConf, yarn, backend, ui);
                        // Container requests prefer the hosts of waiting tasks' input, as in cluster mode.
                        engine.addSchedulerListener(backend.inputLocality());
                        io.weft.driver.DynamicAllocationSettings.from(conf, settings.executorCores()).ifPresent(
                                dynamic -> engine.scheduler().startDynamicAllocation(dynamic,
                                        backend.allocationClient()));
                        engine.addSchedulerListener(new TimelineListener(backend.timeline(),
                                backend::registrationTimes));
                        return engine;
                    });
        } catch (IOException | YarnException | RuntimeException | InterruptedException e) {
            if (uiStart != null) {
                uiStart.discard(DriverUi::close);
            }
            if (files != null) {
                files.awaitThenDelete();
            }
            fileSystem.awaitQuietly();
            client.stop();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new WeftException("Interrupted while starting the YARN session", e);
            }
            if (e instanceof WeftException w) {
                throw w;
            }
            throw new WeftException("Could not reach YARN: " + e.getMessage()
                    + ". Fix: set HADOOP_CONF_DIR (or weft.yarn.hadoopConfDir) to the cluster's configuration.", e);
        }
    }

    /** {@link InBackground#start}, whose only checked failure (no current user) is one the caller reports. */
    private static <T> InBackground<T> inBackground(String name, InBackground.Step<T> step) {
        try {
            return InBackground.start(name, step);
        } catch (IOException e) {
            throw new WeftException("Cannot determine the Hadoop user to start the YARN session as: "
                    + e.getMessage() + ". Fix: check the Kerberos login (kinit, or " + YarnConfigKeys.KERBEROS_PRINCIPAL.name()
                    + " and " + YarnConfigKeys.KERBEROS_KEYTAB.name() + ").", e);
        }
    }

    /**
     * Refuses, before anything is submitted, an unknown queue ({@link #checkQueue}) and containers larger than the
     * cluster allows ({@link #checkFits(YarnSettings, Resource)}).
     *
     * @param settings the requested sizes and queue
     * @param max the cluster's largest container
     * @param client a started client, to look the queue up
     * @throws WeftException naming the setting to change
     */
    static void checkFits(YarnSettings settings, Resource max, YarnClient client) {
        checkQueue(settings, client);
        checkFits(settings, max);
    }

    /**
     * Refuses an unknown queue. Any thread: one ResourceManager call on the client, whose calls are thread-safe.
     *
     * @param settings the requested queue
     * @param client a started client
     * @throws WeftException naming the setting to change, or why the queue could not be looked up
     */
    static void checkQueue(YarnSettings settings, YarnClient client) {
        try {
            if (client.getQueueInfo(settings.queue()) == null) {
                throw new WeftException("The YARN queue '" + settings.queue() + "' does not exist. Fix: set "
                        + YarnConfigKeys.QUEUE.name() + " (--queue) to one of "
                        + client.getAllQueues().stream().map(q -> q.getQueueName()).toList() + ".");
            }
        } catch (IOException | YarnException e) {
            throw new WeftException("Could not look up the YARN queue '" + settings.queue() + "': " + e, e);
        }
    }

    /**
     * Refuses containers larger than the cluster's largest.
     *
     * @param settings the requested sizes
     * @param max the cluster's largest container
     * @throws WeftException naming the setting to change
     */
    static void checkFits(YarnSettings settings, Resource max) {
        checkFits("executor", settings.executorContainerMb(), settings.executorCores(), max,
                YarnConfigKeys.EXECUTOR_MEMORY.name() + " / " + YarnConfigKeys.EXECUTOR_MEMORY_OVERHEAD.name(),
                YarnConfigKeys.EXECUTOR_CORES.name());
        String withExecutor = settings.executorInAm() ? " (with its executor, " + YarnConfigKeys.EXECUTOR_IN_AM.name()
                + ": or " + YarnConfigKeys.EXECUTOR_MEMORY.name() + " / " + YarnConfigKeys.EXECUTOR_CORES.name()
                + ", or turn it off)" : "";
        checkFits("ApplicationMaster", settings.amContainerMb(), settings.amContainerCores(), max,
                YarnConfigKeys.AM_MEMORY.name() + withExecutor, YarnConfigKeys.AM_CORES.name() + withExecutor);
    }

    private static void checkFits(String what, int memoryMb, int cores, Resource max, String memoryKey,
            String coresKey) {
        if (memoryMb > max.getMemorySize()) {
            throw new WeftException("The " + what + " container needs " + memoryMb + " MB but this cluster allows at"
                    + " most " + max.getMemorySize() + " MB per container. Fix: lower " + memoryKey + ".");
        }
        if (cores > max.getVirtualCores()) {
            throw new WeftException("The " + what + " container needs " + cores + " vcores but this cluster allows"
                    + " at most " + max.getVirtualCores() + ". Fix: lower " + coresKey + ".");
        }
    }
}
