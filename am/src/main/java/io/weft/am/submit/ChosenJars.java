package io.weft.am.submit;

import io.weft.conf.WeftConf;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.yarn.conf.YarnConfiguration;

/**
 * The class path entries a submission stages, and which of them are the application's own: chosen from this JVM's
 * class path alone (jar scans, the cluster's class path setting), so it can run on a thread of its own while the
 * ResourceManager answers.
 *
 * @param staged the entries to stage, in class path order ({@link Staging#withoutClusterJars})
 * @param applicationJars those of them that are the application's, staged privately ({@link Staging#applicationJars})
 */
record ChosenJars(List<String> staged, Set<String> applicationJars) {

    /**
     * Any thread; reads only local files and the given settings.
     *
     * @param mainClass the program's main class, or null when it is the class this JVM was started with
     * @param conf the application's settings
     * @param yarn the client's Hadoop configuration
     * @param environment the client's environment
     * @return the choice
     */
    static ChosenJars choose(String mainClass, WeftConf conf, YarnConfiguration yarn,
            Map<String, String> environment) {
        List<String> classPath = Staging.driverClassPath();
        Set<String> applicationJars = Staging.applicationJars(classPath, mainClass,
                System.getProperty("sun.java.command"));
        return new ChosenJars(Staging.withoutClusterJars(classPath, applicationJars, conf, yarn, environment),
                applicationJars);
    }
}
