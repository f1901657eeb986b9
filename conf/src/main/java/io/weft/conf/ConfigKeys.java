package io.weft.conf;

import java.util.List;
import java.util.Locale;

/**
 * Every {@code weft.*} setting the runtime understands, with its default. docs/configuration.md lists the same
 * keys (a test keeps them in step).
 */
public final class ConfigKeys {

    private ConfigKeys() {
    }

    /** Where a program without {@code master(...)} runs. */
    public static final ConfigKey<String> MASTER = string("weft.master", "local[*]",
            "The master when the program sets none: local, local[N], local[*], local-cluster[E,C,M] or yarn.");

    /** Task attempts before a job fails. */
    public static final ConfigKey<Integer> TASK_MAX_FAILURES = positiveInt("weft.task.maxFailures", "4",
            "Attempts of one task before its stage and job fail.");

    /** Fetch-failure resubmissions of a stage before its job fails. */
    public static final ConfigKey<Integer> STAGE_MAX_ATTEMPTS = positiveInt("weft.stage.maxConsecutiveAttempts",
            "4", "Consecutive resubmissions of a stage after lost map outputs before its job fails.");

    /** Parent directory of applications' shuffle directories. */
    public static final ConfigKey<String> SHUFFLE_DIR = string("weft.shuffle.dir", null,
            "Hadoop URI of the directory under which each application keeps its shuffle files, in a"
                    + " subdirectory named after the application id. Default: a weft-shuffle directory under"
                    + " java.io.tmpdir on the local file system.");

    /** Replication of shuffle files. */
    public static final ConfigKey<Short> SHUFFLE_REPLICATION = new ConfigKey<>("weft.shuffle.replication", "1",
            "an integer from 1 to 32767", s -> {
                short v = Short.parseShort(s);
                if (v < 1) {
                    throw new IllegalArgumentException("must be at least 1");
                }
                return v;
            }, "Replication factor of map output files (they can be recomputed from lineage).");

    /** Map-side write buffer. */
    public static final ConfigKey<Long> SHUFFLE_WRITE_BUFFER = size("weft.shuffle.writeBuffer", "32m",
            "Bytes of serialized records a map task buffers before spilling to local disk.");

    /** Whether an executor appends its map outputs to a few shared files per shuffle. */
    public static final ConfigKey<Boolean> SHUFFLE_CONSOLIDATE_FILES = bool("weft.shuffle.consolidateFiles", "true",
            "Each executor appends its map outputs to a few segment files per shuffle (at most"
                    + " weft.shuffle.segmentFilesPerExecutor) instead of writing one file per map task, so a shuffle costs the NameNode"
                    + " about executors x reducers opens, not maps x reducers. A lost segment file costs the map"
                    + " outputs in it. Needs a file system whose streams can hflush (HDFS); elsewhere each map"
                    + " output is a file of its own.");

    /** Roll size of segment files. */
    public static final ConfigKey<Long> SHUFFLE_SEGMENT_FILE_SIZE = size("weft.shuffle.segmentFileSize", "1g",
            "A segment file that holds this many bytes is closed after the map output that filled it, and the"
                    + " next output starts a new one. Files have 128m blocks; a reader's open covers 10 blocks.");

    /** Idle timeout of segment files. */
    public static final ConfigKey<Long> SHUFFLE_SEGMENT_FILE_IDLE_TIMEOUT = duration(
            "weft.shuffle.segmentFileIdleTimeout", "5s",
            "A segment file is closed, so its block is completed, once its executor has stopped writing its"
                    + " shuffle for this long: no map task of the shuffle running there (the clock does not run"
                    + " while one does, however long it takes) and the file unused. The executor's next map"
                    + " output of that shuffle then starts a new file. 0: closed only when full, when the shuffle"
                    + " is removed or when the executor stops.");

