package io.weft.status;

import io.weft.api.WeftException;
import io.weft.planner.SchedulerListener;
import io.weft.conf.ConfigKeys;
import io.weft.conf.Redaction;
import io.weft.conf.UiSecurityKeys;
import io.weft.conf.ViewAcls;
import io.weft.conf.WeftConf;
import java.io.IOException;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.Groups;
import org.apache.hadoop.security.UserGroupInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a driver shows about itself: the status store, the server that shows it (unless
 * {@code weft.ui.enabled=false}) and the event log (when {@code weft.eventLog.dir} is set). Created before the
 * driver's engine (on YARN its URL is the tracking URL the ApplicationMaster registers), fed through
 * {@link #listener()}, and closed after the engine.
 */
public final class DriverUi implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DriverUi.class);

    private final Clock clock;
    private final AppStatusStore store = new AppStatusStore();
    private final List<Consumer<StatusEvent>> sinks = new CopyOnWriteArrayList<>();
    private final EventLogWriter eventLog;
    private volatile UiServer server;
    private ConsoleProgress progress;
    private DriverMetrics metrics;
    private boolean ended;

    private DriverUi(Clock clock, EventLogWriter eventLog) {
        this.clock = clock;
        this.eventLog = eventLog;
        sinks.add(store);
        if (eventLog != null) {
            sinks.add(eventLog);
        }
    }

    /**
     * @param applicationId the application
     * @param appName its name
     * @param conf the settings: {@code weft.ui.*}, {@code weft.eventLog.dir}
     * @param hadoopConf for the event log's file system
     * @param console whether this process's console shows progress and the closing summary
     *     ({@code weft.ui.progress} decides too); an ApplicationMaster has no one watching its console
     * @return the UI, serving when enabled
     * @throws WeftException when the configured port cannot be bound or the event log cannot be created, naming
     *     the setting
     */
    public static DriverUi start(String applicationId, String appName, WeftConf conf, Configuration hadoopConf,
            boolean console) {
        return start(applicationId, appName, conf, hadoopConf, console, null);
    }

    /**
     * As {@link #start(String, String, WeftConf, Configuration, boolean)}, serving only through a web proxy.
     *
     * @param applicationId the application
     * @param appName its name
     * @param conf the settings
     * @param hadoopConf for the event log's file system
     * @param console whether this process's console shows progress and the closing summary
     * @param proxy the cluster's web proxy, or null to serve anyone
     * @return the UI
     */
    public static DriverUi start(String applicationId, String appName, WeftConf conf, Configuration hadoopConf,
            boolean console, ProxyAccess proxy) {
        Clock clock = Clock.systemUTC();
        EventLogWriter eventLog = null;
        String logDir = conf.get(ConfigKeys.EVENT_LOG_DIR);
        if (logDir != null) {
            Path dir = new Path(logDir);
            try {
                eventLog = new EventLogWriter(dir.getFileSystem(hadoopConf), dir, applicationId, clock,
                        conf.get(ConfigKeys.EVENT_LOG_GROUP));
            } catch (IOException e) {
                throw new WeftException("Cannot write the event log under " + logDir + ": " + e.getMessage()
                        + ". Fix: set " + ConfigKeys.EVENT_LOG_DIR.name() + " to a writable directory (and "
                        + ConfigKeys.EVENT_LOG_GROUP.name() + " to one of your groups, or unset it), or unset it.",
                        e);
            }
        }
        DriverUi ui = new DriverUi(clock, eventLog);
        String owner = currentUser();
        if (conf.get(ConfigKeys.UI_ENABLED)) {
            int port = conf.get(ConfigKeys.UI_PORT);
            try {
                ui.server = UiServer.start(ui.store, io.weft.conf.NetworkConfigKeys.bindAddress(conf, System.getenv()),
                        port, proxy, viewAcls(conf, owner, proxy), groupMapping(hadoopConf));
            } catch (IOException e) {
                if (eventLog != null) {
                    eventLog.close();
                }
                throw new WeftException("Cannot serve the status UI on port " + port + ": " + e.getMessage()
                        + ". Fix: set " + ConfigKeys.UI_PORT.name() + "=0 (any free port) or "
                        + ConfigKeys.UI_ENABLED.name() + "=false.", e);
            }
        }
        Map<String, String> effective = new TreeMap<>();
        for (var key : ConfigKeys.ALL) {
            if (key.defaultValue() != null) {
                effective.put(key.name(), key.defaultValue());
            }
        }
        effective.putAll(conf.asMap());
        // Masked before the event exists: neither the store nor the event log ever holds a credential.
        ui.publish(new StatusEvent.ApplicationStarted(clock.millis(), applicationId, appName,
                Redaction.of(conf.asMap()).mask(effective), owner));
        ui.metrics = new DriverMetrics(ui.store).register(applicationId);
        if (console && conf.get(ConfigKeys.UI_PROGRESS)) {
            ui.progress = new ConsoleProgress(ui.store::stages, System.out, ConsoleProgress.stdoutIsTerminal(),
                    clock::millis);
        }
        return ui;
    }

    /** @return this process's user, who owns the application */
    private static String currentUser() {
        try {
            return UserGroupInformation.getCurrentUser().getShortUserName();
        } catch (IOException e) {
            throw new WeftException("Cannot tell which user owns this application, for its view ACLs: "
                    + e.getMessage(), e);
        }
    }

    /**
     * @param conf the settings
     * @param owner the application's owner
     * @param proxy the web proxy, or null
     * @return the application's view ACLs
     */
    private static ViewAcls viewAcls(WeftConf conf, String owner, ProxyAccess proxy) {
        ViewAcls acls = ViewAcls.of(conf, owner);
        if (acls.enabled() && proxy == null) {
            LOG.warn("{}=true but the status UI is not behind YARN's web proxy, which is what names a request's"
                    + " user: the UI refuses every request", UiSecurityKeys.ACLS_ENABLE.name());
        }
        return acls;
    }

    /**
     * @param hadoopConf names the cluster's group mapping
     * @return a user's groups as Hadoop resolves them (cached there); none for a user it does not know
     */
    public static Function<String, Collection<String>> groupMapping(Configuration hadoopConf) {
        return user -> {
            try {
                return Groups.getUserToGroupsMappingService(hadoopConf).getGroups(user);
            } catch (IOException | RuntimeException e) {
                LOG.debug("No groups for {}: {}", user, e.toString());
                return List.of();
            }
        };
    }

    private void publish(StatusEvent event) {
        for (Consumer<StatusEvent> sink : sinks) {
            sink.accept(event);
        }
    }

    /** @return the scheduler listener that feeds the store and the event log; add it before the first job */
    public SchedulerListener listener() {
        return new SchedulerEvents(clock, this::publish);
    }

    /**
     * Also sends every later event to this sink (for the console progress bar, for example).
     *
     * @param sink called on the scheduler thread; must be quick
     */
    public void addSink(Consumer<StatusEvent> sink) {
        sinks.add(sink);
    }

    /** @return what the pages show */
    public AppStatusStore store() {
        return store;
    }

    /** @return the server's URL, when it runs */
    public Optional<String> url() {
        UiServer running = server;
        return running == null ? Optional.empty() : Optional.of(running.url());
    }

    /** @return the event log's final path, when one is written */
    public Optional<String> eventLogPath() {
        return eventLog == null ? Optional.empty() : Optional.of(eventLog.finishedPath().toString());
    }

    /**
     * Records the application's end (once) and finishes the event log; the pages stay up until {@link #close}.
     *
     * @param succeeded whether the driver ended normally
     */
    public synchronized void applicationEnded(boolean succeeded) {
        if (!ended) {
            ended = true;
            publish(new StatusEvent.ApplicationEnded(clock.millis(), succeeded));
            if (eventLog != null) {
                eventLog.close();
            }
            if (progress != null) {
                progress.close();
                System.out.println(ConsoleProgress.summary(store.application(), eventLogPath().orElse(null),
                        null));
            }
        }
    }

    /**
     * Ends the application as succeeded unless already ended, and stops serving. Idempotent. A caller whose
     * application did not succeed (its session could not start, its program threw) says so first with
     * {@link #applicationEnded(boolean)}.
     */
    @Override
    public void close() {
        applicationEnded(true);
        if (metrics != null) {
            metrics.close();
        }
        UiServer running = server;
        if (running != null) {
            running.close();
        }
    }

    @Override
    public String toString() {
        return "status UI" + url().map(u -> " at " + u).orElse("");
    }
}
