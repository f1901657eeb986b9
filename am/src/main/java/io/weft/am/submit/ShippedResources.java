package io.weft.am.submit;

import io.weft.api.WeftException;
import io.weft.conf.ConfigKeys;
import io.weft.conf.ShipList;
import io.weft.conf.WeftConf;
import io.weft.yarnconf.ContainerCommands;
import io.weft.yarnconf.StagingLayout;
import io.weft.yarnconf.YarnConfigKeys;
import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code --jars}, {@code --files} and {@code --archives} ({@code weft.jars}, {@code weft.files},
 * {@code weft.archives}) ship, as spark-submit does on YARN: checked before anything is submitted, then staged for
 * the NodeManagers to localize into every container (the ApplicationMaster's and the executors'). Local jars are
 * the user's, so they go into the private jar cache ({@link JarCache}; localized under
 * {@link ContainerCommands#JARS_DIR}, on the class path); local files and archives are uploaded to the private
 * staging directory; remote ones (any scheme but {@code file:}) are localized from where they are, without a copy.
 * Jars, files and archives get APPLICATION visibility, never PUBLIC.
 */
final class ShippedResources {

    private static final Logger LOG = LoggerFactory.getLogger(ShippedResources.class);

    /** Names in a container's working directory that Weft uses itself. */
    private static final Set<String> RESERVED = Set.of(ContainerCommands.JARS_DIR, "tmp", "core-site.xml",
            "yarn-site.xml", StagingLayout.APP_FILE, ContainerCommands.LOG4J_CONFIG,
            ContainerCommands.LAUNCH_SCRIPT);

    private ShippedResources() {
    }

    /**
     * Checks every shipped path before submission.
     *
     * @param conf the validated settings
     * @param hadoop the client's Hadoop configuration, for remote paths
     * @return one line per path that does not exist (or cannot be checked), naming it; empty when all exist
     * @throws WeftException when an entry is malformed, two files or archives share a name, or one takes a name
     *     Weft uses
     */
    static List<String> missing(WeftConf conf, Configuration hadoop) {
        List<ShipList.Entry> all = new ArrayList<>(ShipList.parse(conf.get(ConfigKeys.JARS)));
        List<ShipList.Entry> inWorkDir = workDirEntries(conf);
        all.addAll(inWorkDir);
        List<String> missing = new ArrayList<>();
        for (ShipList.Entry entry : all) {
            try {
                boolean exists = entry.local() ? localFile(entry).isFile()
                        : new Path(entry.source()).getFileSystem(hadoop).exists(new Path(entry.source()));
                if (!exists) {
                    missing.add(entry.source());
                }
            } catch (IOException | RuntimeException e) {
                missing.add(entry.source() + " (could not check: " + e.getMessage() + ")");
            }
        }
        return missing;
    }

    private static List<ShipList.Entry> workDirEntries(WeftConf conf) {
        List<ShipList.Entry> entries = new ArrayList<>(ShipList.parse(conf.get(ConfigKeys.FILES)));
        entries.addAll(ShipList.parse(conf.get(YarnConfigKeys.ARCHIVES)));
        ShipList.checkUniqueNames(entries);
        for (ShipList.Entry entry : entries) {
            if (RESERVED.contains(entry.linkName())) {
                throw new WeftException("Cannot ship " + entry.source() + " as '" + entry.linkName() + "': Weft uses"
                        + " that name in the containers' working directory. Fix: rename it with path#othername.");
            }
        }
        return entries;
    }

    /**
     * Stages the shipped jars (appended to {@link StagingLayout#MANIFEST}, which {@link Staging#upload} wrote) and
     * files and archives ({@link StagingLayout#FILES_MANIFEST}).
     *
     * @param fs the staging directory's file system
     * @param stagingDir the application's staging directory
     * @param jarCache the shared jar cache
     * @param conf the settings
     * @throws WeftException when a path is missing or an upload fails
     */
    static void stage(FileSystem fs, Path stagingDir, Path jarCache, WeftConf conf) {
        List<String> missing = missing(conf, fs.getConf());
        if (!missing.isEmpty()) {
            throw new WeftException("Cannot ship " + missing + ": no such file. Fix: correct weft.jars, weft.files or"
                    + " weft.archives (--jars, --files, --archives).");
        }
        try {
            Path manifestPath = new Path(stagingDir, StagingLayout.MANIFEST);
            String manifest;
            try (var in = fs.open(manifestPath)) {
                manifest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            StringBuilder jars = new StringBuilder(manifest);
            int index = 0;
            JarCache cache = new JarCache(fs, jarCache, stagingDir,
                    conf.get(YarnConfigKeys.REMEMBER_VERIFIED_JARS));
            for (ShipList.Entry jar : ShipList.parse(conf.get(ConfigKeys.JARS))) {
                String link = String.format("user-%03d-%s", index++, jar.linkName());
                Path path;
                String visibility;
                if (jar.local()) {
                    // The user's jars are the application's: the private cache, never PUBLIC.
                    JarCache.Placed placed = cache.place(localFile(jar), true);
                    path = placed.path();
                    visibility = placed.visibility();
                } else {
                    path = qualified(jar, fs.getConf());
                    visibility = "APPLICATION";
                }
                // In client mode the driver's class path, staged already, holds the local jars too.
                if (!manifest.contains("\t" + path + "\t")) {
                    jars.append(link).append('\t').append(path).append('\t').append(visibility).append('\n');
                }
            }
            try (var out = fs.create(manifestPath, true)) {
                out.write(jars.toString().getBytes(StandardCharsets.UTF_8));
            }
            cache.saveVerified();
            StringBuilder files = new StringBuilder();
            List<ShipList.Entry> archives = ShipList.parse(conf.get(YarnConfigKeys.ARCHIVES));
            for (ShipList.Entry entry : workDirEntries(conf)) {
                Path path;
                if (entry.local()) {
                    // Under its own name: the NodeManager picks how to extract an archive by its extension.
                    File file = localFile(entry);
                    path = fs.makeQualified(new Path(new Path(new Path(stagingDir, StagingLayout.SHIPPED_DIR),
                            entry.linkName()), file.getName()));
                    fs.copyFromLocalFile(false, true, new Path(file.toURI()), path);
                } else {
                    path = qualified(entry, fs.getConf());
                }
                files.append(entry.linkName()).append('\t').append(path).append('\t')
                        .append(archives.contains(entry) ? "ARCHIVE" : "FILE").append("\tAPPLICATION\n");
            }
            if (files.length() > 0) {
                try (var out = fs.create(new Path(stagingDir, StagingLayout.FILES_MANIFEST), true)) {
                    out.write(files.toString().getBytes(StandardCharsets.UTF_8));
                }
                LOG.info("Shipping to every container: {}", files.toString().trim().replace('\n', ';'));
            }
        } catch (IOException e) {
            throw new WeftException("Could not stage the shipped jars and files: " + e.getMessage()
                    + ". Fix: check that the default file system is reachable and writable (weft.yarn.stagingDir).",
                    e);
        }
    }

    /**
     * Client mode: the program's class loader with the shipped jars, remote ones downloaded first.
     *
     * @param conf the settings
     * @param hadoop the client's Hadoop configuration
     * @param parent the class loader that has Weft and the application
     * @return {@code parent} when no jars are shipped, else a loader over it with them
     * @throws IOException when a remote jar cannot be downloaded
     */
    static ClassLoader driverClassLoader(WeftConf conf, Configuration hadoop, ClassLoader parent)
            throws IOException {
        List<ShipList.Entry> jars = ShipList.parse(conf.get(ConfigKeys.JARS));
        if (jars.isEmpty()) {
            return parent;
        }
        List<URL> urls = new ArrayList<>();
        File downloads = null;
        for (ShipList.Entry jar : jars) {
            File file;
            if (jar.local()) {
                file = localFile(jar);
            } else {
                if (downloads == null) {
                    downloads = Files.createTempDirectory("weft-jars-").toFile();
                    downloads.deleteOnExit();
                }
                file = new File(downloads, jar.linkName());
                Path source = new Path(jar.source());
                source.getFileSystem(hadoop).copyToLocalFile(false, source, new Path(file.toURI()), true);
                file.deleteOnExit();
            }
            try {
                urls.add(file.getAbsoluteFile().toURI().toURL());
            } catch (MalformedURLException e) {
                throw new IOException(e);
            }
        }
        return new URLClassLoader(urls.toArray(new URL[0]), parent);
    }

    private static Path qualified(ShipList.Entry entry, Configuration conf) throws IOException {
        Path path = new Path(entry.source());
        return path.getFileSystem(conf).makeQualified(path);
    }

    private static File localFile(ShipList.Entry entry) {
        return entry.source().startsWith("file:") ? new File(URI.create(entry.source()).getPath())
                : new File(entry.source());
    }
}
