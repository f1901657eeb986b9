package io.weft.runtime.io.hadoop;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;

/**
 * A Hadoop {@link Configuration} that travels with a node or a task function. Configuration is Writable, not
 * Serializable: this holds its written bytes (a plain field, so Kryo and Java serialization both carry it) and
 * gives each caller a fresh copy, so tasks sharing a deserialized holder cannot see each other's changes.
 */
public final class SerializableConfiguration implements Serializable {

    private static final long serialVersionUID = 1L;

    private final byte[] bytes;

    /** @param conf the configuration, copied now (every property, defaults included) */
    public SerializableConfiguration(Configuration conf) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataOutputStream data = new DataOutputStream(out)) {
            conf.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.bytes = out.toByteArray();
    }

    /**
     * @return a new configuration with the held properties and no default resources (so nothing on the
     *     executor's class path overrides them), loading classes with the thread's context class loader
     */
    public Configuration get() {
        Configuration conf = new Configuration(false);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            conf.readFields(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader != null) {
            conf.setClassLoader(loader);
        }
        return conf;
    }
}
