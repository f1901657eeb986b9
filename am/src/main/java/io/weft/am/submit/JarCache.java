package io.weft.am.submit;

import io.weft.planner.Digests;
import io.weft.runtime.files.OwnerOnly;
import java.io.File;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.security.UserGroupInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a submission puts each jar, once per content digest ({@code <cache>/<sha-256>/<file name>}), and which
 * cached copy it may reuse.
 *
 * <ul>
 *   <li>Framework jars (Weft and its libraries) go to the shared cache {@code weft.yarn.jarCacheDir}, world-readable,
 *       localized with PUBLIC visibility: NodeManagers keep one copy for every application and user.</li>
 *   <li>The application's jars (the jar holding the main class, {@code --jars}) go to the private cache
 *       {@value #PRIVATE_DIR} under the staging root (directories 0700, files 0600), localized with APPLICATION
 *       visibility: no other user can read them, and a resubmission of the same jar still uploads nothing.</li>
 * </ul>
 *
 * A cached jar is reused only when both hold: every directory from it up to {@code /} is owned by the current user
 * or the file system's superuser (the owner of {@code /}) and is writable by nobody else (or has the sticky bit),
 * and the jar itself is the current user's, not writable by others, and its bytes hash to the digest in its path
 * (re-read and hashed on reuse: a read costs far less than the upload it saves, and catches a file replaced or
 * damaged in place). A cached copy whose content does not match is replaced. With
 * {@code weft.yarn.rememberVerifiedJars} (the default) a copy verified before and unchanged since (same HDFS file
 * id, length and modification time, see {@link VerifiedJars}) is not re-read: the ownership checks above still run
 * on every reuse, and they are what keeps other users from changing it in place. When a cache directory fails the
 * ownership check (for example a shared cache another user can write to), nothing in it is reused or written: the
 * jar goes to the private cache instead, with APPLICATION visibility, and failing that into the application's own
 * staging directory. Each such decision is logged once per cache.
 *
 * <p>Used by one thread (the submitting one), which may {@link #prefetch} the statuses its checks need first.
 * Failures of the file system surface as {@link IOException}.
 */
final class JarCache {

    /** The private cache's directory name under the staging root; not an application id, so the janitor keeps it. */
    static final String PRIVATE_DIR = "_jars";

    private static final Logger LOG = LoggerFactory.getLogger(JarCache.class);
    private static final FsPermission PUBLIC_FILE = new FsPermission((short) 0644);

    /**
     * Where a jar was placed.
     *
     * @param path its qualified path
     * @param visibility PUBLIC or APPLICATION, as the manifest names YARN's visibilities
     * @param uploaded whether this call copied it (false: a verified cached copy was reused)
     */
    record Placed(Path path, String visibility, boolean uploaded) {
    }

    private final FileSystem fs;
    private final Path publicRoot;
    private final Path privateRoot;
    private final Path stagingDir;
    private final String user;
    private final String superuser;
    private final Map<Path, Boolean> safeDirs = new HashMap<>();
    private final java.util.Set<Path> existingRoots = new java.util.HashSet<>();
    private final boolean rememberVerified;
    private VerifiedJars verified;
    private final LocalJarDigests localDigests;
    private int remembered;
    /** This submission's local digests, so a jar is hashed (or looked up in the memo) once. */
    private final Map<File, String> digests = new HashMap<>();
    private StatusPrefetch prefetched = StatusPrefetch.none();

    /**
     * @param fs the cluster's file system
     * @param publicRoot the shared cache ({@code weft.yarn.jarCacheDir})
     * @param stagingDir the application's staging directory; the private cache is {@value #PRIVATE_DIR} next to it
     * @throws IOException when the current user or the owner of {@code /} cannot be found
     */
    JarCache(FileSystem fs, Path publicRoot, Path stagingDir) throws IOException {
        this(fs, publicRoot, stagingDir, true);
    }

    /**
     * @param fs the cluster's file system
     * @param publicRoot the shared cache ({@code weft.yarn.jarCacheDir})
     * @param stagingDir the application's staging directory; the private cache is {@value #PRIVATE_DIR} next to it
     * @param rememberVerified whether a copy verified before and unchanged since is reused without re-reading it
     *     ({@code weft.yarn.rememberVerifiedJars}); call {@link #saveVerified()} when done placing jars
     * @throws IOException when the current user or the owner of {@code /} cannot be found
     */
    JarCache(FileSystem fs, Path publicRoot, Path stagingDir, boolean rememberVerified) throws IOException {
        this(fs, publicRoot, stagingDir, rememberVerified,
                rememberVerified ? LocalJarDigests.load(LocalJarDigests.defaultMemo()) : LocalJarDigests.none());
    }

    /**
     * @param fs the cluster's file system
     * @param publicRoot the shared cache ({@code weft.yarn.jarCacheDir})
     * @param stagingDir the application's staging directory; the private cache is {@value #PRIVATE_DIR} next to it
     * @param rememberVerified whether a copy verified before and unchanged since is reused without re-reading it
     * @param localDigests the local jars' digests, remembered or not; saved by {@link #saveVerified()}
     * @throws IOException when the current user or the owner of {@code /} cannot be found
     */
    JarCache(FileSystem fs, Path publicRoot, Path stagingDir, boolean rememberVerified, LocalJarDigests localDigests)
            throws IOException {
        this.localDigests = localDigests;
        this.rememberVerified = rememberVerified;
        this.fs = fs;
        this.publicRoot = fs.makeQualified(publicRoot);
        this.stagingDir = fs.makeQualified(stagingDir);
        this.privateRoot = new Path(this.stagingDir.getParent(), PRIVATE_DIR);
        this.user = UserGroupInformation.getCurrentUser().getShortUserName();
        this.superuser = fs.getFileStatus(new Path(this.publicRoot, "/")).getOwner();
    }

    /**
     * Writes what this cache verified or wrote to the memo, so the next submission need not re-read it. Failures are
     * logged, not thrown: they cost only the next submission's speed.
     */
    void saveVerified() {
        if (verified != null) {
            verified.save();
        }
        localDigests.save();
    }

    /** @return how many local jars' digests came from the memo instead of a read */
    /**
     * @param jar a local jar
     * @return its SHA-256, remembered as {@link #place} remembers it
     * @throws IOException when it cannot be read
     */
    String localDigest(File jar) throws IOException {
        String known = digests.get(jar);
        if (known == null) {
            known = localDigests.digest(jar);
            digests.put(jar, known);
        }
        return known;
    }

    /**
     * Asks the file system, all at once, for the statuses the coming {@link #place} calls check: each cache root
     * and its ancestors, and each jar's cached copy and its directory in the caches it may come from. The checks
     * themselves are unchanged; they read these statuses instead of asking one at a time.
     *
     * @param jars the jars about to be placed
     * @param applicationJars those of them that are the application's (private cache only)
     * @throws IOException when a local jar cannot be read to digest it
     * @throws InterruptedException when interrupted while waiting for the statuses
     */
    void prefetch(List<File> jars, java.util.Set<File> applicationJars) throws IOException, InterruptedException {
        java.util.Set<Path> paths = new java.util.LinkedHashSet<>();
        for (Path root : List.of(publicRoot, privateRoot)) {
            for (Path p = root; p != null; p = p.getParent()) {
                paths.add(p);
            }
        }
        for (File jar : jars) {
            String digest = localDigest(jar);
            for (Path root : applicationJars.contains(jar) ? List.of(privateRoot) : List.of(publicRoot, privateRoot)) {
                Path dir = new Path(root, digest);
                paths.add(dir);
                paths.add(new Path(dir, jar.getName()));
            }
        }
        prefetched = StatusPrefetch.of(fs, paths, 8);
    }

    /** A status from the prefetch when it has one, otherwise from the file system; null for a missing file. */
    private FileStatus status(Path path) throws IOException {
        Optional<FileStatus> known = prefetched.take(path);
        return known != null ? known.orElse(null) : statusOrNull(path);
    }

    int localDigestsRemembered() {
        return localDigests.reused();
    }

    /** @return how many reused copies were not re-read because the memo remembered them unchanged */
    int remembered() {
        return remembered;
    }

    /** The memo, read on first use from the private cache, and only when that cache's whole path is safe. */
    private VerifiedJars verified() throws IOException {
        if (verified == null) {
            if (rememberVerified) {
                ensureRoot(privateRoot, false);
            }
            verified = rememberVerified && safeChain(privateRoot) ? VerifiedJars.load(fs, privateRoot, user)
                    : VerifiedJars.none();
        }
        return verified;
    }

    /** Creates a cache root that does not exist yet (asked once per root): world-readable if shared, else 0700. */
    private void ensureRoot(Path root, boolean shared) throws IOException {
        if (existingRoots.add(root) && status(root) == null) {
            if (shared) {
                Staging.makeWorldReadableDirs(fs, root);
            } else {
                OwnerOnly.mkdirs(fs, root);
            }
        }
    }

    /** @return the private cache */
    Path privateRoot() {
        return privateRoot;
    }

    /**
     * Places one jar, reusing a verified cached copy when there is one.
     *
     * @param jar the local jar
     * @param application whether it is the application's (never PUBLIC) rather than the framework's
     * @return where it is and with which visibility containers get it
     * @throws IOException when it cannot be read or uploaded
     */
    Placed place(File jar, boolean application) throws IOException {
        String digest = localDigest(jar);
        if (!application) {
            Optional<Placed> placed = inCache(jar, digest, publicRoot, "PUBLIC");
            if (placed.isPresent()) {
                return placed.get();
            }
        }
        Optional<Placed> placed = inCache(jar, digest, privateRoot, "APPLICATION");
        if (placed.isPresent()) {
            return placed.get();
        }
        Path target = new Path(new Path(new Path(stagingDir, PRIVATE_DIR), digest), jar.getName());
        OwnerOnly.mkdirs(fs, target.getParent());
        upload(jar, target, OwnerOnly.FILE);
        return new Placed(target, "APPLICATION", true);
    }

    private Optional<Placed> inCache(File jar, String digest, Path root, String visibility) throws IOException {
        boolean shared = root.equals(publicRoot);
        ensureRoot(root, shared);
        if (!safeChain(root)) {
            return Optional.empty();
        }
        Path dir = new Path(root, digest);
        Path cached = new Path(dir, jar.getName());
        FileStatus dirStatus = status(dir);
        if (dirStatus != null && !ours(dirStatus, dir)) {
            return Optional.empty();
        }
        FileStatus status = dirStatus == null ? null : status(cached);
        if (status != null) {
            if (!ours(status, cached)) {
                return Optional.empty();
            }
            if (status.getLen() == jar.length() && verified().remembered(cached, status)) {
                remembered++;
                return Optional.of(new Placed(cached, visibility, false));
            }
            if (status.getLen() == jar.length() && digest.equals(remoteDigest(cached))) {
                verified().remember(cached, status);
                return Optional.of(new Placed(cached, visibility, false));
            }
            LOG.warn("The cached jar {} does not match its digest (changed or damaged in place): replacing it",
                    cached);
            fs.delete(cached, false);
        }
        if (shared) {
            Staging.makeWorldReadableDirs(fs, dir);
        } else {
            OwnerOnly.mkdirs(fs, dir);
        }
        publish(jar, cached, digest, shared ? PUBLIC_FILE : OwnerOnly.FILE);
        verified().remember(cached, fs.getFileStatus(cached));
        return Optional.of(new Placed(cached, visibility, true));
    }

    /** Uploads under a temporary name and renames, so concurrent submissions never see a partial jar. */
    private void publish(File jar, Path cached, String digest, FsPermission mode) throws IOException {
        Path temp = new Path(cached.getParent(), "." + jar.getName() + "." + UUID.randomUUID() + ".tmp");
        upload(jar, temp, mode);
        if (!fs.rename(temp, cached)) {
            fs.delete(temp, false);
            // Another submission of the same jar won the race: use its copy only if it is right.
            if (!fs.exists(cached) || !digest.equals(remoteDigest(cached))) {
                throw new IOException("could not publish " + cached + " (another copy appeared and does not match"
                        + " the digest " + digest + ")");
            }
        }
    }

    private void upload(File jar, Path target, FsPermission mode) throws IOException {
        fs.copyFromLocalFile(false, true, new Path(jar.toURI()), target);
        fs.setPermission(target, mode);
    }

    private FileStatus statusOrNull(Path path) throws IOException {
        try {
            return fs.getFileStatus(path);
        } catch (java.io.FileNotFoundException missing) {
            return null;
        }
    }

    private String remoteDigest(Path path) throws IOException {
        try (var in = fs.open(path)) {
            return Digests.sha256Hex(in);
        }
    }

    /** The current user's, and writable by nobody else. */
    private boolean ours(FileStatus status, Path path) {
        if (!user.equals(status.getOwner()) || (status.getPermission().toShort() & 0022) != 0) {
            LOG.warn("Not using the cached jar {}: it is owned by {} with mode {}; only a cache entry owned by {} and"
                    + " writable by nobody else is trusted", path, status.getOwner(), status.getPermission(), user);
            return false;
        }
        return true;
    }

    /**
     * Whether nobody but the current user and the superuser can replace anything under {@code dir}: it and every
     * ancestor are owned by one of them and writable by no one else, unless sticky.
     */
    private boolean safeChain(Path dir) throws IOException {
        Boolean known = safeDirs.get(dir);
        if (known != null) {
            return known;
        }
        boolean safe = true;
        for (Path p = dir; p != null && safe; p = p.getParent()) {
            FileStatus status = status(p);
            if (status == null) {
                throw new java.io.FileNotFoundException("File does not exist: " + p);
            }
            short mode = status.getPermission().toShort();
            boolean ownerOk = user.equals(status.getOwner()) || superuser.equals(status.getOwner());
            boolean othersCannotWrite = (mode & 0022) == 0 || status.getPermission().getStickyBit();
            if (!ownerOk || !othersCannotWrite) {
                LOG.warn("Not using the jar cache {}: {} is owned by {} with mode {}, so another user could replace"
                        + " what it holds. Jars go to a private location instead (APPLICATION visibility: NodeManagers"
                        + " do not share them across applications). Fix: make {} owned by {} and not writable by group"
                        + " or others, or point {} at such a directory.", dir, p, status.getOwner(),
                        status.getPermission(), p, user, dir.equals(privateRoot) ? "weft.yarn.stagingDir"
                                : "weft.yarn.jarCacheDir");
                safe = false;
            }
        }
        safeDirs.put(dir, safe);
        return safe;
    }
}
