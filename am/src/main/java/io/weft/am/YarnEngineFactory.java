package io.weft.am;

import io.weft.api.WeftException;
import io.weft.api.spi.Engine;
import io.weft.api.spi.EngineFactory;
import io.weft.runtime.conf.ConfigKeys;
import io.weft.runtime.conf.WeftConf;
import io.weft.runtime.driver.DriverEngine;
import io.weft.runtime.ui.DriverUi;
import io.weft.yarnconf.HadoopConfigurations;
import io.weft.yarnconf.YarnConfigKeys;
import io.weft.yarnconf.YarnSettings;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.client.api.YarnClientApplication;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.exceptions.YarnException;

/**
 * Sessions with master {@code yarn}. Client mode ({@code weft.submit.deployMode=client}): the driver runs here and
 * executors in YARN containers; shuffle files go to the cluster's default file system. Cluster mode: the program
 * was submitted with {@code WeftSubmit} and runs inside the {@link ApplicationMaster}, which is the driver.
 */
public final class YarnEngineFactory implements EngineFactory {

    @Override
    public boolean accepts(String master) {
        return master.equals("yarn");
    }

    @Override
    public Engine create(String appName, String master, Map<String, String> config) {
        WeftConf conf = WeftConf.validate(config, YarnConfigKeys.allWithRuntime());
        YarnSettings settings = YarnSettings.from(conf);
        AmContext am = AmContext.current();
        if (am != null) {
            return inApplicationMaster(am, conf);
        }
        if (!settings.deployMode().equals("client")) {
            throw new WeftException("master yarn in cluster mode runs the program inside the ApplicationMaster: submit"
                    + " it with 'yarn jar app.jar io.weft.am.WeftSubmit <main class>', or set"
                    + " weft.submit.deployMode=client to run the driver in this JVM.");
        }
        YarnConfiguration yarn = HadoopConfigurations.load(conf, System.getenv());
        YarnClient client = YarnClient.createYarnClient();
        client.init(yarn);
        client.start();
        try {
            YarnClientApplication application = client.createApplication();
            checkFits(settings, application.getNewApplicationResponse().getMaximumResourceCapability(), client);
            String appId = application.getNewApplicationResponse().getApplicationId().toString();
            FileSystem fs = FileSystem.get(yarn);
            Path home = fs.getHomeDirectory();
            Janitor.clean(fs, client, applicationRoots(conf, fs));
            Path stagingDir = new Path(applicationRoots(conf, fs).get(0), appId);
            String cacheSetting = conf.get(YarnConfigKeys.JAR_CACHE_DIR);
            Path jarCache = fs.makeQualified(cacheSetting != null ? new Path(cacheSetting)
                    : new Path(home, ".weft/jars"));
            Map<String, String> withShuffle = new HashMap<>(conf.asMap());
            if (conf.get(ConfigKeys.SHUFFLE_DIR) == null) {
                withShuffle.put(ConfigKeys.SHUFFLE_DIR.name(), fs.makeQualified(new Path(home, ".weft/shuffle"))
                        .toString());
            }
            DriverUi ui = DriverUi.start(appId, appName, conf, yarn, true, WebProxies.access(yarn, appId));
            try {
                DriverEngine engine = new DriverEngine(appId, WeftConf.fromValidated(withShuffle), yarn,
                        new YarnClientBackend(client, application, yarn, settings, appName, stagingDir,
                                conf.get(YarnConfigKeys.JAVA_HOME), jarCache, ui.url().orElse(null)), ui);
                engine.closeWith(ui);
                return engine;
            } catch (RuntimeException e) {
                ui.close();
                throw e;
            }
        } catch (IOException | YarnException | RuntimeException e) {
            client.stop();
            if (e instanceof WeftException w) {
                throw w;
            }
            throw new WeftException("Could not reach YARN: " + e.getMessage()
                    + ". Fix: set HADOOP_CONF_DIR (or weft.yarn.hadoopConfDir) to the cluster's configuration.", e);
        }
    }

    /** Cluster mode: this JVM is the ApplicationMaster, and the program's session is its driver. */
    private static Engine inApplicationMaster(AmContext am, WeftConf conf) {
        YarnConfiguration yarn = new YarnConfiguration(conf.hadoopConfiguration(new YarnConfiguration()));
        try {
            FileSystem fs = FileSystem.get(yarn);
            Map<String, String> withShuffle = new HashMap<>(conf.asMap());
            if (conf.get(ConfigKeys.SHUFFLE_DIR) == null) {
                withShuffle.put(ConfigKeys.SHUFFLE_DIR.name(), fs.makeQualified(new Path(fs.getHomeDirectory(),
                        ".weft/shuffle")).toString());
            }
            DriverEngine engine = new DriverEngine(am.applicationId(), WeftConf.fromValidated(withShuffle), yarn,
                    new AmBackend(am), am.ui(), am.attempt());
            engine.addSchedulerListener(new ProgressReporter(am.launcher()::setProgress));
            PendingTaskLocality locality = new PendingTaskLocality(am.launcher()::relocalizeOutstanding);
            engine.addSchedulerListener(locality);
            am.launcher().preferInputHosts(locality::hostCounts);
            return engine;
        } catch (IOException e) {
            throw new WeftException("The ApplicationMaster cannot reach the file system: " + e.getMessage(), e);
        }
    }

    /**
     * @param conf the settings
     * @param fs the default file system
     * @return the staging root, then the shuffle root: the parents of per-application directories
     */
    static java.util.List<Path> applicationRoots(WeftConf conf, FileSystem fs) {
        Path home = fs.getHomeDirectory();
        String staging = conf.get(YarnConfigKeys.STAGING_DIR);
        String shuffle = conf.get(ConfigKeys.SHUFFLE_DIR);
        return java.util.List.of(fs.makeQualified(staging != null ? new Path(staging) : new Path(home, ".weft/staging")),
                fs.makeQualified(shuffle != null ? new Path(shuffle) : new Path(home, ".weft/shuffle")));
    }

    /**
     * Refuses, before anything is submitted, containers larger than the cluster allows.
     *
     * @param settings the requested sizes
     * @param max the cluster's largest container
     * @throws WeftException naming the setting to lower
     */
    static void checkFits(YarnSettings settings, Resource max) {
        checkFits(settings, max, null);
    }

    /**
     * Also refuses an unknown queue, before anything is submitted.
     *
     * @param settings the requested sizes and queue
     * @param max the cluster's largest container
     * @param client a started client, to look the queue up (null to skip)
     * @throws WeftException naming the setting to change
     */
    static void checkFits(YarnSettings settings, Resource max, YarnClient client) {
        if (client != null) {
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
        checkFits("executor", settings.executorContainerMb(), settings.executorCores(), max,
                YarnConfigKeys.EXECUTOR_MEMORY.name() + " / " + YarnConfigKeys.EXECUTOR_MEMORY_OVERHEAD.name(),
                YarnConfigKeys.EXECUTOR_CORES.name());
        checkFits("ApplicationMaster", settings.amContainerMb(), settings.amCores(), max,
                YarnConfigKeys.AM_MEMORY.name(), YarnConfigKeys.AM_CORES.name());
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
