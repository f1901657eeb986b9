package io.weft.api.spi;

import java.util.Map;

/**
 * Creates engines for the masters it understands; found with {@link java.util.ServiceLoader}.
 */
public interface EngineFactory {

    /**
     * @param master a master string, e.g. {@code local[4]} or {@code yarn}
     * @return whether this factory runs sessions for it
     */
    boolean accepts(String master);

    /**
     * @param appName the application's name
     * @param master the master, accepted by {@link #accepts(String)}
     * @param config the session's {@code weft.*} settings
     * @return a started engine
     * @throws io.weft.api.WeftException when the configuration is invalid
     */
    Engine create(String appName, String master, Map<String, String> config);
}
