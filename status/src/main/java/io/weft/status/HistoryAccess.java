package io.weft.status;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import io.weft.api.WeftException;
import io.weft.conf.UiSecurityKeys;
import io.weft.conf.ViewAcls;
import io.weft.conf.WeftConf;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Which applications the history server shows to whom: each application's own view ACLs, as its event log
 * records them (its {@code weft.acls.enable}, {@code weft.ui.view.acls} and groups settings, and its owner),
 * checked against the user the server's authentication established ({@link SpnegoAuthenticator}). An application
 * that enabled ACLs is shown to no one the server has not authenticated; one whose ACL settings cannot be read (a
 * {@code weft.redaction.regex} that masked them) is shown only to its owner. Any thread.
 */
final class HistoryAccess {

    private final Function<String, Collection<String>> groups;

    /**
     * @param groups a user's groups; must not throw
     */
    HistoryAccess(Function<String, Collection<String>> groups) {
        this.groups = groups;
    }

    /**
     * @param app an application's replayed log
     * @return its view ACLs
     */
    static ViewAcls acls(AppStatusStore app) {
        try {
            return ViewAcls.of(WeftConf.fromValidated(app.environment()), app.owner());
        } catch (WeftException e) {
            return new ViewAcls(true, app.owner(), Set.of(), Set.of());
        }
    }

    /**
     * @param exchange a request, after authentication
     * @return the authenticated user, or null
     */
    static String user(HttpExchange exchange) {
        HttpPrincipal principal = exchange.getPrincipal();
        return principal == null ? null : principal.getUsername();
    }

    /**
     * @param exchange a request, after authentication
     * @param app an application
     * @return whether the request's user may see it
     */
    boolean allows(HttpExchange exchange, AppStatusStore app) {
        ViewAcls acls = acls(app);
        if (!acls.enabled()) {
            return true;
        }
        String user = user(exchange);
        return acls.allows(user, user == null ? List.of() : groups.apply(user));
    }

    /**
     * @param exchange the refused request
     * @param app the application
     * @return why, and what to do
     */
    static String refusal(HttpExchange exchange, AppStatusStore app) {
        String user = user(exchange);
        return user == null
                ? "This application limits who may view it (" + UiSecurityKeys.ACLS_ENABLE.name() + "=true), and"
                        + " this history server does not authenticate its users. Fix: start it with "
                        + UiSecurityKeys.HISTORY_SPNEGO_PRINCIPAL.name() + " and "
                        + UiSecurityKeys.HISTORY_SPNEGO_KEYTAB.name() + ".\n"
                : "User " + user + " may not view this application. Fix: its owner (" + app.owner() + ") can add"
                        + " the user to " + UiSecurityKeys.UI_VIEW_ACLS.name() + " or a group of theirs to "
                        + UiSecurityKeys.UI_VIEW_ACLS_GROUPS.name() + ".\n";
    }
}
