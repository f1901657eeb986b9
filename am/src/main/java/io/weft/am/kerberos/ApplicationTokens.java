package io.weft.am.kerberos;

import io.weft.api.WeftException;
import io.weft.conf.WeftConf;
import io.weft.yarnconf.YarnConfigKeys;
import java.io.File;
import java.io.IOException;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.security.UserGroupInformation;

/**
 * The driver's side of delegation tokens on a Kerberos cluster, in the cluster-mode ApplicationMaster and in a
 * client-mode driver: with a keytab (or, in client mode, a Kerberos login) a {@link TokenRefresher} keeps the tokens
 * fresh; without, the log says when the submitted ones stop working.
 */
public final class ApplicationTokens {

    /** The name of the keytab in the ApplicationMaster's working directory (cluster mode, --keytab). */
    public static final String KEYTAB_LINK = "weft-login.keytab";

    private ApplicationTokens() {
    }

    /**
     * Cluster mode, in the ApplicationMaster, before any executor is launched: logs in from the localized keytab
     * (when the application was submitted with one) and starts refreshing this process's tokens.
     *
     * @param conf the application's settings
     * @param hadoop the cluster's configuration
     * @return the running refresher; empty on a cluster without Kerberos or without a keytab (then the log says
     *     when the tokens expire)
     * @throws WeftException when the keytab login or the first tokens fail, naming the principal
     */
    public static Optional<TokenRefresher> inApplicationMaster(WeftConf conf, Configuration hadoop) {
        if (!KerberosLogin.secure(hadoop)) {
            return Optional.empty();
        }
        String principal = conf.get(YarnConfigKeys.KERBEROS_PRINCIPAL);
        File keytab = new File(KEYTAB_LINK);
        try {
            UserGroupInformation self = UserGroupInformation.getCurrentUser();
            if (principal == null || !keytab.isFile()) {
                TokenRefresher.logExpiry(self.getCredentials(), "ApplicationMaster");
                return Optional.empty();
            }
            UserGroupInformation login = UserGroupInformation.loginUserFromKeytabAndReturnUGI(principal,
                    keytab.getAbsolutePath());
            return Optional.of(started(login, self, conf, hadoop));
        } catch (IOException e) {
            throw new WeftException("The ApplicationMaster could not log in as " + principal + " from its keytab or"
                    + " obtain delegation tokens: " + e.getMessage() + ". Fix: check --principal and --keytab ("
                    + YarnConfigKeys.KERBEROS_PRINCIPAL.name() + ", " + YarnConfigKeys.KERBEROS_KEYTAB.name() + ").",
                    e);
        }
    }

    /**
     * Starts a refresher: obtains fresh tokens at once (into {@code target}) and schedules the next ones.
     *
     * @param login the Kerberos login that obtains them
     * @param target the UGI they are added to, or null (see {@link TokenRefresher})
     * @param conf the application's settings
     * @param hadoop the cluster's configuration
     * @return the started refresher
     * @throws IOException when the first tokens cannot be obtained
     */
    public static TokenRefresher started(UserGroupInformation login, UserGroupInformation target, WeftConf conf,
            Configuration hadoop) throws IOException {
        TokenRefresher refresher = new TokenRefresher(login, target, hadoop,
                DelegationTokens.fileSystems(conf, hadoop), DelegationTokens.renewer(hadoop),
                conf.get(YarnConfigKeys.KERBEROS_RENEWAL_RATIO));
        refresher.start();
        return refresher;
    }
}