    /** Cap on an executor's open segment files per shuffle. */
    public static final ConfigKey<Integer> SHUFFLE_SEGMENT_FILES_PER_EXECUTOR = new ConfigKey<>(
            "weft.shuffle.segmentFilesPerExecutor", "1", "0 or a positive integer", s -> {
                int v = Integer.parseInt(s.trim());
                if (v < 0) {
                    throw new IllegalArgumentException("must be 0 (no cap) or more");
                }
                return v;
            }, "Most segment files an executor keeps open per shuffle. A map task committing when all are in use"
                    + " waits for one (about one other output's copy and hflush), so a shuffle makes about"
                    + " executors x this many files and costs the NameNode executors x this x reducers opens."
                    + " 0: no cap, one file per task committing at the same moment (up to the task threads).");

    /** Memory for aggregation and sorting. */
    public static final ConfigKey<Double> MEMORY_FRACTION = new ConfigKey<>("weft.memory.fraction", "0.4",
            "a number in (0, 0.9]", s -> {
                double v = Double.parseDouble(s);
                if (!(v > 0 && v <= 0.9)) {
                    throw new IllegalArgumentException("out of range");
                }
                return v;
            }, "Fraction of an executor's heap shared by its running tasks' aggregation and sort buffers; each task"
                    + " gets an equal share per core.");

    /** Memory for cached partitions. */
    public static final ConfigKey<Double> STORAGE_FRACTION = new ConfigKey<>("weft.storage.fraction", "0.3",
            "a number in [0, 0.9]", s -> {
                double v = Double.parseDouble(s);
                if (!(v >= 0 && v <= 0.9)) {
                    throw new IllegalArgumentException("out of range");
                }
                return v;
            }, "Fraction of an executor's heap for cached partitions (cache()/persist()); MEMORY_AND_DISK partitions"
                    + " beyond it go to local disk.");

    /** Local scratch directory. */
    public static final ConfigKey<String> LOCAL_DIR = string("weft.local.dir", null,
            "Local directory for spills and disk-cached partitions. Default: java.io.tmpdir.");

    /** Closure size warning threshold. */
    public static final ConfigKey<Long> CLOSURE_WARN_SIZE = size("weft.closure.warnSize", "1m",
            "A stage whose serialized closure exceeds this size is logged with a warning (use a broadcast).");

    /** Default partition count. */
    public static final ConfigKey<Integer> DEFAULT_PARALLELISM = positiveInt("weft.default.parallelism", null,
            "Default number of partitions. Default: the total number of executor cores.");

    /** Executor heartbeat interval (separate-JVM executors). */
    public static final ConfigKey<Long> HEARTBEAT_INTERVAL = duration("weft.executor.heartbeatInterval", "2s",
            "How often executors in their own JVMs heartbeat to the driver.");

    /** Executor heartbeat timeout. */
    public static final ConfigKey<Long> HEARTBEAT_TIMEOUT = duration("weft.executor.heartbeatTimeout", "30s",
            "An executor whose heartbeats stop for this long is marked lost and its tasks run elsewhere.");

    /** Wait for a lost executor's exit status. */
    public static final ConfigKey<Long> EXIT_REASON_WAIT = duration("weft.executor.exitReasonWait", "5s",
            "On YARN (and local-cluster), how long the driver waits, after an executor's connection drops, for the"
                    + " exit status of its container (process) before failing its tasks without one. The status"
                    + " decides whether the loss counts against those tasks (a memory kill does, a preemption does"
                    + " not) and names the setting to change.");

    /** Executor registration timeout. */
    public static final ConfigKey<Long> REGISTRATION_TIMEOUT = duration("weft.executor.registrationTimeout", "60s",
            "How long the driver waits for a started executor JVM to register before failing the session.");

    /** Extra JVM options for executor JVMs. */
    public static final ConfigKey<String> EXECUTOR_JAVA_OPTIONS = javaOptions("weft.executor.extraJavaOptions",
            "weft.executor.memory", "Extra JVM options for executor JVMs (local-cluster and YARN containers),"
                    + " split on white space. A heap size (-Xmx) is refused: set weft.executor.memory.");

