package io.weft.it.secure;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivilegedExceptionAction;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.security.token.Token;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.client.api.AMRMClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;

/**
 * The smallest ApplicationMaster for the secure YARN spike. Arguments: an output path prefix, a wait in ms, and
 * optionally a keytab file (localized into the working directory) and its principal.
 * <ol>
 * <li>registers with the ResourceManager using the AMRM token YARN put in its credentials;</li>
 * <li>writes {@code <prefix>.1} on HDFS with the delegation token the client put there (no Kerberos ticket);</li>
 * <li>waits, then writes {@code <prefix>.2} over a new connection: past the token's first expiry this works only if
 * the ResourceManager (its renewer) renewed it;</li>
 * <li>with a keytab: logs in from it, obtains a fresh HDFS token, and writes {@code <prefix>.3} as a UGI that has only
 * that token (what an executor given the refreshed token would do);</li>
 * <li>unregisters SUCCEEDED.</li>
 * </ol>
 * Prints what it has to stdout, for the container log.
 */
public final class SpikeAm {

    private SpikeAm() {
    }

    public static void main(String[] args) throws Exception {
        YarnConfiguration conf = new YarnConfiguration();
        UserGroupInformation.setConfiguration(conf);
        UserGroupInformation me = UserGroupInformation.getCurrentUser();
        System.out.println("security " + UserGroupInformation.isSecurityEnabled() + ", user " + me
                + ", kerberos credentials " + me.hasKerberosCredentials());
        for (Token<?> token : me.getTokens()) {
            System.out.println("token " + token.getKind() + " for " + token.getService());
        }
        AMRMClient<AMRMClient.ContainerRequest> rm = AMRMClient.createAMRMClient();
        rm.init(conf);
        rm.start();
        rm.registerApplicationMaster("", 0, "");
        write(conf, args[0] + ".1", "with the submitted token");
        Thread.sleep(Long.parseLong(args[1]));
        write(conf, args[0] + ".2", "with the submitted token after " + args[1] + " ms");
        if (args.length > 2) {
            UserGroupInformation keytabLogin = UserGroupInformation.loginUserFromKeytabAndReturnUGI(args[3],
                    args[2]);
            System.out.println("logged in from the keytab as " + keytabLogin);
            Credentials fresh = keytabLogin.doAs((PrivilegedExceptionAction<Credentials>) () -> {
                Credentials credentials = new Credentials();
                try (FileSystem fs = FileSystem.newInstance(conf)) {
                    fs.addDelegationTokens(keytabLogin.getShortUserName(), credentials);
                }
                return credentials;
            });
            UserGroupInformation executor = UserGroupInformation.createRemoteUser("executor");
            executor.addCredentials(fresh);
            executor.doAs((PrivilegedExceptionAction<Void>) () -> {
                write(conf, args[0] + ".3", "with a token the AM obtained from its keytab");
                return null;
            });
        }
        rm.unregisterApplicationMaster(FinalApplicationStatus.SUCCEEDED, "done", null);
        rm.stop();
    }

    /** Writes over a new FileSystem instance (its own DFSClient). */
    private static void write(Configuration conf, String path, String text) throws Exception {
        try (FileSystem fs = FileSystem.newInstance(conf); OutputStream out = fs.create(new Path(path))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        System.out.println("wrote " + path);
    }
}
