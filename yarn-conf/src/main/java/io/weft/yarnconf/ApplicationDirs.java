package io.weft.yarnconf;

import io.weft.conf.ConfigKeys;
import io.weft.conf.WeftConf;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where a YARN application's files live on the cluster's file system, by default under the user's home directory:
 * {@code .weft/staging/<app>} (jars and configuration for its containers, {@code weft.yarn.stagingDir}),
 * {@code .weft/shuffle/<app>} (map outputs, broadcasts, the journal, {@code weft.shuffle.dir}) and the shared jar
 * cache {@code .weft/jars} ({@code weft.yarn.jarCacheDir}). The one place these defaults are written.
 */
public final class ApplicationDirs {

    private ApplicationDirs() {
    }

    /**
     * @param conf the settings
     * @param fs the default file system
     * @return the parent of per-application staging directories, qualified
     */
    public static Path stagingRoot(WeftConf conf, FileSystem fs) {
        return under(fs, conf.get(YarnConfigKeys.STAGING_DIR), ".weft/staging");
    }

    /**
     * @param conf the settings
     * @param fs the default file system
     * @return the parent of per-application shuffle directories, qualified
     */
    public static Path shuffleRoot(WeftConf conf, FileSystem fs) {
        return under(fs, conf.get(ConfigKeys.SHUFFLE_DIR), ".weft/shuffle");
    }

    /**
     * @param conf the settings
     * @param fs the default file system
     * @return the shared, world-readable jar cache, qualified
     */
    public static Path jarCache(WeftConf conf, FileSystem fs) {
        return under(fs, conf.get(YarnConfigKeys.JAR_CACHE_DIR), ".weft/jars");
    }

    /**
     * @param conf the settings
     * @param fs the default file system
     * @return the staging root, then the shuffle root: the parents of per-application directories, which the
     *     janitor cleans
     */
    public static List<Path> applicationRoots(WeftConf conf, FileSystem fs) {
        return List.of(stagingRoot(conf, fs), shuffleRoot(conf, fs));
    }

    /**
     * @param conf validated settings
     * @param fs the default file system
     * @return the same settings with {@code weft.shuffle.dir} set to the shuffle root, so that the driver and its
     *     executors agree on it
     */
    public static WeftConf withShuffleRoot(WeftConf conf, FileSystem fs) {
        Map<String, String> settings = new HashMap<>(conf.asMap());
        settings.put(ConfigKeys.SHUFFLE_DIR.name(), shuffleRoot(conf, fs).toString());
        return WeftConf.fromValidated(settings);
    }

    private static Path under(FileSystem fs, String configured, String defaultUnderHome) {
        return fs.makeQualified(configured != null ? new Path(configured) : new Path(fs.getHomeDirectory(),
                defaultUnderHome));
    }
}