    // ---- shipping things with the job ----

    /** Jars for the driver's and executors' class paths. */
    public static final ConfigKey<String> JARS = string("weft.jars", "",
            "Comma-separated jars (local paths or Hadoop URIs) on the class path of the executors and, on YARN, of"
                    + " the ApplicationMaster; spark-submit's --jars. Local and local-cluster masters add them as"
                    + " WeftSession.addJar does.");

    /** Files placed in every container's working directory. */
    public static final ConfigKey<String> FILES = string("weft.files", "",
            "Comma-separated files (local paths or Hadoop URIs, each optionally path#name) placed in the working"
                    + " directory of every container under their name, found with WeftFiles.get(name);"
                    + " spark-submit's --files. Local and local-cluster masters add them as WeftSession.addFile does.");

    /** Prefix of environment variables for executors. */
    public static final String EXECUTOR_ENV_PREFIX = "weft.executorEnv.";

    /** Prefix of environment variables for the YARN ApplicationMaster. */
    public static final String AM_ENV_PREFIX = "weft.yarn.appMasterEnv.";

    /**
     * @param conf settings
     * @param prefix e.g. {@link #EXECUTOR_ENV_PREFIX}
     * @return the settings under the prefix, with the prefix removed (insertion order of the sorted settings)
     */
    public static java.util.Map<String, String> withPrefix(WeftConf conf, String prefix) {
        java.util.Map<String, String> found = new java.util.LinkedHashMap<>();
        conf.asMap().forEach((k, v) -> {
            if (k.startsWith(prefix) && k.length() > prefix.length()) {
                found.put(k.substring(prefix.length()), v);
            }
        });
        return found;
    }

    /**
     * JVM options for some JVM, refusing a heap size, which has its own setting (as Spark refuses -Xmx in
     * {@code spark.executor.extraJavaOptions}): two heap sizes on one command line would leave the container's
     * size and the heap out of step.
     *
     * @param name key
     * @param memoryKey the setting that gives this JVM's heap
     * @param doc documentation
     * @return a setting whose value is the options as written
     */
    public static ConfigKey<String> javaOptions(String name, String memoryKey, String doc) {
        return new ConfigKey<>(name, "", "JVM options without -Xmx", s -> {
            for (String option : s.trim().split("\\s+")) {
                if (option.startsWith("-Xmx")) {
                    throw new IllegalArgumentException(option + " sets the heap, which " + memoryKey
                            + " sets: remove it and set " + memoryKey + " instead");
                }
            }
            return s;
        }, doc);
    }

    /**
     * @param options a JVM options setting's value, or null
     * @return the options, split on white space
     */
    public static List<String> splitOptions(String options) {
        return options == null || options.isBlank() ? List.of() : List.of(options.trim().split("\\s+"));
    }


    /** Whether closing the session deletes its checkpoint files. */
    public static final ConfigKey<Boolean> CHECKPOINT_CLEAN_ON_CLOSE = bool("weft.checkpoint.cleanOnClose", "true",
            "Whether closing the session deletes its subdirectory of the checkpoint directory (checkpoint()).");

    /** Whether the driver serves its status pages. */
    public static final ConfigKey<Boolean> UI_ENABLED = bool("weft.ui.enabled", "true",
            "Whether the driver serves its status pages and JSON API (on YARN: the application's tracking URL).");

    /** The status server's port. */
    public static final ConfigKey<Integer> UI_PORT = new ConfigKey<>("weft.ui.port", "0",
            "a port number from 0 to 65535", s -> {
                int v = Integer.parseInt(s.trim());
                if (v < 0 || v > 65535) {
                    throw new IllegalArgumentException("must be from 0 to 65535");
                }
                return v;
            }, "The driver's status server port; 0 picks a free port, which is safest on shared YARN nodes.");

