package io.weft.yarnconf;

import io.weft.conf.ConfigKey;
import io.weft.conf.ConfigKeys;
import java.util.List;

/** The {@code weft.*} settings of YARN deployments. docs/configuration.md lists them (a test checks). */
public final class YarnConfigKeys {

    private YarnConfigKeys() {
    }

    /** Deploy mode. */
    public static final ConfigKey<String> DEPLOY_MODE = new ConfigKey<>("weft.submit.deployMode", "cluster",
            "client or cluster", s -> {
                if (!s.equals("client") && !s.equals("cluster")) {
                    throw new IllegalArgumentException("unknown mode");
                }
                return s;
            }, "cluster: the driver (the program's main) runs in the ApplicationMaster; client: in the submitting JVM.");

    /** Whether WeftSubmit follows the application to its end. */
    public static final ConfigKey<Boolean> WAIT_APP_COMPLETION = ConfigKeys.bool(
            "weft.yarn.submit.waitAppCompletion", "true", "Cluster mode: whether WeftSubmit follows the application until it ends (exit code 0 only if it"
                    + " SUCCEEDED) or exits once YARN accepted it (exit code 0 when submitted), as"
                    + " spark.yarn.submit.waitAppCompletion does.");

    /** Quick-starting JVM options for executors and the cluster-mode ApplicationMaster. */
    public static final ConfigKey<Boolean> QUICK_START_JVMS = ConfigKeys.bool("weft.yarn.quickStartJvms", "false",
            "YARN only: start executors and the cluster-mode ApplicationMaster with "
                    + "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC (the client-mode launcher AM always has them): they"
                    + " reach registration sooner, at the price of slower hot loops and a single-threaded collector"
                    + " in long tasks. For small, short applications. weft.executor.extraJavaOptions and"
                    + " weft.am.extraJavaOptions come after these and win.");

    /** Class-data sharing archives of the framework jars, built and kept per node. */
    public static final ConfigKey<Boolean> CLASS_DATA_SHARING = ConfigKeys.bool("weft.yarn.classDataSharing", "true",
            "YARN only: start the ApplicationMaster and executors with a class-data sharing archive of Weft's"
                    + " framework jars (the PUBLIC ones), which each node builds once per JDK and jar set from the"
                    + " classes its first containers loaded (a container with 384 MB beyond its heap dumps one beside"
                    + " its JVM), and keeps owner-only in"
                    + " <local dir>/usercache/<user>/weft-cds (the newest 4). Saves part of every container JVM's"
                    + " start. An application jar that bundles Weft has Weft's own classes also shipped as a"
                    + " separate PUBLIC framework jar (made once per jar in ~/.weft/framework-jars), so they can be"
                    + " archived; the application's classes stay in the application jar. false: containers start"
                    + " without one and record nothing, and no framework jar is split out.");

    /** Cluster mode: executors asked for while the program's main starts. */
    public static final ConfigKey<Boolean> EARLY_EXECUTORS = ConfigKeys.bool("weft.yarn.earlyExecutors", "true",
            "YARN cluster mode only: the ApplicationMaster asks for the executors right after it registers, while"
                    + " the program's main is still starting, and they wait for the session; a program that opens"
                    + " no session gives them back when main returns. false: executors are asked for when main"
                    + " creates its session.");

    /** One of the executors runs in the ApplicationMaster's JVM (MapReduce's uber mode, for small jobs). */
    public static final ConfigKey<Boolean> EXECUTOR_IN_AM = ConfigKeys.bool("weft.yarn.executorInAm", "false",
            "YARN only: one of the weft.executor.instances executors runs inside the ApplicationMaster's JVM, as"
                    + " MapReduce's uber mode runs a small job's tasks in its AM. The AM's container grows by"
                    + " weft.executor.cores and by weft.executor.memory, which its heap grows by too; YARN is asked"
                    + " for one executor container fewer. With weft.executor.instances=1 a small job asks for no"
                    + " executor container at all and skips their allocation, launch and JVM start. The AM's"
                    + " executor takes the AM's JVM options, not weft.executor.extraJavaOptions or"
                    + " weft.executorEnv.*, and an error that kills its JVM ends the AM (in cluster mode, the"
                    + " driver) with it. If the driver drops it (missed heartbeats), another starts in the AM in"
                    + " its place, at most 3 times. Not with dynamic allocation.");

