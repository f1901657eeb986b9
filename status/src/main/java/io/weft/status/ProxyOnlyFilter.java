package io.weft.status;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Serves only requests that come through the cluster's web proxy, as YARN expects of an ApplicationMaster's UI:
 * a request from any other address is not served but redirected (302) to the same page under the proxy, so the
 * proxy's access checks always apply. Runs on the server's request threads.
 */
final class ProxyOnlyFilter extends Filter {

    private final Set<InetAddress> proxies;
    private final String proxyBase;

    /**
     * @param proxies the proxy's addresses
     * @param proxyBase the application's base URL on the proxy, e.g. {@code http://rm:8088/proxy/<app id>}
     */
    ProxyOnlyFilter(Set<InetAddress> proxies, String proxyBase) {
        this.proxies = Set.copyOf(proxies);
        this.proxyBase = proxyBase.endsWith("/") ? proxyBase.substring(0, proxyBase.length() - 1) : proxyBase;
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        if (proxies.contains(exchange.getRemoteAddress().getAddress())) {
            chain.doFilter(exchange);
            return;
        }
        String query = exchange.getRequestURI().getRawQuery();
        String target = proxyBase + exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query);
        byte[] body = ("This page is served through the cluster's proxy: " + target + "\n")
                .getBytes(StandardCharsets.UTF_8);
        try (exchange) {
            exchange.getResponseHeaders().set("Location", target);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(302, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    @Override
    public String description() {
        return "serves only requests from the web proxy " + proxies;
    }
}
