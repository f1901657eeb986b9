package io.weft.runtime.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's status server: an HTML overview at {@code /} and the same data as JSON under {@code /api/v1/}
 * ({@code application}, {@code jobs}, {@code stages}). On YARN its address is the application's tracking URL, so
 * it opens through the ResourceManager's web proxy; every link is relative, so it works under the proxy's path.
 *
 * <p>Uses the JDK's HTTP server on two daemon threads: nothing to install, nothing to clash with the cluster's
 * class path. Requests only read {@link AppStatusStore} snapshots. A failing request gets a 500 and is logged;
 * the server and the application carry on.
 */
public final class UiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UiServer.class);
    private static final String API = "/api/v1/";

    private final AppStatusStore store;
    private final HttpServer server;
    private final ExecutorService threads;
    private final ObjectMapper json = new ObjectMapper();
    private final String url;

    private UiServer(AppStatusStore store, HttpServer server, ExecutorService threads, String url) {
        this.store = store;
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
        HttpServer server = HttpServer.create(new InetSocketAddress(bindHost, port), 16);
        AtomicInteger ids = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "weft-ui-" + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        String advertised = bindHost.equals("0.0.0.0") ? InetAddress.getLocalHost().getHostName() : bindHost;
        UiServer ui = new UiServer(store, server, threads,
                "http://" + advertised + ":" + server.getAddress().getPort() + "/");
        server.createContext("/", ui::handle);
        server.start();
        LOG.info("Status UI at {}", ui.url);
        return ui;
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
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                send(exchange, 405, "text/plain", "Only GET is supported.\n");
                return;
            }
            String path = exchange.getRequestURI().getPath();
            switch (path) {
                case API + "application" -> sendJson(exchange, store.application());
                case API + "jobs" -> sendJson(exchange, store.jobs());
                case API + "stages" -> sendJson(exchange, store.stages());
                case "/", "/jobs", "/jobs/" -> send(exchange, 200, "text/html; charset=utf-8",
                        StatusPage.render(store.application(), store.jobs(), store.stages()));
                default -> send(exchange, 404, "text/plain", "No page at " + path + "\n");
            }
        } catch (RuntimeException e) {
            LOG.warn("Status request {} failed", exchange.getRequestURI(), e);
            try {
                send(exchange, 500, "text/plain", "Internal error: " + e + "\n");
            } catch (IOException | RuntimeException ignored) {
                // the response may already be under way; the exchange is closed either way
            }
        }
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

    /** Stops serving; requests under way get up to a second to finish. Idempotent. */
    @Override
    public void close() {
        server.stop(1);
        threads.shutdownNow();
    }
}
