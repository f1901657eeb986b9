package io.weft.runtime.files;

import java.io.File;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Creates an application's data at rest so that only its owner can read it: directories 0700, files 0600, on a
 * Hadoop {@link FileSystem} (shuffle files, broadcasts, the driver's journal) and on local disk (spill files).
 *
 * <p>The modes are passed at creation, never left to the umask. A file system applies its umask
 * ({@code fs.permissions.umask-mode}) to the mode given to {@code create} and {@code mkdirs}; a umask only clears
 * bits, so a file created 0600 can never come out wider than 0600, and files need no second call. Directories
 * are set again with {@code setPermission} after {@code mkdirs}: on the local file system the implicit parents and
 * a directory that already existed keep whatever mode they had.
 *
 * <p>Stateless and thread-safe. Failures surface as the file system's {@link IOException}.
 */
public final class OwnerOnly {

    /** rwx------ */
    public static final FsPermission DIRECTORY = new FsPermission((short) 0700);
    /** rw------- */
    public static final FsPermission FILE = new FsPermission((short) 0600);

    private static final Set<PosixFilePermission> LOCAL_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> LOCAL_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private OwnerOnly() {
    }

    /**
     * Creates a directory (and missing parents) and sets its own mode to 0700; parents keep the file system's
     * defaults. Idempotent.
     *
     * @param fs the file system
     * @param dir the directory
     * @throws IOException when it cannot be created or its mode set (e.g. it belongs to another user)
     */
    public static void mkdirs(FileSystem fs, Path dir) throws IOException {
        if (!fs.mkdirs(dir, DIRECTORY)) {
            throw new IOException("mkdirs(" + dir + ") returned false");
        }
        fs.setPermission(dir, DIRECTORY);
    }

    /**
     * Creates a directory 0700 inside an existing one: a parent deleted by its owner's cleanup is not made again by
     * a late writer. Hadoop's {@code FileSystem} has no non-recursive mkdir, so the parent is checked first: this
     * narrows the window in which a concurrent delete of the parent is undone to the two calls, rather than closing
     * it. Idempotent.
     *
     * @param fs the file system
     * @param dir the directory
     * @throws java.io.FileNotFoundException when its parent does not exist
     * @throws IOException when it cannot be created or its mode set
     */
    public static void mkdirInExistingDirectory(FileSystem fs, Path dir) throws IOException {
        if (!fs.getFileStatus(dir.getParent()).isDirectory()) {
            throw new java.io.FileNotFoundException("Not a directory: " + dir.getParent());
        }
        mkdirs(fs, dir);
    }

    /**
     * Creates a per-application directory 0700 under a root of such directories; a root this call creates is the
     * user's own, so it is made 0700 too, while an existing root (perhaps shared, 1777) is left alone. The root's
     * parents keep the file system's defaults. Idempotent.
     *
     * @param fs the file system
     * @param dir the per-application directory
     * @throws IOException when a directory cannot be created or its mode set
     */
    public static void mkdirsUnderRoot(FileSystem fs, Path dir) throws IOException {
        Path root = dir.getParent();
        if (root != null && !fs.exists(root)) {
            fs.mkdirs(root.getParent());
            mkdirs(fs, root);
        }
        mkdirs(fs, dir);
    }

    /**
     * Creates a file 0600 with the file system's default buffer, replication and block size.
     *
     * @param fs the file system
     * @param file the file; its parent should exist already (made by {@link #mkdirs}), or it is created with the
     *     file system's defaults
     * @param overwrite whether an existing file is replaced
     * @return the open stream
     * @throws IOException when the file cannot be created
     */
    public static FSDataOutputStream create(FileSystem fs, Path file, boolean overwrite) throws IOException {
        return fs.create(file, FILE, overwrite, fs.getConf().getInt("io.file.buffer.size", 4096),
                fs.getDefaultReplication(file), fs.getDefaultBlockSize(file), null);
    }

    /**
     * Creates a file 0600.
     *
     * @param fs the file system
     * @param file the file
     * @param overwrite whether an existing file is replaced
     * @param bufferSize the stream's buffer
     * @param replication the file's replication
     * @param blockSize the file's block size
     * @return the open stream
     * @throws IOException when the file cannot be created
     */
    public static FSDataOutputStream create(FileSystem fs, Path file, boolean overwrite, int bufferSize,
            short replication, long blockSize) throws IOException {
        return fs.create(file, FILE, overwrite, bufferSize, replication, blockSize, null);
    }

    /**
     * Creates a file 0600 in a directory that must already exist: unlike {@link #create}, never makes missing
     * parents. Shuffle files use it, so that an executor still committing map outputs after the application's
     * directory was deleted (a killed application, cleaned up by its ApplicationMaster) fails instead of making
     * the directory again, where nothing would ever delete it.
     *
     * @param fs the file system
     * @param file the file
     * @param overwrite whether an existing file is replaced
     * @param bufferSize the stream's buffer
     * @param replication the file's replication
     * @param blockSize the file's block size
     * @return the open stream
     * @throws java.io.FileNotFoundException when the directory does not exist
     * @throws IOException when the file cannot be created
     */
    public static FSDataOutputStream createInExistingDirectory(FileSystem fs, Path file, boolean overwrite,
            int bufferSize, short replication, long blockSize) throws IOException {
        java.util.EnumSet<org.apache.hadoop.fs.CreateFlag> flags = overwrite
                ? java.util.EnumSet.of(org.apache.hadoop.fs.CreateFlag.CREATE, org.apache.hadoop.fs.CreateFlag.OVERWRITE)
                : java.util.EnumSet.of(org.apache.hadoop.fs.CreateFlag.CREATE);
        try {
            return fs.createNonRecursive(file, FILE, flags, bufferSize, replication, blockSize, null);
        } catch (IOException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("createNonRecursive unsupported")) {
                throw e;
            }
        }
        // A file system without it (FileSystem's default throws): check the directory first, a narrower window.
        if (!fs.getFileStatus(file.getParent()).isDirectory()) {
            throw new java.io.FileNotFoundException("Not a directory: " + file.getParent());
        }
        return fs.create(file, FILE, overwrite, bufferSize, replication, blockSize, null);
    }

    /**
     * Creates a local directory (and missing parents, with the default modes) and makes it 0700 when this call
     * created it; an existing directory is left as it is (it may be a shared root such as {@code /tmp}).
     *
     * @param dir the directory
     * @throws IOException when it cannot be created
     */
    public static void createLocalDirectory(File dir) throws IOException {
        java.nio.file.Path path = dir.toPath();
        if (Files.isDirectory(path)) {
            return;
        }
        Files.createDirectories(path.getParent());
        try {
            Files.createDirectory(path, PosixFilePermissions.asFileAttribute(LOCAL_DIRECTORY));
            Files.setPosixFilePermissions(path, LOCAL_DIRECTORY); // the umask applied to the line above
        } catch (FileAlreadyExistsException raced) {
            // another thread made it first
        }
    }

    /**
     * Creates a new, uniquely named local file, 0600 (the JDK's own mode for temporary files, whatever the
     * umask), in a directory made with {@link #createLocalDirectory} if missing.
     *
     * @param dir the directory
     * @param prefix the name's prefix
     * @param suffix the name's suffix
     * @return the empty file
     * @throws IOException when it cannot be created
     */
    public static File createLocalTempFile(File dir, String prefix, String suffix) throws IOException {
        createLocalDirectory(dir);
        return Files.createTempFile(dir.toPath(), prefix, suffix, PosixFilePermissions.asFileAttribute(LOCAL_FILE))
                .toFile();
    }
}
