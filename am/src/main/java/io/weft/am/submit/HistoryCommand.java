package io.weft.am.submit;

import com.sun.net.httpserver.Authenticator;
import io.weft.api.WeftException;
import io.weft.conf.Redaction;
import io.weft.conf.UiSecurityKeys;
import io.weft.conf.WeftConf;
import io.weft.status.DriverUi;
import io.weft.status.EventLogs;
import io.weft.status.SpnegoAuthenticator;
import io.weft.status.UiServer;
import io.weft.yarnconf.HadoopConfigurations;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.HadoopKerberosName;
import org.apache.hadoop.security.SecurityUtil;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code yarn jar app.jar history <event log directory or file>}: serves the status pages of applications from
 * their event logs, after they have ended (or died), until the process is stopped. Nothing to install: it is the
 * same jar and the same pages as the live UI. It listens on this host's name unless told otherwise
 * ({@code --host}, {@code weft.history.bindAddress}), authenticates with SPNEGO when given a principal (and
 * refuses to start on a Kerberos cluster without one), shows an application that enabled view ACLs only to the
 * users they admit, and masks settings again as it reads each log.
 */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Serves the status pages of finished applications from their event logs.")
public final class HistoryCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "An event log directory (weft.eventLog.dir) or one event log")
    String location;

    @Option(names = "--port", defaultValue = "18080", description = "Port to serve on (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--host", description = "Address to listen on (default: weft.history.bindAddress, else this"
            + " host's name; 0.0.0.0 for every interface)")
    String host;

    @Option(names = "--conf", description = "weft.* settings, key=value (e.g. weft.yarn.hadoopConfDir)")
    Map<String, String> conf = new java.util.HashMap<>();

    private final PrintStream out;
    private final CountDownLatch stop;

    /**
     * @param out where the address is printed
     * @param stop serving ends when it counts down (never, from the command line)
     */
    HistoryCommand(PrintStream out, CountDownLatch stop) {
        this.out = out;
        this.stop = stop;
    }

    /**
     * @param args see --help
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, new CountDownLatch(1)));
    }

    /**
     * @param args see --help
     * @param out where to print
     * @param stop serving ends when it counts down
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, CountDownLatch stop) {
        return new CommandLine(new HistoryCommand(out, stop)).execute(args);
    }

    @Override
    public Integer call() throws Exception {
        WeftConf settings = WeftConf.validate(conf);
        Configuration hadoop = HadoopConfigurations.load(settings, System.getenv());
        String bindHost = bindHost(host, settings);
        Authenticator authentication = authentication(settings, hadoop, bindHost);
        Path path = new Path(location);
        EventLogs logs = new EventLogs(path.getFileSystem(hadoop), path, Redaction.of(settings.asMap()));
        try (UiServer server = UiServer.startHistory(logs, bindHost, port, authentication,
                DriverUi.groupMapping(hadoop))) {
            out.println("Serving " + logs.list().size() + " applications from " + location + " at " + server.url()
                    + (authentication == null ? "" : " (" + authentication + ")"));
            stop.await();
        }
        return 0;
    }

    /**
     * @param option the --host option, or null
     * @param settings the settings
     * @return where to listen: the option, else {@code weft.history.bindAddress}, else this host's name
     * @throws java.net.UnknownHostException when this host's name cannot be resolved
     */
    static String bindHost(String option, WeftConf settings) throws java.net.UnknownHostException {
        if (option != null && !option.isBlank()) {
            return option.trim();
        }
        String configured = settings.get(UiSecurityKeys.HISTORY_BIND_ADDRESS);
        return configured != null && !configured.isBlank() ? configured.trim()
                : InetAddress.getLocalHost().getCanonicalHostName();
    }

    /**
     * SPNEGO when {@code weft.history.spnego.principal} is set ({@code _HOST} becomes the server's host name).
     * On a Kerberos cluster without it the server does not start: it would show every user's applications to
     * anyone who can reach the port.
     *
     * @param settings the settings
     * @param hadoop the cluster's configuration
     * @param bindHost where the server listens
     * @return the authenticator, or null on a cluster without Kerberos and no principal set
     * @throws WeftException when the settings are incomplete or the login fails, naming the keys
     * @throws IOException when {@code _HOST} cannot be resolved
     */
    static Authenticator authentication(WeftConf settings, Configuration hadoop, String bindHost)
            throws IOException {
        String principal = settings.get(UiSecurityKeys.HISTORY_SPNEGO_PRINCIPAL);
        String keytab = settings.get(UiSecurityKeys.HISTORY_SPNEGO_KEYTAB);
        boolean kerberos = "kerberos".equalsIgnoreCase(hadoop.get("hadoop.security.authentication", "simple"));
        if (principal == null) {
            if (kerberos) {
                throw new WeftException("The cluster uses Kerberos, so the history server must authenticate its"
                        + " users. Fix: set " + UiSecurityKeys.HISTORY_SPNEGO_PRINCIPAL.name()
                        + " (e.g. HTTP/_HOST@REALM) and " + UiSecurityKeys.HISTORY_SPNEGO_KEYTAB.name() + ".");
            }
            return null;
        }
        if (keytab == null) {
            throw new WeftException(UiSecurityKeys.HISTORY_SPNEGO_PRINCIPAL.name() + " is set but "
                    + UiSecurityKeys.HISTORY_SPNEGO_KEYTAB.name() + " is not. Fix: set it to the principal's keytab.");
        }
        String host = bindHost.equals("0.0.0.0") ? InetAddress.getLocalHost().getCanonicalHostName() : bindHost;
        SpnegoAuthenticator spnego = SpnegoAuthenticator.login(SecurityUtil.getServerPrincipal(principal, host),
                keytab);
        // After the login, which has found the realm: the cluster's auth_to_local rules shorten client names.
        HadoopKerberosName.setConfiguration(hadoop);
        return spnego;
    }
}
