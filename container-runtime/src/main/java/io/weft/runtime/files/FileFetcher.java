package io.weft.runtime.files;

import io.weft.api.WeftException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings an executor up to date with the files and jars added to its application, before a task is deserialized:
 * each one it has not got at that timestamp is copied from the driver's published copy (any Hadoop file system)
 * into the files directory, or the jars directory and the task class loader. Copies go through a temporary name
 * and a rename, so a task never reads half a file; a local copy already there with the entry's timestamp as its
 * modification time (the driver's own, in local mode) is kept. One per executor; task threads call it
 * concurrently (it serializes them).
 */
public final class FileFetcher {

    private static final Logger LOG = LoggerFactory.getLogger(FileFetcher.class);

    private final Configuration hadoopConf;
    private final File filesDir;
    private final File jarsDir;
    private final ShippedClassLoader loader;
    private final Map<String, Long> fetched = new HashMap<>();

    /**
     * @param hadoopConf to reach the published copies
     * @param filesDir where files go ({@code WeftFiles.getRootDirectory()} in this JVM)
     * @param jarsDir where jars go
     * @param loader the task class loader, which gets the jars
     */
    public FileFetcher(Configuration hadoopConf, File filesDir, File jarsDir, ShippedClassLoader loader) {
        this.hadoopConf = hadoopConf;
        this.filesDir = filesDir;
        this.jarsDir = jarsDir;
        this.loader = loader;
    }

    /** @return where files go */
    public File filesDir() {
        return filesDir;
    }

    /**
     * @param files what the task's stage says the application has added
     * @throws WeftException naming the file when one cannot be fetched (the task fails and is retried)
     */
    public synchronized void fetch(List<ShippedFile> files) {
        for (ShippedFile file : files) {
            Long have = fetched.get(file.name() + (file.jar() ? "/jar" : ""));
            if (have != null && have >= file.timestamp()) {
                continue;
            }
            File target = new File(file.jar() ? jarsDir : filesDir, file.name());
            try {
                if (!(target.isFile() && target.lastModified() == file.timestamp())) {
                    copy(file, target);
                }
            } catch (IOException e) {
                throw new WeftException("Could not fetch " + (file.jar() ? "jar " : "file ") + file.name() + " from "
                        + file.uri() + ": " + e.getMessage() + ". It was added with WeftSession.add"
                        + (file.jar() ? "Jar" : "File") + "; the driver keeps it under weft.shuffle.dir.", e);
            }
            if (file.jar()) {
                loader.addJar(target);
            }
            fetched.put(file.name() + (file.jar() ? "/jar" : ""), file.timestamp());
        }
    }

    private void copy(ShippedFile file, File target) throws IOException {
        Files.createDirectories(target.getParentFile().toPath());
        File temp = new File(target.getParentFile(), "." + target.getName() + "." + Thread.currentThread().getId()
                + ".tmp");
        Path source = new Path(file.uri());
        FileSystem fs = source.getFileSystem(hadoopConf);
        fs.copyToLocalFile(false, source, new Path(temp.toURI()), true);
        if (!temp.setLastModified(file.timestamp())) {
            LOG.debug("Could not set the modification time of {}", temp);
        }
        Files.move(temp.toPath(), target.toPath(), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        LOG.info("Fetched {} {} into {}", file.jar() ? "jar" : "file", file.uri(), target);
    }
}