    /** Where drivers write event logs. */
    public static final ConfigKey<String> EVENT_LOG_DIR = string("weft.eventLog.dir", null,
            "Hadoop URI of a directory where the driver writes its event log (JSON lines, one file per application),"
            + " which 'history' serves after the application ends. Unset: no event log.");

    /** The group that may read event logs. */
    public static final ConfigKey<String> EVENT_LOG_GROUP = string("weft.eventLog.group", null,
            "Group given read access to event logs (files 0640, owner and this group), e.g. the group the 'history'"
            + " server runs in; the application's user must belong to it. Unset: event logs are 0600, readable by"
            + " the application's user only.");

    /** Where a history server serves finished applications. */
    public static final ConfigKey<String> HISTORY_ADDRESS = string("weft.history.address", null,
            "http://host:port of a running 'history' server reading weft.eventLog.dir: the ApplicationMaster sets"
            + " YARN's final tracking URL to the application's pages there.");

    /** Whether the console shows stage progress. */
    public static final ConfigKey<Boolean> UI_PROGRESS = bool("weft.ui.progress", "true",
            "Whether the client prints a progress line per running stage (redrawn in place on a terminal).");

    /** Whether executors and hosts where tasks keep failing are excluded. */
    public static final ConfigKey<Boolean> EXCLUDE_ENABLED = bool("weft.exclude.enabled", "true",
            "Whether executors (and hosts) where tasks keep failing get no tasks for a while; excluded hosts get no"
                    + " new YARN containers. Applies on YARN only: local threads cannot be replaced.");

    /** Task failures that exclude an executor. */
    public static final ConfigKey<Integer> EXCLUDE_MAX_FAILURES_PER_EXECUTOR = positiveInt(
            "weft.exclude.maxFailuresPerExecutor", "2",
            "Task failures on one executor, within weft.exclude.timeout, that exclude it.");

    /** Excluded executors that exclude their host. */
    public static final ConfigKey<Integer> EXCLUDE_MAX_EXECUTORS_PER_NODE = positiveInt(
            "weft.exclude.maxExcludedExecutorsPerNode", "2",
            "Excluded executors on one host, within weft.exclude.timeout, that exclude the whole host.");

    /** How long an exclusion lasts. */
    public static final ConfigKey<Long> EXCLUDE_TIMEOUT = duration("weft.exclude.timeout", "1h",
            "How long an executor or host stays excluded (and how long a task failure counts towards excluding it).");

    /** How long a stage may find every executor excluded. */
    public static final ConfigKey<Long> EXCLUDE_UNSCHEDULABLE_TIMEOUT = duration(
            "weft.exclude.unschedulableTimeout", "10s",
            "How long a stage with tasks to run may find every executor excluded before its jobs fail with a"
                    + " message saying so.");

    /** Whether slow tasks get a second attempt. */
    public static final ConfigKey<Boolean> SPECULATION = bool("weft.speculation", "false",
            "Whether slow tasks get a speculative second attempt on another executor; the first to finish wins.");

    /** Fraction of tasks done before speculating. */
    public static final ConfigKey<Double> SPECULATION_QUANTILE = new ConfigKey<>("weft.speculation.quantile",
            "0.75", "a number in (0, 1]", s -> {
                double v = Double.parseDouble(s);
                if (!(v > 0 && v <= 1)) {
                    throw new IllegalArgumentException("out of range");
                }
                return v;
            }, "Fraction of a stage's tasks that must have succeeded before any of its tasks is speculated.");

    /** How much slower than the median a task must be. */
    public static final ConfigKey<Double> SPECULATION_MULTIPLIER = new ConfigKey<>("weft.speculation.multiplier",
            "1.5", "a number of at least 1", s -> {
                double v = Double.parseDouble(s);
                if (!(v >= 1)) {
                    throw new IllegalArgumentException("must be at least 1");
                }
                return v;
            }, "A task is slow when it has run this many times longer than its stage's median successful task.");

