package io.weft.am.submit;

import io.weft.runtime.files.OwnerOnly;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.protocol.HdfsFileStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cached jars this user has already verified (re-read and hashed against the digest in their path), remembered
 * by the file's identity so that a later submission reuses them without reading them again
 * ({@code weft.yarn.rememberVerifiedJars}).
 *
 * <p>An entry is the cached jar's path with its HDFS file id (the inode number, which HDFS never reuses and no
 * client can set), length and modification time. A cached jar is remembered only while all four are unchanged:
 * replacing the file (delete and create, overwrite, rename over it) gives it a new file id; changing it in place
 * (append, truncate, concat) changes its length or modification time, and setting the time back needs write access
 * to the file, which {@link JarCache} has just checked nobody but the current user and the superuser has. A file
 * system that gives no file id (anything but HDFS) is never remembered: its jars are re-read on every reuse, as
 * before.
 *
 * <p>The memo is one file, {@value #FILE}, in the private jar cache (owner-only, its whole path checked by
 * {@link JarCache} like any cache directory). It is read only when it is the current user's and readable or
 * writable by nobody else; otherwise it is ignored (with a warning) and rewritten. Writes go to a temporary file
 * renamed over the old one, so a concurrent submission sees either version; the last writer wins, and an entry it
 * dropped only costs the next submission one more read. At most {@value #MAX_ENTRIES} entries are kept, the most
 * recently verified.
 *
 * <p>Used by the submitting thread only. A memo that cannot be read or written costs only speed: failures are
 * logged and the jars are re-read.
 */
final class VerifiedJars {

    /** The memo's name in the private jar cache: not a digest, so no jar's directory can have it. */
    static final String FILE = ".verified-jars";
    static final int MAX_ENTRIES = 4096;

    private static final Logger LOG = LoggerFactory.getLogger(VerifiedJars.class);
    private static final String HEADER = "weft-verified-jars-v1";

    private final FileSystem fs;
    private final Path file;
    private final Map<String, String> entries;
    private boolean changed;

    private VerifiedJars(FileSystem fs, Path file, Map<String, String> entries) {
        this.fs = fs;
        this.file = file;
        this.entries = entries;
    }

    /** A memo that remembers nothing and writes nothing ({@code weft.yarn.rememberVerifiedJars=false}). */
    static VerifiedJars none() {
        return new VerifiedJars(null, null, new LinkedHashMap<>());
    }

    /**
     * Reads the memo in {@code privateRoot}, whose path the caller has checked is the user's alone.
     *
     * @param fs the cluster's file system
     * @param privateRoot the private jar cache
     * @param user the current user's short name
     * @return the memo; empty when there is none yet, or when it is not the user's alone or cannot be read
     */
    static VerifiedJars load(FileSystem fs, Path privateRoot, String user) {
        Path file = new Path(privateRoot, FILE);
        Map<String, String> entries = new LinkedHashMap<>();
        try {
            FileStatus status = fs.getFileStatus(file);
            if (!user.equals(status.getOwner()) || (status.getPermission().toShort() & 0077) != 0) {
                LOG.warn("Ignoring the verified-jars memo {}: it is owned by {} with mode {}; only one owned by {} and"
                        + " readable and writable by nobody else is trusted. It will be rewritten.", file,
                        status.getOwner(), status.getPermission(), user);
                return new VerifiedJars(fs, file, entries);
            }
            try (var in = fs.open(file)) {
                String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
                if (lines.length > 0 && lines[0].equals(HEADER)) {
                    for (int i = 1; i < lines.length; i++) {
                        int tab = lines[i].lastIndexOf('\t');
                        if (tab > 0) {
                            entries.put(lines[i].substring(0, tab), lines[i].substring(tab + 1));
                        }
                    }
                }
            }
        } catch (FileNotFoundException none) {
            // a first submission
        } catch (IOException e) {
            LOG.warn("Could not read the verified-jars memo {} ({}): cached jars are verified by reading them", file,
                    e.toString());
        }
        return new VerifiedJars(fs, file, entries);
    }

    /**
     * @param status a cached jar's status, read just now
     * @return its identity as remembered ({@code fileId length modificationTime}); empty when the file system gives
     *     no file id
     */
    static Optional<String> identity(FileStatus status) {
        if (status instanceof HdfsFileStatus hdfs && hdfs.getFileId() > 0) {
            return Optional.of(hdfs.getFileId() + " " + status.getLen() + " " + status.getModificationTime());
        }
        return Optional.empty();
    }

    /**
     * @param path the cached jar
     * @param status its status, read just now
     * @return whether it was verified before and has the same identity now
     */
    boolean remembered(Path path, FileStatus status) {
        Optional<String> identity = identity(status);
        return identity.isPresent() && identity.get().equals(entries.get(path.toString()));
    }

    /**
     * Remembers a cached jar just verified or written, by the status read after that.
     *
     * @param path the cached jar
     * @param status its status
     */
    void remember(Path path, FileStatus status) {
        if (file == null) {
            return;
        }
        identity(status).ifPresent(identity -> {
            // Most recently verified last, so the cap drops the longest-unused entries.
            String previous = entries.remove(path.toString());
            entries.put(path.toString(), identity);
            changed |= !identity.equals(previous);
        });
    }

    /** Writes the memo if an entry changed: a temporary file (0600) renamed over the old memo. */
    void save() {
        if (file == null || !changed) {
            return;
        }
        Iterator<String> oldest = entries.keySet().iterator();
        while (entries.size() > MAX_ENTRIES) {
            oldest.next();
            oldest.remove();
        }
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        entries.forEach((path, identity) -> text.append(path).append('\t').append(identity).append('\n'));
        Path temp = new Path(file.getParent(), FILE + "." + UUID.randomUUID() + ".tmp");
        try {
            try (var out = OwnerOnly.create(fs, temp, false)) {
                out.write(text.toString().getBytes(StandardCharsets.UTF_8));
            }
            fs.setPermission(temp, OwnerOnly.FILE);
            fs.delete(file, false);
            if (!fs.rename(temp, file)) {
                fs.delete(temp, false);
            }
            changed = false;
        } catch (IOException e) {
            LOG.warn("Could not write the verified-jars memo {} ({}): the next submission reads the cached jars again",
                    file, e.toString());
        }
    }
}
