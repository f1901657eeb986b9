package io.weft.am.kerberos;

import io.weft.api.WeftException;
import io.weft.conf.ConfigKeys;
import io.weft.conf.WeftConf;
import io.weft.yarnconf.ApplicationDirs;
import io.weft.yarnconf.YarnConfigKeys;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.PrivilegedExceptionAction;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.SecurityUtil;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.security.token.Token;
import org.apache.hadoop.security.token.TokenIdentifier;
import org.apache.hadoop.security.token.delegation.AbstractDelegationTokenIdentifier;
import org.apache.hadoop.yarn.conf.HAUtil;
import org.apache.hadoop.yarn.conf.YarnConfiguration;

/**
 * Hadoop delegation tokens for the file systems an application touches, obtained from a Kerberos login, with the
 * ResourceManager as renewer (so that YARN renews the submitted ones until their maximum lifetime). Stateless; every
 * method may be called from any thread.
 */
public final class DelegationTokens {

    private DelegationTokens() {
    }

    /**
     * The ResourceManager's Kerberos principal, {@code _HOST} resolved to its host, as YARN's own clients do.
     *
     * @param yarn the cluster's configuration
     * @return the renewer to name in delegation tokens
     * @throws WeftException when {@code yarn.resourcemanager.principal} is not set
     */
    public static String renewer(Configuration yarn) {
        String principal = yarn.get(YarnConfiguration.RM_PRINCIPAL);
        if (principal == null || principal.isBlank()) {
            throw new WeftException("This cluster uses Kerberos but " + YarnConfiguration.RM_PRINCIPAL + " is not set,"
                    + " so Weft cannot name the ResourceManager as the renewer of the application's delegation"
                    + " tokens. Fix: point HADOOP_CONF_DIR (or weft.yarn.hadoopConfDir) at the cluster's"
                    + " yarn-site.xml.");
        }
        String addressKey = YarnConfiguration.RM_ADDRESS;
        if (HAUtil.isHAEnabled(yarn)) {
            Collection<String> ids = HAUtil.getRMHAIds(yarn);
            if (!ids.isEmpty()) {
                addressKey = HAUtil.addSuffix(YarnConfiguration.RM_ADDRESS, ids.iterator().next());
            }
        }
        InetSocketAddress address = yarn.getSocketAddr(addressKey, YarnConfiguration.DEFAULT_RM_ADDRESS,
                YarnConfiguration.DEFAULT_RM_PORT);
        try {
            return SecurityUtil.getServerPrincipal(principal, address.getHostName());
        } catch (IOException e) {
            throw new WeftException("Cannot resolve the ResourceManager principal " + principal + " for host "
                    + address.getHostName() + ": " + e.getMessage() + ". Fix: check " + YarnConfiguration.RM_PRINCIPAL
                    + " and " + addressKey + ".", e);
        }
    }

    /**
     * Every file system the application touches: the default one, the staging, shuffle and event log directories',
     * and {@code weft.kerberos.access.filesystems}.
     *
     * @param conf the application's settings
     * @param hadoop the cluster's configuration
     * @return distinct file system URIs (scheme and authority)
     * @throws IOException when a directory's file system cannot be resolved
     */
    public static List<URI> fileSystems(WeftConf conf, Configuration hadoop) throws IOException {
        FileSystem defaultFs = FileSystem.get(hadoop);
        List<Path> paths = new ArrayList<>();
        paths.add(new Path(defaultFs.getUri()));
        paths.add(ApplicationDirs.stagingRoot(conf, defaultFs));
        paths.add(ApplicationDirs.shuffleRoot(conf, defaultFs));
        String eventLog = conf.get(ConfigKeys.EVENT_LOG_DIR);
        if (eventLog != null && !eventLog.isBlank()) {
            paths.add(new Path(eventLog));
        }
        for (String extra : conf.get(YarnConfigKeys.KERBEROS_ACCESS_FILESYSTEMS).split(",")) {
            if (!extra.isBlank()) {
                paths.add(new Path(extra.trim()));
            }
        }
        Set<URI> uris = new LinkedHashSet<>();
        for (Path path : paths) {
            URI qualified = path.getFileSystem(hadoop).makeQualified(path).toUri();
            uris.add(URI.create(qualified.getScheme() + "://"
                    + (qualified.getAuthority() == null ? "" : qualified.getAuthority()) + "/"));
        }
        return new ArrayList<>(uris);
    }

