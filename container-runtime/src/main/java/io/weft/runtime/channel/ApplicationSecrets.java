package io.weft.runtime.channel;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Optional;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.UserGroupInformation;

/**
 * The per-application secret of the driver channel ({@link Handshake}). Made by whoever starts the application,
 * it reaches the ApplicationMaster in its credentials under {@link #ALIAS}, never on a command line. Executors get
 * only the secret of their role ({@link #forRole} with {@link PeerRole#EXECUTOR}), under the same alias in their
 * container's credentials, or in {@code local-cluster} in a file only their user can read: an executor can
 * therefore authenticate as an executor and nothing else (not as the ApplicationMaster, whose exit reports the
 * driver trusts).
 */
public final class ApplicationSecrets {

    /** The alias under which the secret travels in YARN credentials. */
    public static final String ALIAS = "weft.application.secret";

    private static final int BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApplicationSecrets() {
    }

    /** @return a new secret of 32 random bytes */
    public static byte[] random() {
        byte[] secret = new byte[BYTES];
        RANDOM.nextBytes(secret);
        return secret;
    }

    /**
     * The secret a peer of {@code role} proves: HMAC-SHA256 of the role's name under the application secret, so
     * it reveals nothing of the application secret or of another role's secret.
     *
     * @param applicationSecret the application secret
     * @param role a role
     * @return 32 bytes
     */
    public static byte[] forRole(byte[] applicationSecret, PeerRole role) {
        return Handshake.hmac(applicationSecret, "weft role secret", role.name().getBytes(
                java.nio.charset.StandardCharsets.US_ASCII));
    }

    /**
     * @param credentials a container's credentials, or a submission's
     * @param secret the secret to add to them
     */
    public static void addTo(Credentials credentials, byte[] secret) {
        credentials.addSecretKey(new Text(ALIAS), secret);
    }

    /**
     * @return the secret in this process's credentials (in a YARN container, its tokens file), if there is one
     * @throws IOException when the credentials cannot be read
     */
    public static Optional<byte[]> fromCurrentUser() throws IOException {
        return Optional.ofNullable(UserGroupInformation.getCurrentUser().getCredentials()
                .getSecretKey(new Text(ALIAS)));
    }

    /**
     * The secret in this process's credentials, read straight from the tokens file YARN names in the container's
     * environment ({@code HADOOP_TOKEN_FILE_LOCATION}) when there is one, else as {@link #fromCurrentUser}. The
     * same secret either way; the file alone spares an executor Hadoop's login (about 0.2 s of its start) before
     * it can connect to the driver, so that the login can happen beside the connection.
     *
     * @param environment the process's environment
     * @return the secret, if the credentials hold one
     * @throws IOException when the tokens file, or the credentials, cannot be read
     */
    public static Optional<byte[]> fromContainerTokens(java.util.Map<String, String> environment)
            throws IOException {
        String tokensFile = environment.get(UserGroupInformation.HADOOP_TOKEN_FILE_LOCATION);
        if (tokensFile == null || tokensFile.isBlank()) {
            return fromCurrentUser();
        }
        Credentials credentials = Credentials.readTokenStorageFile(new java.io.File(tokensFile),
                new org.apache.hadoop.conf.Configuration(false));
        return Optional.ofNullable(credentials.getSecretKey(new Text(ALIAS)));
    }
}