    /** Executor containers. */
    public static final ConfigKey<Integer> EXECUTOR_INSTANCES = ConfigKeys.positiveInt("weft.executor.instances", "2",
            "Executor containers requested from YARN.");

    /** Executor heap. */
    public static final ConfigKey<Long> EXECUTOR_MEMORY = ConfigKeys.memory("weft.executor.memory", "1g",
            "Heap of each executor JVM (-Xmx); a bare number is MiB.");

    /** Executor off-heap allowance. */
    public static final ConfigKey<Long> EXECUTOR_MEMORY_OVERHEAD = ConfigKeys.memory(
            "weft.executor.memoryOverhead", null, "Container memory beyond the executor heap (JVM metaspace,"
                    + " threads, buffers); a bare number is MiB. Default: 10% of weft.executor.memory, at least 384m.");

    /** Executor cores. */
    public static final ConfigKey<Integer> EXECUTOR_CORES = ConfigKeys.positiveInt("weft.executor.cores", "1",
            "Virtual cores of each executor container, and its task threads.");

    /** AM heap. */
    public static final ConfigKey<Long> AM_MEMORY = ConfigKeys.memory("weft.am.memory", "512m",
            "Heap of the ApplicationMaster JVM (the driver in cluster mode); a bare number is MiB.");

    /** AM cores. */
    public static final ConfigKey<Integer> AM_CORES = ConfigKeys.positiveInt("weft.am.cores", "1",
            "Virtual cores of the ApplicationMaster container.");

    /** AM attempts. */
    public static final ConfigKey<Integer> AM_MAX_ATTEMPTS = ConfigKeys.positiveInt("weft.am.maxAttempts", "2",
            "ApplicationMaster attempts (capped by yarn.resourcemanager.am.max-attempts).");

    /** Queue. */
    public static final ConfigKey<String> QUEUE = ConfigKeys.string("weft.yarn.queue", "default",
            "The YARN queue to submit to.");

    /** Priority. */
    public static final ConfigKey<Integer> PRIORITY = new ConfigKey<>("weft.yarn.priority", "0", "an integer",
            Integer::parseInt, "Application priority within its queue.");

    /** Executor node label expression. */
    public static final ConfigKey<String> NODE_LABEL = ConfigKeys.string("weft.yarn.executor.nodeLabelExpression",
            null, "Node label expression for executor containers.");

    /** AM node label expression. */
    public static final ConfigKey<String> AM_NODE_LABEL = ConfigKeys.string("weft.yarn.am.nodeLabelExpression", null,
            "Node label expression for the ApplicationMaster container.");

    /** Tags. */
    public static final ConfigKey<String> TAGS = ConfigKeys.string("weft.yarn.tags", "",
            "Comma-separated application tags.");

    /** Staging directory. */
    public static final ConfigKey<String> STAGING_DIR = ConfigKeys.string("weft.yarn.stagingDir", null,
            "Where the client uploads an application's files (per-application subdirectory, permissions 700)."
                    + " Default: .weft/staging under the user's home directory on the default file system.");

    /** Hadoop configuration directory. */
    public static final ConfigKey<String> HADOOP_CONF_DIR = ConfigKeys.string("weft.yarn.hadoopConfDir", null,
            "A directory of *-site.xml files to load instead of HADOOP_CONF_DIR / YARN_CONF_DIR.");

    /** How long the client waits for a ResourceManager to answer. */
    public static final ConfigKey<Long> CONNECT_TIMEOUT = ConfigKeys.duration("weft.yarn.connectTimeout", "30s",
            "How long the submitting client (WeftSubmit, a client-mode session, the janitor) waits for the"
                    + " ResourceManager to answer before failing with the address it tried and where that address"
                    + " came from. Hadoop's own retries would wait up to 15 minutes.");

    /** The JDK containers use. */
    public static final ConfigKey<String> JAVA_HOME = ConfigKeys.string("weft.yarn.javaHome", null,
            "JAVA_HOME for the ApplicationMaster and executor containers. Default: the NodeManagers' JAVA_HOME.");

