package io.weft.yarnconf;

import io.weft.conf.WeftConf;
import java.io.File;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.conf.YarnConfiguration;

/**
 * Loads the cluster's Hadoop configuration the way Hadoop tools do: the {@code *-site.xml} files of
 * {@code weft.yarn.hadoopConfDir}, else {@code HADOOP_CONF_DIR} and {@code YARN_CONF_DIR}, then every
 * {@code weft.hadoop.X} setting as {@code X}.
 */
public final class HadoopConfigurations {

    private static final List<String> SITE_FILES = List.of("core-site.xml", "hdfs-site.xml", "yarn-site.xml",
            "mapred-site.xml");

    private HadoopConfigurations() {
    }

    /**
     * @param conf the session's settings
     * @param environment the process environment ({@code System.getenv()})
     * @return the YARN configuration
     */
    public static YarnConfiguration load(WeftConf conf, Map<String, String> environment) {
        YarnConfiguration yarn = new YarnConfiguration();
        String explicit = conf.get(YarnConfigKeys.HADOOP_CONF_DIR);
        if (explicit != null) {
            addSiteFiles(yarn, explicit);
        } else {
            for (String variable : List.of("HADOOP_CONF_DIR", "YARN_CONF_DIR")) {
                String dir = environment.get(variable);
                if (dir != null && !dir.isBlank()) {
                    addSiteFiles(yarn, dir);
                }
            }
        }
        return new YarnConfiguration(conf.hadoopConfiguration(yarn));
    }

    /**
     * @param conf the session's settings
     * @param environment the process environment
     * @return where {@link #load} found the cluster's configuration, for messages: the setting or variable and
     *     its directory, or a sentence saying that none is set and Hadoop's defaults apply
     */
    public static String describeSource(WeftConf conf, Map<String, String> environment) {
        String explicit = conf.get(YarnConfigKeys.HADOOP_CONF_DIR);
        if (explicit != null) {
            return YarnConfigKeys.HADOOP_CONF_DIR.name() + "=" + explicit;
        }
        List<String> found = new java.util.ArrayList<>();
        for (String variable : List.of("HADOOP_CONF_DIR", "YARN_CONF_DIR")) {
            String dir = environment.get(variable);
            if (dir != null && !dir.isBlank()) {
                found.add(variable + "=" + dir);
            }
        }
        return found.isEmpty() ? "no HADOOP_CONF_DIR or YARN_CONF_DIR is set, so Hadoop's built-in defaults apply"
                : String.join(", ", found);
    }

    private static void addSiteFiles(Configuration conf, String dir) {
        for (String name : SITE_FILES) {
            File file = new File(dir, name);
            if (file.isFile()) {
                conf.addResource(new Path(file.toURI()));
            }
        }
    }
}
