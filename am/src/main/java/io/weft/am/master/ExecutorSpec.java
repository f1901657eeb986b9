package io.weft.am.master;

import io.weft.conf.ConfigKeys;
import io.weft.conf.WeftConf;
import io.weft.yarnconf.YarnSettings;
import java.util.List;

/**
 * The executors an application asks YARN for.
 *
 * @param instances how many
 * @param heapMb each one's JVM heap
 * @param containerMb each one's container memory: heap plus overhead
 * @param cores each one's vcores and task threads
 * @param nodeLabel the node-label expression their containers need, or null
 * @param javaOptions extra JVM options ({@code weft.executor.extraJavaOptions})
 */
public record ExecutorSpec(int instances, int heapMb, int containerMb, int cores, String nodeLabel,
        List<String> javaOptions) {

    public ExecutorSpec {
        javaOptions = List.copyOf(javaOptions);
    }

    /**
     * @param settings the application's YARN settings
     * @param conf its settings, for the executors' extra JVM options
     * @return the spec
     */
    public static ExecutorSpec from(YarnSettings settings, WeftConf conf) {
        String options = conf.get(ConfigKeys.EXECUTOR_JAVA_OPTIONS);
        return new ExecutorSpec(settings.executorInstances(), settings.executorMemoryMb(),
                settings.executorContainerMb(), settings.executorCores(), settings.executorNodeLabel(),
                options == null || options.isBlank() ? List.of() : List.of(options.trim().split("\\s+")));
    }
}
