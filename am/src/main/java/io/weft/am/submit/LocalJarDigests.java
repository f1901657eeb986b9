package io.weft.am.submit;

import io.weft.planner.Digests;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SHA-256 of the client's own jars, remembered by the local file's identity so that a warm submission does not
 * read and hash every jar on its class path again ({@code weft.yarn.rememberVerifiedJars}).
 *
 * <p>An entry is a jar's path with its device, inode, size, modification time and change time (ctime). A digest is
 * reused only while all five are unchanged: replacing the file (a new inode) or writing to it (a new ctime, which no
 * process can set back, unlike the modification time) makes the jar be read again. A jar is remembered only when its
 * identity was the same before and after it was hashed. Only the user the client runs as, and root, could change a
 * jar and forge a matching entry; both could as well change the jar before it is hashed, so the memo trusts nobody
 * new.
 *
 * <p>The memo is one file, {@code ~/.weft/jar-digests}: read only when it and its directory are the current user's
 * and neither is writable (nor the file readable) by anyone else; otherwise ignored with a warning and rewritten
 * (the directory is created 0700; one that is not safe is never written). Writes go to a temporary file renamed over
 * the old one. At most {@value #MAX_ENTRIES} entries, the most recently used.
 *
 * <p>Used by the submitting thread only. A memo that cannot be read or written costs speed only: failures are
 * logged and the jars are hashed.
 */
final class LocalJarDigests {

    static final int MAX_ENTRIES = 4096;

    private static final Logger LOG = LoggerFactory.getLogger(LocalJarDigests.class);
    private static final String HEADER = "weft-jar-digests-v1";
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    /** Reads and hashes a jar. */
    @FunctionalInterface
    interface Hasher {
        String sha256(Path jar) throws IOException;
    }

    private final Path memo;
    private final Hasher hasher;
    private final Map<String, String> entries;
    private boolean changed;
    private int reused;

    private LocalJarDigests(Path memo, Hasher hasher, Map<String, String> entries) {
        this.memo = memo;
        this.hasher = hasher;
        this.entries = entries;
    }

    /** @return {@code ~/.weft/jar-digests} */
    static Path defaultMemo() {
        return Path.of(System.getProperty("user.home"), ".weft", "jar-digests");
    }

    /** @return digests that remember nothing: every jar is hashed */
    static LocalJarDigests none() {
        return new LocalJarDigests(null, LocalJarDigests::hash, new LinkedHashMap<>());
    }

    /**
     * @param memo the memo file
     * @return the digests it remembers, or none when it is missing, unreadable or not safely the user's own
     */
    static LocalJarDigests load(Path memo) {
        return load(memo, LocalJarDigests::hash);
    }

    static LocalJarDigests load(Path memo, Hasher hasher) {
        Map<String, String> entries = new LinkedHashMap<>(16, 0.75f, true);
        try {
            if (Files.exists(memo, LinkOption.NOFOLLOW_LINKS)) {
                String problem = unsafe(memo, OWNER_ONLY_FILE, false);
                if (problem == null) {
                    problem = unsafe(memo.getParent(), OWNER_ONLY_DIR, true);
                }
                if (problem != null) {
                    LOG.warn("Not using the memo of jar digests {}: {}; every jar is hashed and the memo rewritten",
                            memo, problem);
                } else {
                    List<String> lines = Files.readAllLines(memo, StandardCharsets.UTF_8);
                    if (!lines.isEmpty() && lines.get(0).equals(HEADER)) {
                        for (String line : lines.subList(1, lines.size())) {
                            int tab = line.lastIndexOf('\t');
                            if (tab > 0) {
                                entries.put(line.substring(0, tab), line.substring(tab + 1));
                            }
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not read the memo of jar digests {}: {}", memo, e.toString());
            entries.clear();
        }
        return new LocalJarDigests(memo, hasher, entries);
    }

    /**
     * @param jar a local jar
     * @return its SHA-256, remembered when its identity is unchanged since it was hashed
     * @throws IOException when it cannot be read
     */
    String digest(File jar) throws IOException {
        Path path = jar.toPath().toAbsolutePath();
        String before = identity(path);
        if (memo != null && before != null) {
            String remembered = entries.get(before);
            if (remembered != null) {
                reused++;
                return remembered;
            }
        }
        String digest = hasher.sha256(path);
        if (memo != null && before != null && before.equals(identity(path))) {
            entries.put(before, digest);
            changed = true;
            if (entries.size() > MAX_ENTRIES) {
                Iterator<String> eldest = entries.keySet().iterator();
                eldest.next();
                eldest.remove();
            }
        }
        return digest;
    }

    /** @return how many digests came from the memo */
    int reused() {
        return reused;
    }

    /** Writes the memo when it changed. Failures are logged, not thrown. */
    void save() {
        if (memo == null || !changed) {
            return;
        }
        Path dir = memo.getParent();
        Path temp = dir.resolve(memo.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
                Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
            }
            String problem = unsafe(dir, OWNER_ONLY_DIR, true);
            if (problem != null) {
                LOG.warn("Not writing the memo of jar digests into {}: {}", dir, problem);
                return;
            }
            StringBuilder text = new StringBuilder(HEADER).append('\n');
            entries.forEach((identity, digest) -> text.append(identity).append('\t').append(digest).append('\n'));
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
            Files.setPosixFilePermissions(temp, OWNER_ONLY_FILE); // whatever the umask took away or left
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, memo, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            changed = false;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not write the memo of jar digests {}: {}", memo, e.toString());
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // nothing more to do: a leftover temporary file is only litter in the user's own directory
            }
        }
    }

    /**
     * The file's identity as one key: path, device, inode, size, modification and change times (nanoseconds).
     *
     * @return the key, or null where the file system gives no inode (then nothing is remembered)
     */
    private static String identity(Path path) throws IOException {
        if (path.toString().indexOf('\n') >= 0 || path.toString().indexOf('\t') >= 0) {
            return null; // the memo's separators
        }
        Map<String, Object> unix;
        try {
            unix = Files.readAttributes(path, "unix:dev,ino,size,lastModifiedTime,ctime");
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
        return path + "\t" + unix.get("dev") + "\t" + unix.get("ino") + "\t" + unix.get("size") + "\t"
                + nanos(unix.get("lastModifiedTime")) + "\t" + nanos(unix.get("ctime"));
    }

    private static long nanos(Object time) {
        java.time.Instant instant = ((java.nio.file.attribute.FileTime) time).toInstant();
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    /** @return why the file or directory cannot be trusted, or null */
    static String unsafe(Path path, Set<PosixFilePermission> allowed, boolean directory) throws IOException {
        if (Files.isSymbolicLink(path)) {
            return "it is a symbolic link";
        }
        if (directory ? !Files.isDirectory(path) : !Files.isRegularFile(path)) {
            return directory ? "not a directory" : "not a regular file";
        }
        UserPrincipal owner = Files.getOwner(path, LinkOption.NOFOLLOW_LINKS);
        String user = System.getProperty("user.name");
        if (!owner.getName().equals(user)) {
            return "owned by " + owner.getName() + ", not " + user;
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        if (!allowed.containsAll(permissions)) {
            return "mode " + PosixFilePermissions.toString(permissions) + " lets others in";
        }
        return null;
    }

    private static String hash(Path jar) throws IOException {
        try (var in = Files.newInputStream(jar)) {
            return Digests.sha256Hex(in);
        }
    }
}
