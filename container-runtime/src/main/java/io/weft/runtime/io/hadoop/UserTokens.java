package io.weft.runtime.io.hadoop;

import java.io.IOException;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.UserGroupInformation;

/**
 * On a Kerberos cluster, Hadoop's input and output formats ask for delegation tokens for the paths they list or check
 * ({@code TokenCache.obtainTokensForNamenodes}) unless the job's credentials already hold one for that file system.
 * A driver in an ApplicationMaster authenticates with delegation tokens only, and such a connection may not obtain
 * more ("Delegation Token can be issued only with kerberos or web authentication"): giving the job this process's
 * tokens first makes the formats use them. Any thread.
 */
public final class UserTokens {

    private UserTokens() {
    }

    /**
     * Adds the current user's tokens to {@code job}'s credentials (keeping any it has).
     *
     * @param job a job's credentials
     * @throws IOException when the current user cannot be determined
     */
    public static void addTo(Credentials job) throws IOException {
        job.mergeAll(UserGroupInformation.getCurrentUser().getCredentials());
    }
}
