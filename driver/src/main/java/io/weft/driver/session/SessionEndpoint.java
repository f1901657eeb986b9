package io.weft.driver.session;

import io.weft.runtime.files.OwnerOnly;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Properties;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where and how a program attaches to a long-running session: the driver endpoint's address, whether its
 * connections are encrypted, and the secret of {@link io.weft.runtime.channel.PeerRole#SESSION_CLIENT} (derived
 * from the application secret; it cannot register an executor, and executors' secrets cannot attach).
 *
 * <p>The session writes it with {@link #writeTo} into the application's 0700 staging directory, as a 0600 file,
 * so only the owning user (and the cluster's superuser) can read it: holding the file is what lets a program
 * attach. {@link #toString()} never shows the secret.
 *
 * @param applicationId the session's application id
 * @param host the driver endpoint's host
 * @param port its port
 * @param encrypt whether its connections are encrypted ({@code weft.network.crypto.enabled})
 * @param clientSecret the session-client role's secret (32 bytes)
 */
public record SessionEndpoint(String applicationId, String host, int port, boolean encrypt, byte[] clientSecret) {

    private static final String VERSION = "1";

    /** Copies the secret, so that later changes to the caller's array do not reach it. */
    public SessionEndpoint {
        clientSecret = clientSecret.clone();
    }

    @Override
    public byte[] clientSecret() {
        return clientSecret.clone();
    }

    /**
     * Writes this endpoint to a file readable by its owner only (0600), replacing any earlier one. Any thread.
     *
     * @param fs the file system (the staging directory's)
     * @param file the file
     * @throws IOException when it cannot be written
     */
    public void writeTo(FileSystem fs, Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("version", VERSION);
        p.setProperty("applicationId", applicationId);
        p.setProperty("host", host);
        p.setProperty("port", Integer.toString(port));
        p.setProperty("encrypt", Boolean.toString(encrypt));
        p.setProperty("clientSecret", Base64.getEncoder().encodeToString(clientSecret));
        Path tmp = new Path(file.getParent(), "." + file.getName() + ".tmp");
        try (OutputStream out = OwnerOnly.create(fs, tmp, true)) {
            p.store(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), "Weft session endpoint");
        }
        fs.delete(file, false);
        if (!fs.rename(tmp, file)) {
            throw new IOException("Could not rename " + tmp + " to " + file);
        }
    }

    /**
     * Reads an endpoint written by {@link #writeTo}. Any thread.
     *
     * @param fs the file system
     * @param file the file
     * @return the endpoint
     * @throws IOException when it cannot be read (missing: {@link java.io.FileNotFoundException}), or is not an
     *     endpoint file of this version
     */
    public static SessionEndpoint readFrom(FileSystem fs, Path file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = fs.open(file)) {
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        }
        if (!VERSION.equals(p.getProperty("version"))) {
            throw new IOException(file + " is not a session endpoint file of this Weft version (version "
                    + p.getProperty("version") + ", expected " + VERSION + "); attach with the Weft version that"
                    + " started the session");
        }
        try {
            return new SessionEndpoint(required(p, "applicationId", file), required(p, "host", file),
                    Integer.parseInt(required(p, "port", file)), Boolean.parseBoolean(required(p, "encrypt", file)),
                    Base64.getDecoder().decode(required(p, "clientSecret", file)));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " is not a valid session endpoint file: " + e.getMessage(), e);
        }
    }

    private static String required(Properties p, String key, Path file) throws IOException {
        String value = p.getProperty(key);
        if (value == null) {
            throw new IOException(file + " is not a valid session endpoint file: it has no " + key);
        }
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SessionEndpoint e && applicationId.equals(e.applicationId) && host.equals(e.host)
                && port == e.port && encrypt == e.encrypt && Arrays.equals(clientSecret, e.clientSecret);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(applicationId, host, port, encrypt);
    }

    @Override
    public String toString() {
        return "SessionEndpoint[" + applicationId + " at " + host + ":" + port + (encrypt ? ", encrypted" : "")
                + ", secret redacted]";
    }
}
