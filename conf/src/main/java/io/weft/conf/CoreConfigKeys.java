package io.weft.conf;

import java.util.List;

/** The keys of {@link ConfigKeys}, as a {@link ConfigKeySet}. */
public final class CoreConfigKeys implements ConfigKeySet {

    @Override
    public List<ConfigKey<?>> keys() {
        return ConfigKeys.ALL;
    }
}
