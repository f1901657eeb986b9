package io.weft.runtime.channel;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Optional;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.UserGroupInformation;

/**
 * The per-application secret both ends of the driver channel prove they hold ({@link Handshake}). Made by whoever
 * starts the application, it reaches YARN containers in their credentials under {@link #ALIAS}, never on a
 * command line, and {@code local-cluster} executors in a file only their user can read.
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
}