    /** Minimum run time before a task is slow. */
    public static final ConfigKey<Long> SPECULATION_MIN_RUNTIME = duration("weft.speculation.minRuntime", "1s",
            "A task is never speculated before it has run this long.");

    /** How long a task waits for a core near its input, at each locality level. */
    public static final ConfigKey<Long> LOCALITY_WAIT = duration("weft.locality.wait", "3s",
            "How long a stage waits for a free core on a host (then a rack) holding a task's input before it runs"
                    + " the task less locally; 0 turns delay scheduling off. Default of the per-level waits.");

    /** The wait for a core on an input host. */
    public static final ConfigKey<Long> LOCALITY_WAIT_NODE = duration("weft.locality.wait.node", null,
            "How long a stage waits, without a launch on a host holding input, before it runs tasks rack-locally.");

    /** The wait for a core on an input host's rack. */
    public static final ConfigKey<Long> LOCALITY_WAIT_RACK = duration("weft.locality.wait.rack", null,
            "How long a stage waits, without a rack-local launch, before it runs tasks on any host.");

    /** All keys. */
    public static final List<ConfigKey<?>> ALL = List.of(MASTER, TASK_MAX_FAILURES, STAGE_MAX_ATTEMPTS, SHUFFLE_DIR,
            SHUFFLE_REPLICATION, SHUFFLE_WRITE_BUFFER, SHUFFLE_CONSOLIDATE_FILES, SHUFFLE_SEGMENT_FILE_SIZE,
            SHUFFLE_SEGMENT_FILE_IDLE_TIMEOUT, SHUFFLE_SEGMENT_FILES_PER_EXECUTOR, MEMORY_FRACTION, STORAGE_FRACTION, LOCAL_DIR,
            CLOSURE_WARN_SIZE, DEFAULT_PARALLELISM, HEARTBEAT_INTERVAL, HEARTBEAT_TIMEOUT, EXIT_REASON_WAIT,
            REGISTRATION_TIMEOUT,
            EXECUTOR_JAVA_OPTIONS, JARS, FILES, UI_ENABLED, UI_PORT, UI_PROGRESS, EVENT_LOG_DIR, EVENT_LOG_GROUP,
            HISTORY_ADDRESS, EXCLUDE_ENABLED,
            EXCLUDE_MAX_FAILURES_PER_EXECUTOR, EXCLUDE_MAX_EXECUTORS_PER_NODE, EXCLUDE_TIMEOUT,
            EXCLUDE_UNSCHEDULABLE_TIMEOUT, SPECULATION, SPECULATION_QUANTILE, SPECULATION_MULTIPLIER,
            SPECULATION_MIN_RUNTIME, LOCALITY_WAIT, LOCALITY_WAIT_NODE, LOCALITY_WAIT_RACK,
            CHECKPOINT_CLEAN_ON_CLOSE);

    /** Prefix of settings passed to the Hadoop configuration with the prefix removed. */
    public static final String HADOOP_PREFIX = "weft.hadoop.";

    /**
     * @param name key
     * @param def default
     * @param doc documentation
     * @return a string setting
     */
    public static ConfigKey<String> string(String name, String def, String doc) {
        return new ConfigKey<>(name, def, "a string", s -> s, doc);
    }

    /**
     * @param name key
     * @param def default
     * @param doc documentation
     * @return a positive integer setting
     */
    public static ConfigKey<Integer> positiveInt(String name, String def, String doc) {
        return new ConfigKey<>(name, def, "a positive integer", s -> {
            int v = Integer.parseInt(s);
            if (v < 1) {
                throw new IllegalArgumentException("must be at least 1");
            }
            return v;
        }, doc);
    }

    /**
     * @param name key
     * @param def default
     * @param doc documentation
     * @return a byte-size setting
     */
    public static ConfigKey<Long> size(String name, String def, String doc) {
        return new ConfigKey<>(name, def, "a byte size such as 512k, 64m or 1g", ConfigKeys::parseBytes, doc);
    }

