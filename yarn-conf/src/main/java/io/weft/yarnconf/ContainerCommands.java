package io.weft.yarnconf;

import io.weft.conf.JvmOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.yarn.api.ApplicationConstants;
import org.apache.hadoop.yarn.api.ApplicationConstants.Environment;
import org.apache.hadoop.yarn.api.records.LocalResource;
import org.apache.hadoop.yarn.api.records.LocalResourceVisibility;
import org.apache.hadoop.yarn.conf.YarnConfiguration;

/**
 * Builds what a Weft JVM in a YARN container runs: the command line (heap, JDK 17 opens, log4j2 writing to the
 * console, which the NodeManager redirects into the container's log directory so {@code yarn logs} shows it)
 * and the class path (the localized Weft and application jars first, then {@code yarn.application.classpath}),
 * started through {@value #LAUNCH_SCRIPT} when the application uses class-data sharing.
 */
public final class ContainerCommands {

    /** The folder, inside a container's working directory, holding the localized jars. */
    public static final String JARS_DIR = "__weft_jars__";

    /**
     * JVM options for a short-lived container JVM: the C1 compiler only, which compiles sooner and costs less
     * CPU while the JVM starts, and the serial collector, with no GC threads competing with the JVMs starting
     * beside it. The client-mode launcher AM always runs with them; executors and the cluster-mode AM with
     * {@code weft.yarn.quickStartJvms}.
     */
    public static final List<String> QUICK_START_JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC");

    /**
     * The script that starts a container's JVM with a node's class-data sharing archive of the framework jars (in
     * this module's resources; staged, and so used, only with {@code weft.yarn.classDataSharing}).
     */
    public static final String LAUNCH_SCRIPT = "weft-launch.sh";

    /** The launch script's list of the jars it may archive: link names under {@link #JARS_DIR}, ':'-separated. */
    public static final String CDS_JARS_ENV = "WEFT_CDS_JARS";

    /**
     * Set to {@code true} where the launch script may dump an archive beside the JVM: a container with at least
     * {@link #CDS_DUMP_ROOM_MB} beyond its JVM's heap.
     */
    public static final String CDS_DUMP_ENV = "WEFT_CDS_DUMP";

    /**
     * The memory a container needs beyond its JVM's heap for the launch script to dump an archive beside the JVM:
     * the dump's JVM peaks at 320-360 MB resident for about 5 s, early in the container's life, when the JVM has
     * touched little of its heap (384 MB is YARN's, and Weft's, default overhead).
     */
    public static final int CDS_DUMP_ROOM_MB = 384;

