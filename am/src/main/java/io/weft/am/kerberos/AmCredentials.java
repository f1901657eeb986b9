package io.weft.am.kerberos;

import io.weft.conf.WeftConf;
import io.weft.yarnconf.YarnConfigKeys;
import java.io.File;
import java.io.IOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.yarn.api.records.LocalResource;
import org.apache.hadoop.yarn.api.records.LocalResourceType;
import org.apache.hadoop.yarn.api.records.LocalResourceVisibility;
import org.apache.hadoop.yarn.api.records.URL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a submission adds to the ApplicationMaster's launch context on a Kerberos cluster: delegation tokens for every
 * file system the application touches (renewer: the ResourceManager), and in cluster mode with {@code --keytab} the
 * keytab, as a resource of the AM alone.
 *
 * @param tokens the delegation tokens, merged into the AM's credentials (executors get them from there)
 * @param resources resources for the AM's container only (the keytab), by link name
 */
public record AmCredentials(Credentials tokens, Map<String, LocalResource> resources) {

    private static final Logger LOG = LoggerFactory.getLogger(AmCredentials.class);

    /** @return nothing to add: a cluster without Kerberos */
    public static AmCredentials none() {
        return new AmCredentials(new Credentials(), Map.of());
    }

    /**
     * Obtains the tokens as the current user (who must hold Kerberos credentials: see {@link KerberosLogin}) and, when
     * {@code shipKeytab} and a keytab is configured, uploads it to the staging directory with permissions 0600 as an
     * APPLICATION resource (never PUBLIC), localized as {@link ApplicationTokens#KEYTAB_LINK}.
     *
     * @param conf the application's settings
     * @param hadoop the cluster's configuration
     * @param fs the staging directory's file system
     * @param stagingDir the application's staging directory (permissions 0700), already created
     * @param shipKeytab cluster mode: the ApplicationMaster is the driver and refreshes the tokens itself
     * @return the additions; {@link #none()} when the cluster does not use Kerberos
     * @throws IOException when a token cannot be obtained or the keytab uploaded
     */
    public static AmCredentials forSubmission(WeftConf conf, Configuration hadoop, FileSystem fs, Path stagingDir,
            boolean shipKeytab) throws IOException {
        if (!KerberosLogin.secure(hadoop)) {
            return none();
        }
        Credentials tokens = DelegationTokens.obtain(UserGroupInformation.getCurrentUser(), hadoop,
                DelegationTokens.fileSystems(conf, hadoop), DelegationTokens.renewer(hadoop));
        LOG.info("Obtained delegation tokens for the application: {}", DelegationTokens.describe(tokens));
        String keytab = conf.get(YarnConfigKeys.KERBEROS_KEYTAB);
        if (!shipKeytab || keytab == null) {
            return new AmCredentials(tokens, Map.of());
        }
        Path target = new Path(stagingDir, ApplicationTokens.KEYTAB_LINK);
        // Created 0600, so that the keytab is never readable by others, not even for a moment.
        try (var out = fs.create(target, new FsPermission((short) 0600), true, 4096,
                fs.getDefaultReplication(target), fs.getDefaultBlockSize(target), null)) {
            java.nio.file.Files.copy(new File(keytab).toPath(), out);
        }
        fs.setPermission(target, new FsPermission((short) 0600));
        FileStatus status = fs.getFileStatus(target);
        LocalResource resource = LocalResource.newInstance(URL.fromPath(fs.makeQualified(target)),
                LocalResourceType.FILE, LocalResourceVisibility.APPLICATION, status.getLen(),
                status.getModificationTime());
        return new AmCredentials(tokens, Map.of(ApplicationTokens.KEYTAB_LINK, resource));
    }
}
