package io.weft.status;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import io.weft.conf.UiSecurityKeys;
import io.weft.conf.ViewAcls;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers 403 to a request whose user the application's {@link ViewAcls} do not admit. The user is the one YARN's
 * web proxy names in its {@value #PROXY_USER_COOKIE} cookie (the proxy forwards no cookie of the browser's own, so
 * this one is the proxy's word); the filter must therefore sit behind {@link ProxyOnlyFilter}, which admits only
 * the proxy's addresses. A request without that cookie has no known user and is refused while the ACLs are on.
 * Runs on the server's request threads; the group lookup may block on the cluster's group mapping (Hadoop caches
 * it).
 */
final class ViewAclFilter extends Filter {

    /** The cookie in which YARN's web proxy names the authenticated user it forwards for. */
    static final String PROXY_USER_COOKIE = "proxy-user";

    private static final Logger LOG = LoggerFactory.getLogger(ViewAclFilter.class);

    private final ViewAcls acls;
    private final Function<String, Collection<String>> groups;
    private final boolean behindProxy;

    /**
     * @param acls who may view
     * @param groups a user's groups; must not throw (an unknown user has none)
     * @param behindProxy whether {@link ProxyOnlyFilter} runs first; without it anyone could send the cookie, so
     *     no request has a known user
     */
    ViewAclFilter(ViewAcls acls, Function<String, Collection<String>> groups, boolean behindProxy) {
        this.acls = acls;
        this.groups = groups;
        this.behindProxy = behindProxy;
    }

    /**
     * @param exchange a request that came through the proxy
     * @return the user the proxy named, or null
     */
    static String proxyUser(HttpExchange exchange) {
        List<String> cookies = exchange.getRequestHeaders().get("Cookie");
        if (cookies == null) {
            return null;
        }
        for (String header : cookies) {
            for (String cookie : header.split(";")) {
                int eq = cookie.indexOf('=');
                if (eq > 0 && cookie.substring(0, eq).trim().equals(PROXY_USER_COOKIE)) {
                    String user = URLDecoder.decode(cookie.substring(eq + 1).trim(), StandardCharsets.UTF_8);
                    return user.isEmpty() ? null : user;
                }
            }
        }
        return null;
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        String user = behindProxy ? proxyUser(exchange) : null;
        if (acls.allows(user, user == null ? List.of() : groups.apply(user))) {
            chain.doFilter(exchange);
            return;
        }
        LOG.info("Refused {} to {}: not in the application's view ACLs", exchange.getRequestURI().getPath(),
                user == null ? "an unnamed user" : user);
        String message = user == null
                ? "The web proxy named no authenticated user, and this application (" + UiSecurityKeys.ACLS_ENABLE
                        .name() + "=true) shows its pages only to users it knows. Fix: turn on authentication for"
                        + " the ResourceManager's web UI (hadoop.http.authentication.type=kerberos).\n"
                : "User " + user + " may not view this application. Fix: its owner (" + acls.owner()
                        + ") can add the user to " + UiSecurityKeys.UI_VIEW_ACLS.name() + " or a group of theirs to "
                        + UiSecurityKeys.UI_VIEW_ACLS_GROUPS.name() + ".\n";
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        try (exchange) {
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(403, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public String description() {
        return "admits only users in the view ACLs " + acls;
    }
}