    /** Link names the launch script takes as they are (no quoting, no ':' or '/'). */
    private static final java.util.regex.Pattern PLAIN_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9._+-]+");

    /** The log4j2 configuration containers use (in this module's resources). */
    public static final String LOG4J_CONFIG = "weft-container-log4j2.xml";

    private ContainerCommands() {
    }

    /**
     * @param heapMb the JVM heap
     * @param mainClass the main class
     * @param args its arguments
     * @param extraJavaOptions more JVM options (may be empty)
     * @return one shell command line with stdout and stderr redirected into the container's log directory
     */
    public static List<String> command(int heapMb, String mainClass, List<String> args,
            List<String> extraJavaOptions) {
        return command(heapMb, mainClass, args, extraJavaOptions, Map.of());
    }

    /**
     * @param heapMb the JVM heap
     * @param mainClass the main class
     * @param args its arguments
     * @param extraJavaOptions more JVM options (may be empty)
     * @param resources the container's resources: when they hold {@link #LAUNCH_SCRIPT}, the JVM starts through it
     * @return one shell command line with stdout and stderr redirected into the container's log directory
     */
    public static List<String> command(int heapMb, String mainClass, List<String> args,
            List<String> extraJavaOptions, Map<String, LocalResource> resources) {
        List<String> parts = new ArrayList<>();
        if (resources.containsKey(LAUNCH_SCRIPT)) {
            parts.add("/bin/bash");
            parts.add(LAUNCH_SCRIPT);
        }
        parts.add(Environment.JAVA_HOME.$$() + "/bin/java");
        parts.add("-Xmx" + heapMb + "m");
        parts.addAll(JvmOptions.ADD_OPENS);
        parts.add("-Djava.io.tmpdir=" + Environment.PWD.$$() + "/tmp");
        parts.add("-Dlog4j2.configurationFile=" + LOG4J_CONFIG);
        parts.add("-Dweft.log.dir=" + ApplicationConstants.LOG_DIR_EXPANSION_VAR);
        parts.addAll(extraJavaOptions);
        parts.add(mainClass);
        parts.addAll(args);
        parts.add("1>" + ApplicationConstants.LOG_DIR_EXPANSION_VAR + "/stdout");
        parts.add("2>" + ApplicationConstants.LOG_DIR_EXPANSION_VAR + "/stderr");
        return List.of(String.join(" ", parts));
    }

    /**
     * The launch script's list of archivable jars, when the resources hold the script: the jars localized PUBLIC
     * (the framework's, from the shared jar cache), in class path order, as far as their names are plain; never
     * the application's own (APPLICATION), which must not reach an archive other applications read.
     *
     * @param base the container environment
     * @param resources the container's resources, jars in class path order ({@link StagingLayout#localResources})
     * @param containerMb the container's memory
     * @param heapMb its JVM's heap
     * @return {@code base}, with {@link #CDS_JARS_ENV} when the script is among the resources, and
     *     {@link #CDS_DUMP_ENV} saying whether the container has room for a dump beside its JVM
     */
    public static Map<String, String> withClassDataSharing(Map<String, String> base,
            Map<String, LocalResource> resources, int containerMb, int heapMb) {
        if (!resources.containsKey(LAUNCH_SCRIPT)) {
            return base;
        }
        List<String> jars = new ArrayList<>();
        String prefix = JARS_DIR + "/";
        resources.forEach((link, resource) -> {
            String name = link.startsWith(prefix) ? link.substring(prefix.length()) : "";
            if (resource.getVisibility() == LocalResourceVisibility.PUBLIC && name.endsWith(".jar")
                    && PLAIN_NAME.matcher(name).matches()) {
                jars.add(name);
            }
        });
        if (jars.isEmpty()) {
            return base;
        }
        Map<String, String> env = new java.util.HashMap<>(base);
        env.put(CDS_JARS_ENV, String.join(":", jars));
        env.put(CDS_DUMP_ENV, String.valueOf(containerMb - heapMb >= CDS_DUMP_ROOM_MB));
        return env;
    }

    /**
     * @param base the container environment from {@link #environment}
     * @param user the user's variables ({@code weft.executorEnv.*} or {@code weft.yarn.appMasterEnv.*})
     * @return {@code base} with the user's variables, which win, except CLASSPATH: Weft's jars must come first
     */
    public static Map<String, String> withUserEnvironment(Map<String, String> base, Map<String, String> user) {
        Map<String, String> env = new java.util.HashMap<>(base);
        user.forEach((name, value) -> {
            if (!name.equals(Environment.CLASSPATH.name())) {
                env.put(name, value);
            }
        });
        return env;
    }

    /**
     * The cluster's part of every Weft container's class path, after Weft's jars: {@code yarn.application.classpath}
     * as configured, or YARN's cross-platform default ({@code {{HADOOP_COMMON_HOME}}/share/hadoop/common/*} and so
     * on) when the key is unset. Entries are trimmed; blank ones dropped. Staging reads the same list to decide
     * which of the client's Hadoop jars the containers already have.
     *
     * @param yarn the cluster's configuration
     * @return the entries, unexpanded ({@code {{VAR}}}, {@code $VAR}); empty when the key is set to nothing
     */
    public static List<String> applicationClassPath(YarnConfiguration yarn) {
        String[] configured = yarn.getStrings(YarnConfiguration.YARN_APPLICATION_CLASSPATH,
                YarnConfiguration.DEFAULT_YARN_CROSS_PLATFORM_APPLICATION_CLASSPATH);
        List<String> entries = new ArrayList<>();
        // getStrings answers null, not the default, for a key set to the empty string.
        for (String entry : configured == null ? new String[0] : configured) {
            if (!entry.isBlank()) {
                entries.add(entry.trim());
            }
        }
        return entries;
    }

    /**
     * @param yarn the cluster's configuration
     * @param javaHome the containers' JAVA_HOME, or {@code null} to use the NodeManager's
     * @return the container environment: CLASSPATH with our jars first, and JAVA_HOME when given
     */
    public static Map<String, String> environment(YarnConfiguration yarn, String javaHome) {
        List<String> entries = new ArrayList<>();
        entries.add(Environment.PWD.$$());
        entries.add(Environment.PWD.$$() + "/" + JARS_DIR + "/*");
        entries.addAll(applicationClassPath(yarn));
        Map<String, String> env = new java.util.HashMap<>();
        env.put(Environment.CLASSPATH.name(), String.join(ApplicationConstants.CLASS_PATH_SEPARATOR, entries));
        if (javaHome != null && !javaHome.isBlank()) {
            env.put(Environment.JAVA_HOME.name(), javaHome);
        }
        return env;
    }
}