    /** Shared jar cache. */
    public static final ConfigKey<String> JAR_CACHE_DIR = ConfigKeys.string("weft.yarn.jarCacheDir", null,
            "World-readable directory where framework jars (not the application's) are kept once per content digest"
                    + " and localized with PUBLIC visibility; reused only from a directory nobody else can write and"
                    + " after the digest is verified. Default: .weft/jars under the user's home directory on the"
                    + " default file system.");

    /** Whether a cached jar verified by an earlier submission, and unchanged since, is reused without re-reading. */
    public static final ConfigKey<Boolean> REMEMBER_VERIFIED_JARS = ConfigKeys.bool("weft.yarn.rememberVerifiedJars",
            "true", "Whether a cached jar (weft.yarn.jarCacheDir or the private cache) that an earlier submission"
                    + " re-read and verified against its digest, and whose HDFS file id, length and modification time"
                    + " are unchanged since, is reused without reading it again. The memo is an owner-only file in the"
                    + " private jar cache; the ownership checks still run on every reuse. Also the client's own jars'"
                    + " SHA-256, remembered by local file identity (device, inode, size, modification and change"
                    + " times) in ~/.weft/jar-digests (0600). false: re-read and hash every jar on every submission.");

    /** How long the janitor keeps directories of applications the ResourceManager does not know. */
    public static final ConfigKey<Long> JANITOR_UNKNOWN_APP_GRACE = ConfigKeys.duration(
            "weft.yarn.janitor.unknownAppGracePeriod", "24h",
            "How long the janitor keeps a staging or shuffle directory of an application the ResourceManager does not"
                    + " know (not yet submitted, or finished long ago and forgotten), counted from the directory's"
                    + " last modification. Directories of applications it reports ended are deleted at once.");

    /** Executor container failures that end the application. */
    public static final ConfigKey<Integer> EXECUTOR_MAX_FAILURES = ConfigKeys.positiveInt("weft.executor.maxFailures",
            null, "Executor container failures (within weft.executor.failuresValidityInterval) that end the"
                    + " application. Preemption, release and node loss do not count. Default: twice"
                    + " weft.executor.instances, at least 3.");

    /** How long an executor failure counts. */
    public static final ConfigKey<Long> EXECUTOR_FAILURES_VALIDITY = ConfigKeys.duration(
            "weft.executor.failuresValidityInterval", null,
            "How long an executor container failure counts towards weft.executor.maxFailures. Default: for ever.");

    /** Container failures on one node that exclude it. */
    public static final ConfigKey<Integer> EXCLUDE_MAX_CONTAINER_FAILURES_PER_NODE = ConfigKeys.positiveInt(
            "weft.exclude.maxContainerFailuresPerNode", "2",
            "Executor container failures on one node, within weft.exclude.timeout, after which the ApplicationMaster"
                    + " asks YARN for no more containers there (YARN's blacklist).");

    /** Whether staging ships the jars of the client's Hadoop installation. */
    public static final ConfigKey<String> SHIP_HADOOP_JARS = new ConfigKey<>("weft.yarn.shipHadoopJars", "auto",
            "auto, true or false", s -> {
                if (!s.equals("auto") && !s.equals("true") && !s.equals("false")) {
                    throw new IllegalArgumentException("not auto, true or false");
                }
                return s;
            }, "Whether the client uploads the jars of its own Hadoop installation (those on its class path under"
                    + " HADOOP_HOME, HADOOP_COMMON_HOME, HADOOP_HDFS_HOME, HADOOP_YARN_HOME or HADOOP_MAPRED_HOME, as"
                    + " under yarn jar). auto: leaves to the cluster each such jar that the containers' class path"
                    + " (yarn.application.classpath, or YARN's default when unset) already names, read with the"
                    + " client's environment; ships the rest (share/hadoop/mapreduce and tools/lib are not on YARN's"
                    + " default). true: ships every jar (for NodeManagers without a Hadoop installation on the"
                    + " containers' class path). false: ships none of the installation's jars, named or not (the"
                    + " cluster provides Hadoop some other way). Weft's, its dependencies' and the application's"
                    + " jars outside the installation are always shipped.");

    // ---- shipping things with the job ----

    /** Archives the NodeManagers extract into every container's working directory. */
    public static final ConfigKey<String> ARCHIVES = ConfigKeys.string("weft.archives", "",
            "YARN only: comma-separated archives (.zip, .tar.gz, .tgz, .tar, .jar; local paths or Hadoop URIs, each"
                    + " optionally path#dir) that the NodeManagers extract into a directory of every container's"
                    + " working directory, named after the archive or dir; spark-submit's --archives.");

