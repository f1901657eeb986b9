package io.weft.am.session;

import io.weft.am.kerberos.KerberosLogin;
import io.weft.am.submit.ApplicationLookup;
import io.weft.am.submit.ResourceManagerConnection;
import io.weft.am.submit.Staging;
import io.weft.api.WeftException;
import io.weft.api.spi.Engine;
import io.weft.api.spi.EngineFactory;
import io.weft.conf.WeftConf;
import io.weft.driver.session.SessionClientEngine;
import io.weft.driver.session.SessionEndpoint;
import io.weft.yarnconf.ApplicationDirs;
import io.weft.yarnconf.HadoopConfigurations;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.AccessControlException;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions with master {@code weft-session://<application id>}: the program attaches to a long-running session
 * ({@code WeftSubmit --start-session}) instead of starting an application of its own. It asks the ResourceManager
 * about the application and refuses, saying why, one that is not RUNNING or not the caller's; reads the session's
 * {@link SessionEndpoint} from {@code <staging root>/<id>/}{@value SessionMain#ENDPOINT_FILE} with the caller's
 * own credentials (the file is 0600 in a 0700 directory: only the owner can read the client secret); and connects,
 * shipping the program's jars that the session lacks ({@link SessionJars}). Called on the thread creating the
 * session; blocks on the ResourceManager, the file system and the connection.
 */
public final class SessionEngineFactory implements EngineFactory {

    /** The master's scheme. */
    public static final String SCHEME = "weft-session://";

    private static final Logger LOG = LoggerFactory.getLogger(SessionEngineFactory.class);

    @Override
    public boolean accepts(String master) {
        return master.startsWith(SCHEME);
    }

    @Override
    public Engine create(String appName, String master, Map<String, String> config) {
        String id = master.substring(SCHEME.length()).replaceAll("/+$", "");
        ApplicationId appId;
        try {
            appId = ApplicationId.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new WeftException("'" + master + "' does not name an application: expected " + SCHEME
                    + "application_<cluster timestamp>_<number>, as WeftSubmit --start-session prints.", e);
        }
        WeftConf conf = WeftConf.validate(config);
        YarnConfiguration yarn = HadoopConfigurations.load(conf, System.getenv());
        KerberosLogin.login(conf, yarn, true);
        String user;
        try {
            user = UserGroupInformation.getCurrentUser().getShortUserName();
        } catch (IOException e) {
            throw new WeftException("Cannot tell which user this program runs as: " + e.getMessage(), e);
        }
        YarnClient client = ResourceManagerConnection.open(yarn, conf, System.getenv(), LOG::info);
        try {
            check(id, user, ApplicationLookup.of(client).find(appId).orElse(null));
        } catch (IOException e) {
            throw new WeftException("Could not ask the ResourceManager about session " + id + ": " + e.getMessage(),
                    e);
        } finally {
            client.stop();
        }
        try {
            FileSystem fs = FileSystem.get(yarn);
            Path staging = new Path(ApplicationDirs.stagingRoot(conf, fs), id);
            SessionEndpoint endpoint = readEndpoint(fs, staging, id);
            List<File> jars = SessionJars.toShip(Staging.withoutClusterJars(Staging.driverClassPath(), Set.of(),
                    conf, yarn, System.getenv()), SessionJars.stagedDigests(fs, staging));
            LOG.info("Attaching to session {} at {}:{}", id, endpoint.host(), endpoint.port());
            return SessionClientEngine.connect(endpoint, appName, config, jars);
        } catch (IOException e) {
            throw new WeftException("Could not attach to session " + id + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param id the session's application id
     * @param user the caller's short user name
     * @param known what the ResourceManager reports, or null when it does not know the application
     * @throws WeftException when the application cannot be attached to, saying why and what to do
     */
    static void check(String id, String user, ApplicationLookup.Known known) {
        if (known == null) {
            throw new WeftException("The ResourceManager does not know application " + id + ". Fix: start a session"
                    + " with 'WeftSubmit --start-session' and attach to the id it prints.");
        }
        if (!known.user().equals(user)) {
            throw new WeftException("Session " + id + " belongs to user " + known.user() + ", not to " + user
                    + ": only the user who started a session can attach to it. Fix: start a session of your own"
                    + " with 'WeftSubmit --start-session'.");
        }
        if (known.state() != YarnApplicationState.RUNNING) {
            throw new WeftException("Session " + id + " is " + known.state() + ", not RUNNING: "
                    + (known.state() == YarnApplicationState.FINISHED || known.state() == YarnApplicationState.FAILED
                    || known.state() == YarnApplicationState.KILLED ? "it has ended (idle sessions end after"
                    + " weft.session.idleTimeout). Fix: start a new one with 'WeftSubmit --start-session'."
                    : "it has not started yet. Fix: wait for 'WeftSubmit --start-session' to print its id."));
        }
    }

    private static SessionEndpoint readEndpoint(FileSystem fs, Path staging, String id) throws IOException {
        Path file = new Path(staging, SessionMain.ENDPOINT_FILE);
        try {
            return SessionEndpoint.readFrom(fs, file);
        } catch (FileNotFoundException e) {
            throw new WeftException("Application " + id + " runs but has no session endpoint at " + file + ": it is"
                    + " not a Weft session, or it is still starting. Fix: attach to an id that 'WeftSubmit"
                    + " --start-session' printed, after it printed it.", e);
        } catch (AccessControlException e) {
            throw new WeftException("Cannot read the session's endpoint " + file + ": " + e.getMessage()
                    + ". Only the user who started the session can attach to it.", e);
        }
    }
}
