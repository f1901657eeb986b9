package io.weft.driver;

import io.weft.api.WeftException;
import io.weft.api.spi.FilesRoot;
import io.weft.conf.ConfigKeys;
import io.weft.conf.WeftConf;
import io.weft.runtime.files.ShippedClassLoader;
import io.weft.runtime.files.ShippedFile;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's side of {@code WeftSession.addFile} / {@code addJar}. An added file is copied twice: once to
 * {@code <shuffle dir>/weft-shipped/} (the published copy, on the file system every executor reaches: HDFS on
 * YARN; removed with the shuffle directory), once into this JVM's files directory, where {@code WeftFiles} finds
 * it on the driver. An added jar also joins the driver's task class loader, so results holding its classes can
 * be read. The list of added things travels with every stage serialized afterwards ({@link #current()}), and
 * executors fetch what they lack ({@link io.weft.runtime.files.FileFetcher}).
 *
 * <p>The files directory is a YARN container's working directory in cluster mode (where {@code --files} are),
 * else {@code weft-files-<app>} under {@code weft.local.dir} (or {@code java.io.tmpdir}), deleted at close.
 * Thread-safe: user threads add, the scheduler thread reads {@link #current()}.
 */
final class DriverFiles implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DriverFiles.class);

    /** The published copies' directory, under the application's shuffle directory. */
    static final String PUBLISHED_DIR = "weft-shipped";

    private final Configuration hadoopConf;
    private final Path published;
    private final File filesDir;
    private final File jarsDir;
    private final boolean ownsFilesDir;
    private final ShippedClassLoader loader;
    private final List<ShippedFile> added = new CopyOnWriteArrayList<>();
    private final Map<String, String> sources = new ConcurrentHashMap<>();

    /**
     * Sets this JVM's {@link FilesRoot}.
     *
     * @param applicationId the application
     * @param conf its settings
     * @param hadoopConf the Hadoop configuration
     * @param shuffleDir the application's shuffle directory
     * @param loader the driver's task class loader
     * @throws WeftException when the local directories cannot be made
     */
    DriverFiles(String applicationId, WeftConf conf, Configuration hadoopConf, Path shuffleDir,
            ShippedClassLoader loader) {
        this.hadoopConf = hadoopConf;
        this.published = new Path(shuffleDir, PUBLISHED_DIR);
        this.loader = loader;
        this.ownsFilesDir = System.getenv("CONTAINER_ID") == null;
        String localRoot = conf.get(ConfigKeys.LOCAL_DIR);
        File scratch = new File(localRoot != null ? localRoot : System.getProperty("java.io.tmpdir"));
        this.filesDir = ownsFilesDir ? new File(scratch, "weft-files-" + applicationId).getAbsoluteFile()
                : new File(System.getProperty("user.dir")).getAbsoluteFile();
        this.jarsDir = new File(scratch, "weft-jars-" + applicationId).getAbsoluteFile();
        try {
            Files.createDirectories(filesDir.toPath());
        } catch (IOException e) {
            throw new WeftException("Cannot create the driver's files directory " + filesDir + ": " + e.getMessage()
                    + ". Fix: point " + ConfigKeys.LOCAL_DIR.name() + " at a writable local directory.", e);
        }
        FilesRoot.set(filesDir.getPath());
    }

    /**
     * Adds a file or jar; adding the same path again does nothing (Spark's rule), adding another path with the same
     * name fails. Called on user threads.
     *
     * @param path a local path or Hadoop URI
     * @param name the name it gets ({@code weft.files}' {@code path#name}), or null for the path's own
     * @param jar whether it is a jar
     * @throws WeftException when it does not exist, is a directory, its name is taken, or copying fails
     */
    synchronized void add(String path, String name, boolean jar) {
        String what = jar ? "addJar" : "addFile";
        Path source = qualify(path);
        String fileName = name != null ? name : source.getName();
        String key = (jar ? "jar:" : "file:") + fileName;
        String earlier = sources.get(key);
        if (earlier != null) {
            if (!earlier.equals(source.toString())) {
                throw new WeftException(what + "(" + path + "): another " + (jar ? "jar" : "file") + " named "
                        + fileName + " was added already, from " + earlier + ". Fix: rename one of them.");
            }
            LOG.info("{} was added already; {} does nothing", source, what);
            return;
        }
        // Whole seconds: the local copies' modification time is the timestamp, and file systems may round it.
        long timestamp = System.currentTimeMillis() / 1000 * 1000;
        Path target = new Path(published, (jar ? "jars/" : "files/") + fileName);
        File local = new File(jar ? jarsDir : filesDir, fileName);
        try {
            FileSystem fs = source.getFileSystem(hadoopConf);
            FileStatus status = fs.getFileStatus(source);
            if (status.isDirectory()) {
                throw new WeftException(what + "(" + path + "): it is a directory. Fix: add the files in it, or"
                        + " ship an archive with WeftSubmit --archives.");
            }
            // Published inside the application's shuffle directory, and like everything there the owner's only.
            FileSystem targetFs = target.getFileSystem(hadoopConf);
            io.weft.runtime.files.OwnerOnly.mkdirs(targetFs, published);
            io.weft.runtime.files.OwnerOnly.mkdirs(targetFs, target.getParent());
            FileUtil.copy(fs, source, targetFs, target, false, true, hadoopConf);
            targetFs.setPermission(target, io.weft.runtime.files.OwnerOnly.FILE);
            Files.createDirectories(local.getParentFile().toPath());
            if (!local.getAbsoluteFile().toURI().equals(source.toUri())) {
                fs.copyToLocalFile(false, source, new Path(local.toURI()), true);
            }
            local.setLastModified(timestamp);
        } catch (java.io.FileNotFoundException e) {
            throw new WeftException(what + "(" + path + "): " + source + " does not exist. Fix: correct the path.",
                    e);
        } catch (IOException e) {
            throw new WeftException(what + "(" + path + ") failed: " + e.getMessage() + ". Fix: check that the"
                    + " path is readable and " + ConfigKeys.SHUFFLE_DIR.name() + " writable.", e);
        }
        if (jar) {
            loader.addJar(local);
        }
        sources.put(key, source.toString());
        added.add(new ShippedFile(fileName, target.toString(), timestamp, jar));
        LOG.info("Added {} {}: tasks of later jobs get it", jar ? "jar" : "file", source);
    }

    /** A path without a scheme is a local file, resolved against the working directory. */
    private Path qualify(String path) {
        Path p = new Path(path);
        if (p.toUri().getScheme() == null) {
            return new Path(new File(path).getAbsoluteFile().toURI());
        }
        return p;
    }

    /** @return what has been added so far, in order; called by the stage serializer */
    List<ShippedFile> current() {
        return List.copyOf(added);
    }

    /** Deletes the local copies (the published ones go with the shuffle directory). */
    @Override
    public void close() {
        if (filesDir.getPath().equals(FilesRoot.get())) {
            FilesRoot.set(null);
        }
        if (ownsFilesDir) {
            FileUtil.fullyDelete(filesDir);
        }
        FileUtil.fullyDelete(jarsDir);
    }
}
