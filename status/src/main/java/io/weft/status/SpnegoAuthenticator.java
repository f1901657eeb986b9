package io.weft.status;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import io.weft.api.WeftException;
import io.weft.conf.UiSecurityKeys;
import java.io.File;
import java.io.IOException;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.util.Base64;
import java.util.Map;
import javax.security.auth.Subject;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import org.apache.hadoop.security.authentication.util.KerberosName;
import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSCredential;
import org.ietf.jgss.GSSException;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.Oid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates browsers and HTTP clients with SPNEGO (HTTP {@code Negotiate}, RFC 4559) for the history server,
 * as Hadoop's own web UIs do on a Kerberos cluster: a request without credentials gets 401 with
 * {@code WWW-Authenticate: Negotiate}; a request with a Kerberos service ticket for the server's principal is
 * admitted as the ticket's client, its name shortened by the cluster's {@code auth_to_local} rules; the server's
 * answer token goes back on the response, so the client can check the server too (mutual authentication).
 *
 * <p>Built on the JDK's GSS-API, because the history server is the JDK's HTTP server, not a servlet container
 * (Hadoop's {@code AuthenticationFilter} needs one). Every request is authenticated on its own (no session
 * cookie): a browser sends its ticket with each request after the first 401. Runs on the server's request
 * threads; the GSS context of one request is never shared.
 */
public final class SpnegoAuthenticator extends Authenticator {

    private static final Logger LOG = LoggerFactory.getLogger(SpnegoAuthenticator.class);
    private static final String NEGOTIATE = "Negotiate";

    private final Subject server;
    private final GSSCredential credential;
    private final String principal;

    private SpnegoAuthenticator(Subject server, GSSCredential credential, String principal) {
        this.server = server;
        this.credential = credential;
        this.principal = principal;
    }

    /**
     * Logs in as the server's principal from its keytab.
     *
     * @param principal the HTTP service principal, e.g. {@code HTTP/host.example.com@EXAMPLE.COM}
     * @param keytab a local keytab holding its key
     * @return the authenticator
     * @throws WeftException when the keytab is missing or the login fails, naming the settings to fix
     */
    public static SpnegoAuthenticator login(String principal, String keytab) {
        if (!new File(keytab).canRead()) {
            throw new WeftException("Cannot read the SPNEGO keytab " + keytab + ". Fix: set "
                    + UiSecurityKeys.HISTORY_SPNEGO_KEYTAB.name() + " to a keytab this user can read.");
        }
        try {
            LoginContext login = new LoginContext("weft-spnego", new Subject(), null, keytabLogin(principal, keytab));
            login.login();
            Subject subject = login.getSubject();
            GSSCredential credential = Subject.doAs(subject, (PrivilegedExceptionAction<GSSCredential>) () ->
                    GSSManager.getInstance().createCredential(null, GSSCredential.INDEFINITE_LIFETIME,
                            new Oid[] {spnego(), new Oid("1.2.840.113554.1.2.2")}, GSSCredential.ACCEPT_ONLY));
            if (!KerberosName.hasRulesBeenSet()) {
                KerberosName.setRules("DEFAULT");
            }
            LOG.info("SPNEGO authentication as {}", principal);
            return new SpnegoAuthenticator(subject, credential, principal);
        } catch (LoginException | PrivilegedActionException e) {
            Throwable cause = e instanceof PrivilegedActionException p ? p.getCause() : e;
            throw new WeftException("Cannot log in as " + principal + " from " + keytab + " for SPNEGO: "
                    + cause.getMessage() + ". Fix: check " + UiSecurityKeys.HISTORY_SPNEGO_PRINCIPAL.name()
                    + " against the keytab (klist -kt " + keytab + ") and the cluster's krb5.conf.", cause);
        }
    }

    private static Oid spnego() throws GSSException {
        return new Oid("1.3.6.1.5.5.2");
    }

    private static Configuration keytabLogin(String principal, String keytab) {
        AppConfigurationEntry entry = new AppConfigurationEntry("com.sun.security.auth.module.Krb5LoginModule",
                AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, Map.of("principal", principal,
                        "keyTab", keytab, "useKeyTab", "true", "storeKey", "true", "doNotPrompt", "true",
                        "isInitiator", "false", "refreshKrb5Config", "true"));
        return new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return new AppConfigurationEntry[] {entry};
            }
        };
    }

    @Override
    public Result authenticate(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, NEGOTIATE + " ", 0, NEGOTIATE.length() + 1)) {
            return challenge(exchange, null);
        }
        byte[] token;
        try {
            token = Base64.getDecoder().decode(header.substring(NEGOTIATE.length() + 1).trim());
        } catch (IllegalArgumentException e) {
            return challenge(exchange, null);
        }
        GSSContext context = null;
        try {
            GSSContext accepting = GSSManager.getInstance().createContext(credential);
            context = accepting;
            byte[] answer = Subject.doAs(server, (PrivilegedExceptionAction<byte[]>) () ->
                    accepting.acceptSecContext(token, 0, token.length));
            if (!accepting.isEstablished()) {
                return challenge(exchange, answer);
            }
            if (answer != null) {
                exchange.getResponseHeaders().set("WWW-Authenticate",
                        NEGOTIATE + " " + Base64.getEncoder().encodeToString(answer));
            }
            String client = accepting.getSrcName().toString();
            return new Success(new HttpPrincipal(new KerberosName(client).getShortName(), client));
        } catch (PrivilegedActionException | GSSException | IOException e) {
            Throwable cause = e instanceof PrivilegedActionException p ? p.getCause() : e;
            LOG.info("SPNEGO authentication to {} failed for {}: {}", principal, exchange.getRemoteAddress(),
                    cause.toString());
            SecurityHeadersFilter.apply(exchange.getResponseHeaders());
            return new Failure(403);
        } finally {
            if (context != null) {
                try {
                    context.dispose();
                } catch (GSSException ignored) {
                    // nothing held beyond this request
                }
            }
        }
    }

    private static Result challenge(HttpExchange exchange, byte[] continuation) {
        SecurityHeadersFilter.apply(exchange.getResponseHeaders());
        exchange.getResponseHeaders().set("WWW-Authenticate", continuation == null ? NEGOTIATE
                : NEGOTIATE + " " + Base64.getEncoder().encodeToString(continuation));
        return new Retry(401);
    }

    @Override
    public String toString() {
        return "SPNEGO as " + principal;
    }
}
