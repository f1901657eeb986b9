package io.weft.am.master;

import io.weft.conf.ConfigKeys;
import io.weft.conf.WeftConf;
import io.weft.yarnconf.YarnSettings;
import java.util.List;
import java.util.Map;

/**
 * The executors an application asks YARN for, and whether one more runs inside the ApplicationMaster.
 *
 * @param instances how many containers
 * @param heapMb each one's JVM heap
 * @param containerMb each one's container memory: heap plus overhead
 * @param cores each one's vcores and task threads
 * @param nodeLabel the node-label expression their containers need, or null
 * @param javaOptions extra JVM options ({@code weft.executor.extraJavaOptions})
 * @param environment extra environment variables ({@code weft.executorEnv.*})
 * @param inApplicationMaster whether one more executor, of {@code cores} cores, runs in the ApplicationMaster's JVM
 *     ({@code weft.yarn.executorInAm}; it is not among {@code instances})
 */
public record ExecutorSpec(int instances, int heapMb, int containerMb, int cores, String nodeLabel,
        List<String> javaOptions, Map<String, String> environment, boolean inApplicationMaster) {

    public ExecutorSpec {
        javaOptions = List.copyOf(javaOptions);
        environment = Map.copyOf(environment);
    }

    /** A spec of containers only. */
    public ExecutorSpec(int instances, int heapMb, int containerMb, int cores, String nodeLabel,
            List<String> javaOptions, Map<String, String> environment) {
        this(instances, heapMb, containerMb, cores, nodeLabel, javaOptions, environment, false);
    }

    /** The executor id of the one in the ApplicationMaster: containers' executors count from 1. */
    public static final String AM_EXECUTOR_ID = "0";

    /** A spec without extra environment variables. */
    public ExecutorSpec(int instances, int heapMb, int containerMb, int cores, String nodeLabel,
            List<String> javaOptions) {
        this(instances, heapMb, containerMb, cores, nodeLabel, javaOptions, Map.of());
    }

    /**
     * @param settings the application's YARN settings
     * @param conf its settings, for the executors' extra JVM options and environment
     * @return the spec; with dynamic allocation, {@code instances} is the initial number of executors; one fewer
     *     when one runs in the ApplicationMaster
     */
    public static ExecutorSpec from(YarnSettings settings, WeftConf conf) {
        return new ExecutorSpec(settings.executorContainers(io.weft.driver.DynamicAllocationSettings
                .initialExecutors(conf, settings.executorInstances())), settings.executorMemoryMb(),
                settings.executorContainerMb(), settings.executorCores(), settings.executorNodeLabel(),
                withChannelOption(conf, ConfigKeys.splitOptions(conf.get(ConfigKeys.EXECUTOR_JAVA_OPTIONS))),
                ConfigKeys.withPrefix(conf, ConfigKeys.EXECUTOR_ENV_PREFIX), settings.executorInAm());
    }

    /**
     * The quick-start options when asked for ({@code weft.yarn.quickStartJvms}), then the driver's encryption switch
     * (executors learn the session's settings only after authenticating), then the user's, which win.
     */
    private static List<String> withChannelOption(WeftConf conf, List<String> userOptions) {
        List<String> options = new java.util.ArrayList<>();
        if (conf.get(io.weft.yarnconf.YarnConfigKeys.QUICK_START_JVMS)) {
            options.addAll(io.weft.yarnconf.ContainerCommands.QUICK_START_JVM_OPTIONS);
        }
        options.add(io.weft.runtime.channel.ChannelOptions.from(conf).jvmOption());
        options.addAll(userOptions);
        return options;
    }
}
