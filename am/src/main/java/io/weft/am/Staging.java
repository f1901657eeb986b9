package io.weft.am;

import io.weft.api.WeftException;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.yarn.api.records.LocalResource;
import org.apache.hadoop.yarn.api.records.LocalResourceType;
import org.apache.hadoop.yarn.api.records.LocalResourceVisibility;
import org.apache.hadoop.yarn.api.records.URL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An application's staging directory on the cluster's file system (permissions 700): the jars its containers
 * run, uploaded by the client and localized by the NodeManagers.
 */
public final class Staging {

    private static final Logger LOG = LoggerFactory.getLogger(Staging.class);

    /** Jars a driver's class path may hold that containers must not get: test and mini-cluster tooling. */
    private static final List<String> NOT_SHIPPED = List.of("hadoop-client-minicluster", "junit-", "opentest4j",
            "apiguardian", "assertj-", "surefire", "bcprov-", "bcpkix-", "bcutil-", "mockito", "byte-buddy");

    private Staging() {
    }

    /**
     * Uploads the class path's jars (directories are jarred first).
     *
     * @param fs the cluster's file system
     * @param dir the application's staging directory, created with permissions 700
     * @param classPath the driver's class path entries
     * @throws WeftException when the upload fails
     */
    public static void upload(FileSystem fs, org.apache.hadoop.fs.Path dir, List<String> classPath) {
        try {
            fs.mkdirs(dir, new FsPermission((short) 0700));
            fs.setPermission(dir, new FsPermission((short) 0700));
            long bytes = 0;
            int files = 0;
            int index = 0;
            for (String entry : classPath) {
                File file = new File(entry);
                if (!file.exists() || NOT_SHIPPED.stream().anyMatch(file.getName()::contains)) {
                    continue;
                }
                File jar = file.isDirectory() ? jarDirectory(file, index++) : file;
                if (!jar.getName().endsWith(".jar")) {
                    continue;
                }
                String name = file.isDirectory() ? jar.getName() : String.format("%03d-%s", index++, jar.getName());
                fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(jar.toURI()),
                        new org.apache.hadoop.fs.Path(dir, name));
                bytes += jar.length();
                files++;
                if (file.isDirectory()) {
                    jar.delete();
                }
            }
            LOG.info("Uploaded {} jars ({} MB) to {}", files, bytes >> 20, dir);
        } catch (IOException e) {
            throw new WeftException("Could not upload the application's jars to " + dir + ": " + e.getMessage()
                    + ". Fix: check that the default file system is reachable and writable"
                    + " (weft.yarn.stagingDir).", e);
        }
    }

    private static File jarDirectory(File dir, int index) throws IOException {
        Path jar = Files.createTempFile(String.format("%03d-", index) + dir.getParentFile().getName() + "-"
                + dir.getName() + "-", ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                var paths = Files.walk(dir.toPath())) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                if (Files.isRegularFile(p)) {
                    String name = dir.toPath().relativize(p).toString().replace(File.separatorChar, '/');
                    out.putNextEntry(new JarEntry(name));
                    try (var in = Files.newInputStream(p)) {
                        in.transferTo((OutputStream) out);
                    }
                    out.closeEntry();
                }
            }
        }
        return jar.toFile();
    }

    /**
     * Staged copies of the client's Hadoop configuration and the names containers see them under. Two files, not
     * two links to one: a NodeManager localizes a file once per container, under one name, and without a
     * yarn-site.xml the values of yarn-default.xml would override the ResourceManager's addresses.
     */
    static final Map<String, String> CONF_FILES = Map.of("weft-core-site.xml", "core-site.xml",
            "weft-yarn-site.xml", "yarn-site.xml");

    /**
     * Uploads the client's Hadoop configuration, which containers see as their {@code core-site.xml} and
     * {@code yarn-site.xml}: the AM and executors reach the same ResourceManager and file system as the client.
     *
     * @param fs the file system
     * @param dir the staging directory
     * @param conf the client's configuration
     * @throws IOException on write failure
     */
    public static void uploadConfiguration(FileSystem fs, org.apache.hadoop.fs.Path dir,
            org.apache.hadoop.conf.Configuration conf) throws IOException {
        org.apache.hadoop.conf.Configuration shipped = new org.apache.hadoop.conf.Configuration(conf);
        // Test clusters set a topology class that containers' lean class paths do not have.
        shipped.set("net.topology.node.switch.mapping.impl", "org.apache.hadoop.net.ScriptBasedMapping");
        for (String staged : CONF_FILES.keySet()) {
            try (var out = fs.create(new org.apache.hadoop.fs.Path(dir, staged), true)) {
                shipped.writeXml(out);
            }
        }
    }

    /**
     * The staged jars as resources for a container, under {@code <folder>/<name>}, and the configuration.
     *
     * @param fs the file system
     * @param dir the staging directory
     * @param folder the folder inside the container's working directory
     * @return link name to resource
     * @throws IOException when the directory cannot be listed
     */
    public static Map<String, LocalResource> localResources(FileSystem fs, org.apache.hadoop.fs.Path dir,
            String folder) throws IOException {
        Map<String, LocalResource> resources = new HashMap<>();
        List<FileStatus> statuses = new ArrayList<>(List.of(fs.listStatus(dir)));
        for (FileStatus status : statuses) {
            String linkName = CONF_FILES.get(status.getPath().getName());
            if (status.isFile() && linkName != null) {
                resources.put(linkName, LocalResource.newInstance(URL.fromPath(fs.makeQualified(status.getPath())),
                        LocalResourceType.FILE, LocalResourceVisibility.APPLICATION, status.getLen(),
                        status.getModificationTime()));
            }
            if (status.isFile() && status.getPath().getName().endsWith(".jar")) {
                resources.put(folder + "/" + status.getPath().getName(), LocalResource.newInstance(
                        URL.fromPath(fs.makeQualified(status.getPath())), LocalResourceType.FILE,
                        LocalResourceVisibility.APPLICATION, status.getLen(), status.getModificationTime()));
            }
        }
        return resources;
    }
}
