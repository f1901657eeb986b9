package io.weft.am.master;

import io.weft.status.DriverUi;
import io.weft.yarnconf.YarnSettings;
import org.apache.hadoop.fs.Path;

/**
 * Set by {@link ApplicationMaster} before it runs the user's {@code main} in cluster mode, so that the session
 * the program creates drives executors through this ApplicationMaster.
 *
 * @param launcher the registered AM's executor launcher
 * @param settings the application's YARN settings
 * @param stagingDir the application's staging directory
 * @param applicationId the application
 * @param ui the status UI the AM registered as its tracking URL; the driver's scheduler events feed its store
 * @param attempt which attempt of the ApplicationMaster (and so of the driver) this is
 * @param timeline where the driver marks executors' registrations, the first task and the result
 * @param early the executors asked for before the program's session existed, or null
 *     ({@code weft.yarn.earlyExecutors=false})
 */
record AmContext(ExecutorLauncher launcher, YarnSettings settings, Path stagingDir, String applicationId,
        DriverUi ui, io.weft.driver.DriverAttempt attempt, StartupTimeline timeline, EarlyExecutors early) {

    private static volatile AmContext current;
    private static volatile io.weft.am.kerberos.TokenRefresher tokens;

    static AmContext current() {
        return current;
    }

    static void set(AmContext context) {
        current = context;
    }

    /** @return the refresher of this AM's delegation tokens (Kerberos with a keytab), if any */
    static java.util.Optional<io.weft.am.kerberos.TokenRefresher> tokens() {
        return java.util.Optional.ofNullable(tokens);
    }

    static void setTokens(io.weft.am.kerberos.TokenRefresher refresher) {
        tokens = refresher;
    }
}
