package io.weft.am.kerberos;

import io.weft.api.WeftException;
import io.weft.conf.WeftConf;
import io.weft.yarnconf.YarnConfigKeys;
import java.io.File;
import java.io.IOException;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.security.SecurityUtil;
import org.apache.hadoop.security.UserGroupInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The submitting side's Kerberos login: from {@code weft.kerberos.principal} and {@code weft.kerberos.keytab}
 * ({@code --principal}, {@code --keytab}), or the current user's ticket ({@code kinit}). Checked before anything is
 * submitted, so that a missing login fails with what to do rather than with Hadoop's SASL errors. The JVM-wide login
 * user is never replaced: a keytab login is a UGI of its own that the caller runs the submission as.
 */
public final class KerberosLogin {

    private static final Logger LOG = LoggerFactory.getLogger(KerberosLogin.class);

    private KerberosLogin() {
    }

    /**
     * @param hadoop the cluster's configuration
     * @return whether it asks for Kerberos ({@code hadoop.security.authentication=kerberos}); if so and UGI was not
     *     yet configured for it, UGI is configured from {@code hadoop} (JVM-wide, as every Hadoop client does)
     */
    public static boolean secure(Configuration hadoop) {
        boolean kerberos = SecurityUtil.getAuthenticationMethod(hadoop)
                != UserGroupInformation.AuthenticationMethod.SIMPLE;
        if (kerberos && !UserGroupInformation.isSecurityEnabled()) {
            UserGroupInformation.setConfiguration(hadoop);
        }
        return kerberos;
    }

    /**
     * The login to submit (and, in client mode, drive) the application as.
     *
     * @param conf the settings: {@code weft.kerberos.principal} and {@code weft.kerberos.keytab}
     * @param hadoop the cluster's configuration
     * @param jvmWide a keytab login becomes the JVM's login user (a client-mode session created by the program
     *     itself, whose threads act as the login user), rather than a UGI of its own for the caller to run as
     * @return empty when the cluster does not use Kerberos; else a UGI with Kerberos credentials: the keytab's
     *     (a fresh login) or the current user's
     * @throws WeftException naming what is missing: a ticket ({@code kinit}) or {@code --principal}/{@code --keytab},
     *     or why the keytab login failed
     */
    public static Optional<UserGroupInformation> login(WeftConf conf, Configuration hadoop, boolean jvmWide) {
        if (!secure(hadoop)) {
            return Optional.empty();
        }
        String principal = conf.get(YarnConfigKeys.KERBEROS_PRINCIPAL);
        String keytab = conf.get(YarnConfigKeys.KERBEROS_KEYTAB);
        if ((principal == null) != (keytab == null)) {
            throw new WeftException("--principal and --keytab (" + YarnConfigKeys.KERBEROS_PRINCIPAL.name() + ", "
                    + YarnConfigKeys.KERBEROS_KEYTAB.name() + ") go together, but only " + (principal == null
                            ? "the keytab " + keytab : "the principal " + principal) + " was given. Fix: give both.");
        }
        try {
            UserGroupInformation current = UserGroupInformation.getCurrentUser();
            if (principal == null) {
                if (!current.hasKerberosCredentials()) {
                    throw new WeftException("This cluster uses Kerberos (hadoop.security.authentication="
                            + hadoop.get("hadoop.security.authentication") + ") but " + current.getUserName()
                            + " has no Kerberos ticket. Fix: run kinit first, or pass --principal and --keytab ("
                            + YarnConfigKeys.KERBEROS_PRINCIPAL.name() + ", " + YarnConfigKeys.KERBEROS_KEYTAB.name()
                            + ").");
                }
                return Optional.of(current);
            }
            if (current.hasKerberosCredentials() && current.getUserName().equals(principal) && current.isFromKeytab()) {
                return Optional.of(current);
            }
            File file = new File(keytab);
            if (!file.isFile() || !file.canRead()) {
                throw new WeftException("The keytab " + file.getAbsolutePath() + " (--keytab, "
                        + YarnConfigKeys.KERBEROS_KEYTAB.name() + ") does not exist or is not readable. Fix: give the"
                        + " path of " + principal + "'s keytab.");
            }
            UserGroupInformation login;
            if (jvmWide) {
                UserGroupInformation.loginUserFromKeytab(principal, file.getAbsolutePath());
                login = UserGroupInformation.getLoginUser();
            } else {
                login = UserGroupInformation.loginUserFromKeytabAndReturnUGI(principal, file.getAbsolutePath());
            }
            LOG.info("Logged in as {} from the keytab {}", principal, file.getAbsolutePath());
            return Optional.of(login);
        } catch (IOException e) {
            throw new WeftException("Could not log in as " + principal + " from the keytab " + keytab + ": "
                    + e.getMessage() + ". Fix: check the principal and the keytab (klist -kt " + keytab + ").", e);
        }
    }
}
