package io.weft.runtime.ui;

import io.weft.api.WeftException;
import io.weft.runtime.conf.ConfigKeys;
import io.weft.runtime.conf.WeftConf;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;

/**
 * A driver's status store and, unless {@code weft.ui.enabled=false}, the server that shows it. Created before the
 * driver's engine (on YARN its URL is the tracking URL the ApplicationMaster registers), closed with it.
 */
public final class DriverUi implements AutoCloseable {

    private final AppStatusStore store;
    private final UiServer server;

    private DriverUi(AppStatusStore store, UiServer server) {
        this.store = store;
        this.server = server;
    }

    /**
     * @param applicationId the application
     * @param appName its name
     * @param conf the settings: {@code weft.ui.enabled}, {@code weft.ui.port}
     * @return the store, with its server running when enabled
     * @throws WeftException when the configured port cannot be bound, naming the setting
     */
    public static DriverUi start(String applicationId, String appName, WeftConf conf) {
        AppStatusStore store = new AppStatusStore(applicationId, appName, Clock.systemUTC());
        if (!conf.get(ConfigKeys.UI_ENABLED)) {
            return new DriverUi(store, null);
        }
        int port = conf.get(ConfigKeys.UI_PORT);
        try {
            return new DriverUi(store, UiServer.start(store, "0.0.0.0", port));
        } catch (IOException e) {
            throw new WeftException("Cannot serve the status UI on port " + port + ": " + e.getMessage()
                    + ". Fix: set " + ConfigKeys.UI_PORT.name() + "=0 (any free port) or "
                    + ConfigKeys.UI_ENABLED.name() + "=false.", e);
        }
    }

    /** @return what the pages show; add it to the engine's scheduler listeners */
    public AppStatusStore store() {
        return store;
    }

    /** @return the server's URL, when it runs */
    public Optional<String> url() {
        return server == null ? Optional.empty() : Optional.of(server.url());
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    public String toString() {
        return "status UI" + url().map(u -> " at " + u).orElse("");
    }
}
