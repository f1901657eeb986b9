package io.weft.conf;

import java.util.List;

/**
 * A module's {@code weft.*} keys, found with {@link java.util.ServiceLoader} (listed in
 * {@code META-INF/services/io.weft.conf.ConfigKeySet}), so that validation knows every key of every module on the
 * class path without this module knowing the others: the core keys here, the YARN keys in {@code yarn-conf}.
 */
public interface ConfigKeySet {

    /** @return the module's keys */
    List<ConfigKey<?>> keys();
}
