package io.weft.conf;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
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

    private final Map<String, String> values;

    private WeftConf(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /**
     * @param settings the session's settings
     * @return the validated configuration
     * @throws io.weft.api.WeftException when a value is malformed
     */
    public static WeftConf validate(Map<String, String> settings) {
        return validate(settings, ConfigKeys.ALL);
    }

    /**
     * @param settings the session's settings
     * @param keys every key the caller understands (the runtime's and, on YARN, the YARN ones)
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
            } else if (e.getKey().startsWith("weft.") && !e.getKey().startsWith(ConfigKeys.HADOOP_PREFIX)
                    && !e.getKey().startsWith("weft.submit.") && !e.getKey().startsWith("weft.internal.")) {
                LOG.warn("Unknown setting {} is ignored; see docs/configuration.md for the known weft.* keys",
                        e.getKey());
            }
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