    /**
     * Obtains a delegation token from each file system as {@code login}.
     *
     * @param login a UGI with Kerberos credentials
     * @param hadoop the cluster's configuration
     * @param fileSystems from {@link #fileSystems}
     * @param renewer who may renew the tokens, usually {@link #renewer}
     * @return the tokens, one per file system that issues them
     * @throws IOException when a file system refuses; the message names it
     */
    public static Credentials obtain(UserGroupInformation login, Configuration hadoop, List<URI> fileSystems,
            String renewer) throws IOException {
        Credentials credentials = new Credentials();
        for (URI uri : fileSystems) {
            try {
                login.doAs((PrivilegedExceptionAction<Void>) () -> {
                    // A FileSystem of its own: the cached one may belong to a UGI whose ticket has been replaced.
                    try (FileSystem fs = FileSystem.newInstance(uri, hadoop)) {
                        fs.addDelegationTokens(renewer, credentials);
                    }
                    return null;
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while obtaining a delegation token from " + uri, e);
            } catch (IOException e) {
                throw new IOException("could not obtain a delegation token from " + uri + " as "
                        + login.getUserName() + " (renewer " + renewer + "): " + e.getMessage(), e);
            }
        }
        return credentials;
    }

    /**
     * How long the file systems' delegation tokens live unless renewed: obtains one token from each with
     * {@code login} as renewer, renews it once (its new expiry minus its issue date is the interval), and cancels it.
     *
     * @param login a UGI with Kerberos credentials
     * @param hadoop the cluster's configuration
     * @param fileSystems from {@link #fileSystems}
     * @return the shortest renewal interval in milliseconds, or {@link Long#MAX_VALUE} when no token says
     * @throws IOException when a token cannot be obtained or renewed
     */
    public static long renewalIntervalMillis(UserGroupInformation login, Configuration hadoop, List<URI> fileSystems)
            throws IOException {
        Credentials probe = obtain(login, hadoop, fileSystems, login.getUserName());
        long interval = Long.MAX_VALUE;
        for (Token<? extends TokenIdentifier> token : probe.getAllTokens()) {
            if (!(token.decodeIdentifier() instanceof AbstractDelegationTokenIdentifier id)) {
                continue;
            }
            try {
                long expiry = login.doAs((PrivilegedExceptionAction<Long>) () -> token.renew(hadoop));
                interval = Math.min(interval, expiry - id.getIssueDate());
                login.doAs((PrivilegedExceptionAction<Void>) () -> {
                    token.cancel(hadoop);
                    return null;
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while renewing " + token.getKind(), e);
            }
        }
        return interval;
    }

    /**
     * @param credentials tokens
     * @return the earliest maximum lifetime's end (epoch millis) among its delegation tokens, or
     *     {@link Long#MAX_VALUE} when it has none
     * @throws IOException when an identifier cannot be decoded
     */
    public static long earliestMaxDate(Credentials credentials) throws IOException {
        long earliest = Long.MAX_VALUE;
        for (Token<? extends TokenIdentifier> token : credentials.getAllTokens()) {
            if (token.decodeIdentifier() instanceof AbstractDelegationTokenIdentifier id) {
                earliest = Math.min(earliest, id.getMaxDate());
            }
        }
        return earliest;
    }

    /**
     * @param credentials tokens
     * @return the earliest issue date (epoch millis) among its delegation tokens, or {@link Long#MAX_VALUE}
     * @throws IOException when an identifier cannot be decoded
     */
    public static long earliestIssueDate(Credentials credentials) throws IOException {
        long earliest = Long.MAX_VALUE;
        for (Token<? extends TokenIdentifier> token : credentials.getAllTokens()) {
            if (token.decodeIdentifier() instanceof AbstractDelegationTokenIdentifier id) {
                earliest = Math.min(earliest, id.getIssueDate());
            }
        }
        return earliest;
    }

    /**
     * @param credentials tokens
     * @return a short description of its delegation tokens for logs: kind and service of each, never its secret
     */
    public static String describe(Credentials credentials) {
        List<String> parts = new ArrayList<>();
        for (Token<? extends TokenIdentifier> token : credentials.getAllTokens()) {
            try {
                if (token.decodeIdentifier() instanceof AbstractDelegationTokenIdentifier) {
                    parts.add(token.getKind() + " for " + token.getService());
                }
            } catch (IOException e) {
                parts.add(token.getKind() + " (unreadable)");
            }
        }
        return parts.toString();
    }
}
