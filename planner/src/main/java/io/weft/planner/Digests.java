package io.weft.planner;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 as lower-case hex, for content-addressed names and fingerprints (stage fingerprints here, saved
 * outputs in the driver, the jar cache in submission). In the lowest module that needs it, so every user shares
 * one copy.
 */
public final class Digests {

    private Digests() {
    }

    /**
     * @param parts byte arrays, digested one after the other
     * @return the SHA-256 of their concatenation, as 64 hex digits
     */
    public static String sha256Hex(byte[]... parts) {
        MessageDigest digest = sha256();
        for (byte[] part : parts) {
            digest.update(part);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * @param in a stream, read to its end (not closed)
     * @return the SHA-256 of its bytes, as 64 hex digits
     * @throws IOException when reading fails
     */
    public static String sha256Hex(InputStream in) throws IOException {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[1 << 16];
        int n;
        while ((n = in.read(buffer)) > 0) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM, which every Java SE JVM must have", e);
        }
    }
}
