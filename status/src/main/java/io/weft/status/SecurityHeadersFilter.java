package io.weft.status;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;

/**
 * Puts the browser protections on every response of a status server, before any other filter or handler can
 * answer: a Content Security Policy that allows no scripts, no plug-ins, no forms and no framing by other sites
 * (the pages need only their own style sheet and the empty inline icon), {@code nosniff} so that plain-text and
 * JSON answers are never run as HTML, and no referrer for links that leave the pages (executor logs). Runs on
 * the server's request threads.
 */
final class SecurityHeadersFilter extends Filter {

    /** The pages' Content Security Policy. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'self'; img-src 'self' data:;"
            + " base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

    /**
     * @param headers a response's headers, before they are sent
     */
    static void apply(Headers headers) {
        headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("X-Frame-Options", "SAMEORIGIN");
        headers.set("Referrer-Policy", "no-referrer");
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        apply(exchange.getResponseHeaders());
        chain.doFilter(exchange);
    }

    @Override
    public String description() {
        return "adds Content-Security-Policy, X-Content-Type-Options, X-Frame-Options and Referrer-Policy";
    }
}