    /** Extra JVM options of the ApplicationMaster. */
    public static final ConfigKey<String> AM_JAVA_OPTIONS = ConfigKeys.javaOptions("weft.am.extraJavaOptions",
            "weft.am.memory", "Extra JVM options for the ApplicationMaster (the driver in cluster mode), split on"
                    + " white space. A heap size (-Xmx) is refused: set weft.am.memory.");

    // ---- Kerberos ----

    /** Principal to log in as from weft.kerberos.keytab. */
    public static final ConfigKey<String> KERBEROS_PRINCIPAL = ConfigKeys.string("weft.kerberos.principal", null,
            "Kerberos principal to log in as from weft.kerberos.keytab (--principal); the two go together.");

    /** Keytab of weft.kerberos.principal. */
    public static final ConfigKey<String> KERBEROS_KEYTAB = ConfigKeys.string("weft.kerberos.keytab", null,
            "Local keytab of weft.kerberos.principal (--keytab). The client logs in from it; in cluster mode it is"
                    + " uploaded to the application's private staging directory (0600) and localized for the"
                    + " ApplicationMaster only, with APPLICATION visibility, so that the driver obtains fresh"
                    + " delegation tokens for as long as the application runs.");

    /** More file systems to obtain delegation tokens for. */
    public static final ConfigKey<String> KERBEROS_ACCESS_FILESYSTEMS = ConfigKeys.string(
            "weft.kerberos.access.filesystems", "", "Comma-separated file system URIs (hdfs://other-nn:8020, ...)"
                    + " the application uses besides the default file system, staging, shuffle and event log"
                    + " directories: on a Kerberos cluster delegation tokens are obtained for them too.");

    /** When to refresh delegation tokens. */
    public static final ConfigKey<Double> KERBEROS_RENEWAL_RATIO = new ConfigKey<>("weft.kerberos.renewalRatio",
            "0.75", "a number in (0, 1)", s -> {
                double v = Double.parseDouble(s);
                if (!(v > 0 && v < 1)) {
                    throw new IllegalArgumentException("out of range");
                }
                return v;
            }, "With a keytab (or, in client mode, a Kerberos login): fraction of the delegation tokens' renewal"
                    + " interval after which the driver obtains fresh tokens and sends them to the executors.");

    // ---- long-running sessions ----

    /** How long a session application waits with nothing attached and nothing running before it ends. */
    public static final ConfigKey<Long> SESSION_IDLE_TIMEOUT = ConfigKeys.duration("weft.session.idleTimeout", "30min",
            "A long-running session (WeftSubmit --start-session) ends, SUCCEEDED, once no program has been attached"
                    + " and no job has run for this long; its staging and shuffle directories are deleted then.");

    /** All YARN keys. */
    public static final List<ConfigKey<?>> ALL = List.of(DEPLOY_MODE, WAIT_APP_COMPLETION, EXECUTOR_INSTANCES,
            EXECUTOR_MEMORY,
            EXECUTOR_MEMORY_OVERHEAD, EXECUTOR_CORES, AM_MEMORY, AM_CORES, AM_MAX_ATTEMPTS, QUEUE, PRIORITY,
            NODE_LABEL, AM_NODE_LABEL, TAGS, STAGING_DIR, HADOOP_CONF_DIR, CONNECT_TIMEOUT, JAVA_HOME, JAR_CACHE_DIR,
            JANITOR_UNKNOWN_APP_GRACE, EXECUTOR_MAX_FAILURES, EXECUTOR_FAILURES_VALIDITY,
            EXCLUDE_MAX_CONTAINER_FAILURES_PER_NODE, ARCHIVES, AM_JAVA_OPTIONS, QUICK_START_JVMS, CLASS_DATA_SHARING, EARLY_EXECUTORS, EXECUTOR_IN_AM, SHIP_HADOOP_JARS, REMEMBER_VERIFIED_JARS, KERBEROS_PRINCIPAL, KERBEROS_KEYTAB,
            KERBEROS_ACCESS_FILESYSTEMS, KERBEROS_RENEWAL_RATIO, SESSION_IDLE_TIMEOUT);
}
