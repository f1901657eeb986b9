package io.weft.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.weft.conf.ViewAcls;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's status server: HTML pages (jobs at {@code /}, a job's stage graph at {@code /jobs/N}, a stage's
 * tasks at {@code /stages/N}, {@code /executors}, {@code /environment}) and the same data as JSON under
 * {@code /api/v1/} ({@code application}, {@code jobs}, {@code stages}, {@code stages/N}, {@code executors},
 * {@code environment}). On YARN its address is the application's tracking URL, so
 * it opens through the ResourceManager's web proxy; every link is relative, so it works under the proxy's path.
 *
 * <p>Every response carries the headers of {@link SecurityHeadersFilter} (a Content Security Policy without
 * scripts, {@code nosniff}); a live driver's UI can be limited to the proxy ({@link ProxyOnlyFilter}) and to the
 * users its view ACLs admit ({@link ViewAclFilter}), the history server to authenticated users.
 *
 * <p>Uses the JDK's HTTP server on two daemon threads: nothing to install, nothing to clash with the cluster's
 * class path. Requests only read {@link AppStatusStore} snapshots. A failing request gets a 500 and is logged;
 * the server and the application carry on.
 */
public final class UiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UiServer.class);
    private static final String API = "/api/v1/";
    private static final String STYLE = resource("weft.css");

    private final AppStatusStore store;
    private final EventLogs history;
    private final HistoryAccess historyAccess;
    private final HttpServer server;
    private final ExecutorService threads;
    /** Requests being answered; read by {@link #close} to skip the JDK server's grace period when there are none. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ObjectMapper json = new ObjectMapper();
    private final String url;

    private UiServer(AppStatusStore store, EventLogs history, HistoryAccess historyAccess, HttpServer server,
            ExecutorService threads, String url) {
        this.store = store;
        this.history = history;
        this.historyAccess = historyAccess;
        this.server = server;
        this.threads = threads;
        this.url = url;
    }

    /**
     * Starts serving.
     *
     * @param store what to show
     * @param bindHost the address to listen on ({@code 0.0.0.0} for all)
     * @param port the port, or 0 for any free one
     * @return the running server
     * @throws IOException when the port cannot be bound
     */
    public static UiServer start(AppStatusStore store, String bindHost, int port) throws IOException {
        return start(store, bindHost, port, null);
    }

    /**
     * Serves a live driver's pages only through the cluster's web proxy.
     *
     * @param store what to show
     * @param bindHost the address to listen on
     * @param port the port, or 0 for any free one
     * @param proxy the proxy; other clients are redirected to it
     * @return the running server
     * @throws IOException when the port cannot be bound
     */
    public static UiServer start(AppStatusStore store, String bindHost, int port, ProxyAccess proxy)
            throws IOException {
        return start(store, null, null, bindHost, port, proxy, null, null);
    }

    /**
     * As {@link #start(AppStatusStore, String, int, ProxyAccess)}, showing the pages only to the users that
     * {@code acls} admit (when they are enabled): the user is the one the proxy names, so without a proxy no user
     * is known and every request is refused.
     *
     * @param store what to show
     * @param bindHost the address to listen on
     * @param port the port, or 0 for any free one
     * @param proxy the proxy, or null
     * @param acls who may view
     * @param groups a user's groups; must not throw
     * @return the running server
     * @throws IOException when the port cannot be bound
     */
    public static UiServer start(AppStatusStore store, String bindHost, int port, ProxyAccess proxy, ViewAcls acls,
            Function<String, Collection<String>> groups) throws IOException {
        return start(store, null, null, bindHost, port, proxy,
                acls.enabled() ? new ViewAclFilter(acls, groups, proxy != null) : null, null);
    }

    /**
     * Serves finished (or crashed) applications from their event logs: a list at {@code /}, each application's
     * pages under {@code /history/<application id>/}.
     *
     * @param logs the event logs
     * @param bindHost the address to listen on
     * @param port the port, or 0 for any free one
     * @return the running server
     * @throws IOException when the port cannot be bound
     */
    public static UiServer startHistory(EventLogs logs, String bindHost, int port) throws IOException {
        return startHistory(logs, bindHost, port, null);
    }

    /**
     * As {@link #startHistory(EventLogs, String, int)}, admitting only requests that {@code authentication}
     * accepts ({@link SpnegoAuthenticator} on a secure cluster).
     *
     * @param logs the event logs
     * @param bindHost the address to listen on
     * @param port the port, or 0 for any free one
     * @param authentication checks every request before anything else runs, or null for none
     * @return the running server
     * @throws IOException when the port cannot be bound
     */
    public static UiServer startHistory(EventLogs logs, String bindHost, int port, Authenticator authentication)
            throws IOException {
        return startHistory(logs, bindHost, port, authentication, user -> List.of());
    }

    /**
     * As {@link #startHistory(EventLogs, String, int, Authenticator)}, resolving users' groups for the
     * applications' view ACLs ({@link HistoryAccess}).
     *
     * @param logs the event logs
     * @param bindHost the address to listen on
     * @param port the port, or 0 for any free one
     * @param authentication checks every request before anything else runs, or null for none
     * @param groups a user's groups; must not throw
     * @return the running server
     * @throws IOException when the port cannot be bound
     */
    public static UiServer startHistory(EventLogs logs, String bindHost, int port, Authenticator authentication,
            Function<String, Collection<String>> groups) throws IOException {
        return start(null, logs, new HistoryAccess(groups), bindHost, port, null, null, authentication);
    }

    private static UiServer start(AppStatusStore store, EventLogs history, HistoryAccess historyAccess,
            String bindHost, int port, ProxyAccess proxy, Filter access, Authenticator authentication)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(bindHost, port), 16);
        AtomicInteger ids = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "weft-ui-" + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        String advertised = bindHost.equals("0.0.0.0") ? InetAddress.getLocalHost().getHostName() : bindHost;
        UiServer ui = new UiServer(store, history, historyAccess, server, threads,
                "http://" + advertised + ":" + server.getAddress().getPort() + "/");
        var context = server.createContext("/", ui::handle);
        context.getFilters().add(new SecurityHeadersFilter());
        if (proxy != null) {
            context.getFilters().add(new ProxyOnlyFilter(proxy.proxyAddresses(), proxy.proxyBase()));
        }
        if (access != null) {
            context.getFilters().add(access);
        }
        if (authentication != null) {
            context.setAuthenticator(authentication);
        }
        server.start();
        LOG.info("Status UI at {}", ui.url);
        return ui;
    }

    private static String resource(String name) {
        try (var in = UiServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("The status pages' " + name + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** @return the server's address, ending in {@code /} */
    public String url() {
        return url;
    }

    /** @return the port it listens on */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        inFlight.incrementAndGet();
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (method.equals("OPTIONS")) {
                // HTTP clients (Hadoop's SPNEGO client among them) ask before they negotiate.
                exchange.getResponseHeaders().set("Allow", "GET, HEAD, OPTIONS");
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                send(exchange, 405, "text/plain", "Only GET is supported.\n");
                return;
            }
            String path = exchange.getRequestURI().getPath();
            if (history == null) {
                route(exchange, store, trimSlash(path));
            } else {
                routeHistory(exchange, path);
            }
        } catch (RuntimeException e) {
            LOG.warn("Status request {} failed", exchange.getRequestURI(), e);
            try {
                send(exchange, 500, "text/plain", "Internal error: " + e + "\n");
            } catch (IOException | RuntimeException ignored) {
                // the response may already be under way; the exchange is closed either way
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private static String trimSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private void routeHistory(HttpExchange exchange, String path) throws IOException {
        if (path.equals("/" + StatusPage.STYLESHEET)) {
            send(exchange, 200, "text/css; charset=utf-8", STYLE);
            return;
        }
        if (path.equals("/") || path.equals("/history") || path.equals("/history/")) {
            send(exchange, 200, "text/html; charset=utf-8", StatusPage.history(visible(exchange)));
            return;
        }
        if (path.equals(API + "applications")) {
            sendJson(exchange, visible(exchange));
            return;
        }
        String[] parts = path.split("/", 4);
        if (parts.length >= 3 && parts[1].equals("history")) {
            if (parts.length == 3) {
                // Relative links on an application's pages need the trailing slash.
                exchange.getResponseHeaders().set("Location", path + "/");
                send(exchange, 302, "text/plain", "See " + path + "/\n");
                return;
            }
            var app = history.load(parts[2]);
            if (app.isPresent() && !historyAccess.allows(exchange, app.get())) {
                send(exchange, 403, "text/plain; charset=utf-8", HistoryAccess.refusal(exchange, app.get()));
                return;
            }
            if (app.isPresent()) {
                route(exchange, app.get(), trimSlash("/" + parts[3]));
                return;
            }
        }
        send(exchange, 404, "text/plain", "No application at " + path + "\n");
    }

    /** @return the applications the request's user may see */
    private List<EventLogs.Summary> visible(HttpExchange exchange) {
        return history.list().stream().filter(app -> history.load(app.id())
                .map(store -> historyAccess.allows(exchange, store)).orElse(false)).toList();
    }

    private void route(HttpExchange exchange, AppStatusStore store, String path) throws IOException {
        String html = "text/html; charset=utf-8";
        if (path.equals("/" + StatusPage.STYLESHEET)) {
            send(exchange, 200, "text/css; charset=utf-8", STYLE);
        } else if (path.equals(API + "application")) {
            sendJson(exchange, store.application());
        } else if (path.equals(API + "jobs")) {
            sendJson(exchange, store.jobs());
        } else if (path.equals(API + "stages")) {
            sendJson(exchange, store.stages());
        } else if (path.startsWith(API + "stages/") && id(path) != null) {
            var stage = store.stage(id(path));
            if (stage.isPresent()) {
                sendJson(exchange, stage.get());
            } else {
                send(exchange, 404, "text/plain", "No stage " + id(path) + "\n");
            }
        } else if (path.equals(API + "executors")) {
            sendJson(exchange, store.executors());
        } else if (path.equals(API + "environment")) {
            sendJson(exchange, store.environment());
        } else if (path.equals("/") || path.equals("/jobs")) {
            send(exchange, 200, html, StatusPage.jobs(store.application(), store.jobs(), store.stages()));
        } else if (path.startsWith("/jobs/") && id(path) != null && jobPage(store, id(path)) != null) {
            send(exchange, 200, html, jobPage(store, id(path)));
        } else if (path.startsWith("/stages/") && id(path) != null && store.stage(id(path)).isPresent()) {
            send(exchange, 200, html, StatusPage.stage(store.application(), store.stage(id(path)).get()));
        } else if (path.equals("/executors")) {
            send(exchange, 200, html,
                    StatusPage.executors(store.application(), store.executors(), recentTasks(store)));
        } else if (path.equals("/environment")) {
            send(exchange, 200, html, StatusPage.environment(store.application(), store.environment()));
        } else {
            send(exchange, 404, "text/plain", "No page at " + path + "\n");
        }
    }

    /** @return the retained attempts of the most recent stages, up to {@link ExecutorTimeline#MAX_TASKS} */
    private static List<AppStatusStore.TaskInfo> recentTasks(AppStatusStore store) {
        List<AppStatusStore.StageInfo> stages = store.stages();
        List<AppStatusStore.TaskInfo> tasks = new java.util.ArrayList<>();
        for (int i = stages.size() - 1; i >= 0 && tasks.size() < ExecutorTimeline.MAX_TASKS; i--) {
            store.stage(stages.get(i).stageId()).ifPresent(detail -> tasks.addAll(detail.tasks()));
        }
        return tasks.size() > ExecutorTimeline.MAX_TASKS ? tasks.subList(0, ExecutorTimeline.MAX_TASKS) : tasks;
    }

    private static String jobPage(AppStatusStore store, int jobId) {
        return store.jobs().stream().filter(j -> j.jobId() == jobId).findFirst()
                .map(job -> StatusPage.job(store.application(), job, store.stages())).orElse(null);
    }

    /** @return the number after the path's last slash, or null */
    private static Integer id(String path) {
        String last = path.substring(path.lastIndexOf('/') + 1);
        return last.matches("\\d{1,9}") ? Integer.valueOf(last) : null;
    }

    private void sendJson(HttpExchange exchange, Object value) throws IOException {
        send(exchange, 200, "application/json", json.writerWithDefaultPrettyPrinter().writeValueAsString(value));
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /**
     * Stops serving; requests under way get up to a second to finish. Idempotent. With none under way it returns
     * at once: the JDK 17 server's {@code stop(1)} always waits the whole second (JDK-8304065), which was most of
     * a session's close time.
     */
    @Override
    public void close() {
        server.stop(inFlight.get() == 0 ? 0 : 1);
        threads.shutdownNow();
    }
}
