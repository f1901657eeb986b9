package io.weft.yarnconf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.api.records.LocalResource;
import org.apache.hadoop.yarn.api.records.LocalResourceType;
import org.apache.hadoop.yarn.api.records.LocalResourceVisibility;
import org.apache.hadoop.yarn.api.records.URL;

/**
 * What an application's staging directory holds, as the containers see it: the contract between the client that
 * writes it ({@code io.weft.am.submit.Staging}) and whoever launches a container from it (the client for the
 * ApplicationMaster, the ApplicationMaster for executors).
 *
 * <ul>
 *   <li>{@value #MANIFEST}: one line per jar a container gets: link name, qualified path, visibility (PUBLIC for
 *       jars in the shared jar cache, APPLICATION for the application's own).</li>
 *   <li>The client's Hadoop configuration, localized as {@code core-site.xml} and {@code yarn-site.xml}.</li>
 *   <li>{@value #APP_FILE}: the application's settings, main class and arguments (cluster mode).</li>
 *   <li>{@code weft-launch.sh} (optional, {@code weft.yarn.classDataSharing}): present, the AM and the executors
 *       start through it ({@link ContainerCommands#command}).</li>
 *   <li>{@value #FILES_MANIFEST} (optional): one line per shipped file or archive ({@code --files},
 *       {@code --archives}): link name in the working directory, qualified path, FILE or ARCHIVE, visibility.
 *       Local ones were uploaded as {@value #SHIPPED_DIR}{@code /<link name>/<file name>} (the NodeManager extracts an
 *       archive by its file name's extension); remote ones are localized from where they are.</li>
 * </ul>
 */
public final class StagingLayout {

    /** The file that lists every jar a container gets: link name, path, visibility. */
    public static final String MANIFEST = "weft-jars.txt";

    /** The file that lists every shipped file and archive: link name, path, type, visibility. */
    public static final String FILES_MANIFEST = "weft-files.txt";

    /** The staging subdirectory holding uploaded --files and --archives. */
    public static final String SHIPPED_DIR = "shipped";

    /** The application description the client stages for a cluster-mode ApplicationMaster. */
    public static final String APP_FILE = "weft-app.properties";

    /**
     * Staged copies of the client's Hadoop configuration and the names containers see them under. Two files, not
     * two links to one: a NodeManager localizes a file once per container, under one name, and without a
     * yarn-site.xml the values of yarn-default.xml would override the ResourceManager's addresses.
     */
    public static final Map<String, String> CONF_FILES = Map.of("weft-core-site.xml", "core-site.xml",
            "weft-yarn-site.xml", "yarn-site.xml", APP_FILE, APP_FILE, ContainerCommands.LAUNCH_SCRIPT,
            ContainerCommands.LAUNCH_SCRIPT);

    /** The staged names of the client's Hadoop configuration (each a full copy of it). */
    public static final java.util.List<String> HADOOP_CONF_FILES = java.util.List.of("weft-core-site.xml",
            "weft-yarn-site.xml");

    private StagingLayout() {
    }

    /**
     * The staged jars as resources for a container, under {@code <folder>/<name>}, and the configuration files.
     *
     * @param fs the file system
     * @param dir the staging directory
     * @param folder the folder inside the container's working directory
     * @return link name to resource, the jars in the manifest's order (which is the class path's)
     * @throws IOException when the directory or the manifest cannot be read
     */
    public static Map<String, LocalResource> localResources(FileSystem fs, Path dir, String folder)
            throws IOException {
        Map<String, LocalResource> resources = new LinkedHashMap<>();
        for (FileStatus status : fs.listStatus(dir)) {
            String linkName = CONF_FILES.get(status.getPath().getName());
            if (status.isFile() && linkName != null) {
                resources.put(linkName, resource(fs, status, LocalResourceVisibility.APPLICATION));
            }
        }
        String manifest;
        try (var in = fs.open(new Path(dir, MANIFEST))) {
            manifest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String line : manifest.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.split("\t");
            Path path = new Path(fields[1]);
            FileStatus status = path.getFileSystem(fs.getConf()).getFileStatus(path);
            resources.put(folder + "/" + fields[0], resource(fs, status, LocalResourceVisibility.valueOf(fields[2])));
        }
        Path files = new Path(dir, FILES_MANIFEST);
        if (fs.exists(files)) {
            try (var in = fs.open(files)) {
                manifest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            for (String line : manifest.split("\n")) {
                if (!line.isBlank()) {
                    String[] fields = line.split("\t");
                    Path path = new Path(fields[1]);
                    FileStatus status = path.getFileSystem(fs.getConf()).getFileStatus(path);
                    resources.put(fields[0], resource(status, LocalResourceType.valueOf(fields[2]),
                            LocalResourceVisibility.valueOf(fields[3])));
                }
            }
        }
        return resources;
    }

    private static LocalResource resource(FileSystem fs, FileStatus status, LocalResourceVisibility visibility) {
        return resource(status, LocalResourceType.FILE, visibility);
    }

    /** The status's path is qualified already: it may be on another file system than the staging directory's. */
    private static LocalResource resource(FileStatus status, LocalResourceType type,
            LocalResourceVisibility visibility) {
        return LocalResource.newInstance(URL.fromPath(status.getPath()), type, visibility, status.getLen(),
                status.getModificationTime());
    }
}
