package io.weft.yarnconf;

import io.weft.conf.ConfigKey;
import io.weft.conf.ConfigKeySet;
import java.util.List;

/** The keys of {@link YarnConfigKeys}, as a {@link ConfigKeySet}. */
public final class YarnConfigKeySet implements ConfigKeySet {

    @Override
    public List<ConfigKey<?>> keys() {
        return YarnConfigKeys.ALL;
    }
}