    /**
     * A memory size for a JVM heap or a container, as spark-submit reads one: with a unit ({@code 512m},
     * {@code 2g}), or a bare number of MiB ({@code 2048} is 2 GiB, not 2048 bytes).
     *
     * @param name key
     * @param def default
     * @param doc documentation
     * @return a memory setting, in bytes
     */
    public static ConfigKey<Long> memory(String name, String def, String doc) {
        return new ConfigKey<>(name, def, "a memory size such as 512m or 2g (a bare number is MiB)",
                ConfigKeys::parseMemory, doc);
    }

    /**
     * @param text e.g. {@code 2g}, {@code 512m}, or {@code 2048} (MiB)
     * @return bytes
     * @throws IllegalArgumentException when malformed, negative or too large for a long
     */
    public static long parseMemory(String text) {
        String s = text.trim();
        if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
            return multiply(Long.parseLong(s), 1L << 20, "too large: more than " + Long.MAX_VALUE + " bytes");
        }
        return parseBytes(s);
    }

    /**
     * @param name key
     * @param def default
     * @param doc documentation
     * @return a boolean setting: {@code true} or {@code false}
     */
    public static ConfigKey<Boolean> bool(String name, String def, String doc) {
        return new ConfigKey<>(name, def, "true or false", s -> {
            String v = s.trim().toLowerCase(Locale.ROOT);
            if (!v.equals("true") && !v.equals("false")) {
                throw new IllegalArgumentException("must be true or false");
            }
            return Boolean.parseBoolean(v);
        }, doc);
    }

    /**
     * @param name key
     * @param def default
     * @param doc documentation
     * @return a duration setting, in milliseconds
     */
    public static ConfigKey<Long> duration(String name, String def, String doc) {
        return new ConfigKey<>(name, def, "a duration such as 500ms, 30s or 2m", ConfigKeys::parseMillis, doc);
    }

    /**
     * @param text e.g. {@code 64m}
     * @return bytes
     */
    public static long parseBytes(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        char last = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
        if (last == 'b') {
            s = s.substring(0, s.length() - 1);
            last = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
        }
        switch (last) {
            case 'k' -> unit = 1L << 10;
            case 'm' -> unit = 1L << 20;
            case 'g' -> unit = 1L << 30;
            case 't' -> unit = 1L << 40;
            default -> unit = 1;
        }
        if (unit != 1) {
            s = s.substring(0, s.length() - 1);
        }
        long v = Long.parseLong(s.trim());
        if (v < 0) {
            throw new IllegalArgumentException("negative");
        }
        return multiply(v, unit, "too large: more than " + Long.MAX_VALUE + " bytes");
    }

    /**
     * @param text e.g. {@code 30s}
     * @return milliseconds
     */
    public static long parseMillis(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        long unit;
        if (s.endsWith("ms")) {
            unit = 1;
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("s")) {
            unit = 1000;
            s = s.substring(0, s.length() - 1);
        } else if (s.endsWith("min")) {
            unit = 60_000;
            s = s.substring(0, s.length() - 3);
        } else if (s.endsWith("m")) {
            unit = 60_000;
            s = s.substring(0, s.length() - 1);
        } else if (s.endsWith("h")) {
            unit = 3_600_000;
            s = s.substring(0, s.length() - 1);
        } else {
            unit = 1;
        }
        long v = Long.parseLong(s.trim());
        if (v < 0) {
            throw new IllegalArgumentException("negative");
        }
        return multiply(v, unit, "too long: more than " + Long.MAX_VALUE + " ms");
    }

    /** {@code v * unit}, refused rather than wrapped when it does not fit a long. */
    private static long multiply(long v, long unit, String tooLarge) {
        try {
            return Math.multiplyExact(v, unit);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(tooLarge);
        }
    }
}
