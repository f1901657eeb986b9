package io.weft.api;

import io.weft.api.spi.Engine;
import io.weft.api.spi.EngineFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * How a {@link WeftSession.Builder} finds its settings and the engine for its master. Called on the builder's
 * thread.
 */
final class EngineLookup {

    private EngineLookup() {
    }

    /**
     * @param programSettings what the program set on the builder
     * @return the session's settings: {@code weft.*} system properties as defaults (WeftSubmit and the
     *     ApplicationMaster pass settings so), what the program set winning
     */
    static Map<String, String> settings(Map<String, String> programSettings) {
        Map<String, String> settings = new LinkedHashMap<>();
        System.getProperties().forEach((k, v) -> {
            if (k instanceof String key && key.startsWith("weft.")) {
                settings.put(key, String.valueOf(v));
            }
        });
        settings.putAll(programSettings);
        return settings;
    }

    /**
     * @param appName the application's name
     * @param master the master
     * @param settings the session's settings
     * @return a started engine from the first factory on the class path that accepts the master
     * @throws WeftException when none does, naming the masters and the modules that provide them
     */
    static Engine create(String appName, String master, Map<String, String> settings) {
        for (EngineFactory factory : ServiceLoader.load(EngineFactory.class, classLoader())) {
            if (factory.accepts(master)) {
                return factory.create(appName, master, settings);
            }
        }
        throw new WeftException("No Weft engine accepts master '" + master
                + "'. Use local, local[N], local[*] or local-cluster[E,C,M] (weft-container-runtime on the"
                + " classpath), or yarn or weft-session://<application id> (weft-am on the classpath).");
    }

    private static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : WeftSession.class.getClassLoader();
    }
}
