package io.weft.conf;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's validated settings. Made once when the session starts: an unknown {@code weft.*} key logs a
 * warning (a typo should not pass silently), a malformed value fails with an error naming the key and the
 * expected form. Immutable and thread-safe.
 */
public final class WeftConf {

    private static final Logger LOG = LoggerFactory.getLogger(WeftConf.class);

    /** Prefix of settings Weft passes between its own processes, never set by users. */
    public static final String INTERNAL_PREFIX = "weft.internal.";

    private final Map<String, String> values;

    private WeftConf(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /**
     * Validates against every key of every module on the class path ({@link #knownKeys()}).
     *
     * @param settings the session's settings
     * @return the validated configuration
     * @throws io.weft.api.WeftException when a value is malformed
     */
    public static WeftConf validate(Map<String, String> settings) {
        return validate(settings, knownKeys());
    }

    /** @return the keys of every {@link ConfigKeySet} on the class path that loaded this class */
    public static List<ConfigKey<?>> knownKeys() {
        List<ConfigKey<?>> keys = new ArrayList<>();
        ServiceLoader.load(ConfigKeySet.class, WeftConf.class.getClassLoader()).forEach(set -> keys.addAll(set.keys()));
        return keys;
    }

    /**
     * @param settings some settings
     * @param keys every key the caller understands
     * @return the {@code weft.*} settings that none of the keys is, which Weft would ignore (sorted);
     *     {@code weft.hadoop.*} (passed to Hadoop), {@code weft.internal.*} (Weft's own plumbing) and the
     *     environment prefixes {@code weft.executorEnv.*} and {@code weft.yarn.appMasterEnv.*} are never unknown
     */
    public static List<String> unknownKeys(Map<String, String> settings, Collection<ConfigKey<?>> keys) {
        Set<String> known = new HashSet<>();
        keys.forEach(k -> known.add(k.name()));
        List<String> unknown = new ArrayList<>();
        for (String name : new TreeSet<>(settings.keySet())) {
            if (name.startsWith("weft.") && !known.contains(name) && !name.startsWith(ConfigKeys.HADOOP_PREFIX)
                    && !name.startsWith(INTERNAL_PREFIX)
                    && !name.startsWith(ConfigKeys.EXECUTOR_ENV_PREFIX) && !name.startsWith(ConfigKeys.AM_ENV_PREFIX)) {
                unknown.add(name);
            }
        }
        return unknown;
    }

    /**
     * @param settings the session's settings
     * @param keys every key the caller understands
     * @return the validated configuration
     * @throws io.weft.api.WeftException when a value is malformed
     */
    public static WeftConf validate(Map<String, String> settings, java.util.Collection<ConfigKey<?>> keys) {
        Map<String, ConfigKey<?>> known = new HashMap<>();
        keys.forEach(k -> known.put(k.name(), k));
        for (Map.Entry<String, String> e : settings.entrySet()) {
            ConfigKey<?> key = known.get(e.getKey());
            if (key != null) {
                key.parse(e.getValue());
            }
        }
        for (String name : unknownKeys(settings, keys)) {
            LOG.warn("Unknown setting {} is ignored; see docs/configuration.md for the known weft.* keys", name);
        }
        return new WeftConf(settings);
    }

    /**
     * Settings already validated by the driver (an executor receives them on registering): no warnings again.
     *
     * @param settings the driver's settings
     * @return the configuration
     */
    public static WeftConf fromValidated(Map<String, String> settings) {
        return new WeftConf(settings);
    }

    /**
     * @param key a setting
     * @param <T> its type
     * @return its value, or its default, or {@code null} when it has neither
     */
    public <T> T get(ConfigKey<T> key) {
        String text = values.get(key.name());
        if (text == null) {
            text = key.defaultValue();
        }
        return text == null ? null : key.parse(text);
    }

    /**
     * @param key a setting
     * @return whether it is set explicitly
     */
    public boolean contains(ConfigKey<?> key) {
        return values.containsKey(key.name());
    }

    /** @return all explicit settings */
    public Map<String, String> asMap() {
        return values;
    }

    /**
     * @param base a Hadoop configuration to start from (copied)
     * @return a copy with every {@code weft.hadoop.X} setting applied as {@code X}
     */
    public Configuration hadoopConfiguration(Configuration base) {
        Configuration conf = new Configuration(base);
        values.forEach((k, v) -> {
            if (k.startsWith(ConfigKeys.HADOOP_PREFIX)) {
                conf.set(k.substring(ConfigKeys.HADOOP_PREFIX.length()), v);
            }
        });
        return conf;
    }
}
