package io.weft.driver.session;

import io.weft.planner.Digests;
import io.weft.runtime.channel.Messages.ShippedJar;
import io.weft.runtime.files.OwnerOnly;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The session's local copies of the files attached programs ship, one per SHA-256: {@code <dir>/<sha256>/<name>},
 * so a program (or a second job of it) shipping the same bytes ships nothing. A file enters the store only whole
 * and checked (written to a temporary file, its length and digest compared with what was offered, then moved in),
 * so a half-received or corrupt upload is never used. The directory is 0700. Thread-safe.
 */
final class JarStore {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final File dir;
    private final java.util.concurrent.atomic.AtomicInteger stored = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * @param dir the store's directory, created 0700 if missing
     * @throws IOException when it cannot be created
     */
    JarStore(File dir) throws IOException {
        OwnerOnly.createLocalDirectory(dir);
        this.dir = dir;
    }

    /**
     * @param jar an offered file
     * @return where the store keeps it (it may not be there yet)
     * @throws IllegalArgumentException when its name or digest is not acceptable (a path, not hex)
     */
    File fileOf(ShippedJar jar) {
        check(jar);
        return new File(new File(dir, jar.sha256()), jar.name());
    }

    /** @return how many uploads this store has received and kept (for tests and logs) */
    int stored() {
        return stored.get();
    }

    /** @return those of {@code offered} that the store does not hold, by digest */
    List<String> missing(List<ShippedJar> offered) {
        List<String> missing = new ArrayList<>();
        for (ShippedJar jar : offered) {
            if (!fileOf(jar).isFile() && !missing.contains(jar.sha256())) {
                missing.add(jar.sha256());
            }
        }
        return missing;
    }

    private static void check(ShippedJar jar) {
        String name = jar.name();
        if (name == null || name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".")
                || name.equals("..")) {
            throw new IllegalArgumentException("Shipped file name '" + name + "' is not a plain file name");
        }
        if (jar.sha256() == null || !SHA256.matcher(jar.sha256()).matches()) {
            throw new IllegalArgumentException("Shipped file " + name + " has no valid SHA-256");
        }
    }

    /** One file being received: appends pieces to a temporary file, then checks and moves it into the store. */
    final class Upload implements AutoCloseable {
        private final ShippedJar jar;
        private final File tmp;
        private final OutputStream out;
        private long received;

        Upload(ShippedJar jar) throws IOException {
            check(jar);
            this.jar = jar;
            this.tmp = OwnerOnly.createLocalTempFile(dir, ".upload-", ".tmp");
            this.out = Files.newOutputStream(tmp.toPath());
        }

        /**
         * @param bytes the next piece
         * @throws IOException when writing fails, or more bytes arrive than were offered
         */
        void append(byte[] bytes) throws IOException {
            received += bytes.length;
            if (received > jar.length()) {
                throw new IOException("Upload of " + jar.name() + " exceeds its offered length " + jar.length());
            }
            out.write(bytes);
        }

        /**
         * Checks length and digest and moves the file into the store.
         *
         * @return the stored file
         * @throws IOException when the bytes are not what was offered
         */
        File finish() throws IOException {
            out.close();
            String digest;
            try (InputStream in = Files.newInputStream(tmp.toPath())) {
                digest = Digests.sha256Hex(in);
            }
            if (received != jar.length() || !digest.equals(jar.sha256())) {
                close();
                throw new IOException("Upload of " + jar.name() + " does not match its offer (" + received + " bytes,"
                        + " SHA-256 " + digest + "; offered " + jar.length() + " bytes, " + jar.sha256() + ")");
            }
            File target = fileOf(jar);
            OwnerOnly.createLocalDirectory(target.getParentFile());
            Files.move(tmp.toPath(), target.toPath(), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            stored.incrementAndGet();
            return target;
        }

        @Override
        public void close() {
            try {
                out.close();
            } catch (IOException ignored) {
                // deleting it anyway
            }
            tmp.delete();
        }
    }

    /**
     * @param jar the offered file
     * @return a new upload of it
     * @throws IOException when its temporary file cannot be created
     */
    Upload upload(ShippedJar jar) throws IOException {
        return new Upload(jar);
    }

    /** Client side: describes a local file for an offer (reads it once for its digest). */
    static ShippedJar describe(File file) throws IOException {
        try (InputStream in = Files.newInputStream(file.toPath())) {
            return new ShippedJar(file.getName(), file.length(), Digests.sha256Hex(in));
        }
    }
}
