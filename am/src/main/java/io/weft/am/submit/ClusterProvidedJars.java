package io.weft.am.submit;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which of the client's class-path jars the cluster provides, so that staging leaves them out: on a cluster Weft
 * runs on the cluster's own Hadoop jars. Under {@code yarn jar} the client's class path is its whole Hadoop
 * installation; shipping it would upload (and on every warm submission re-hash) hundreds of MB and put the
 * client's Hadoop ahead of the cluster's in every container.
 *
 * <p>The rule ({@code weft.yarn.shipHadoopJars}):
 * <ul>
 *   <li>The installation is the directories named by the client's {@link #HOME_VARIABLES} (each resolved to its
 *       real path; unset, blank or missing ones ignored). With none, every jar is shipped.</li>
 *   <li>{@code auto}: a jar is left to the cluster when it lies in the installation and the containers' class path
 *       ({@code yarn.application.classpath}, or YARN's default when unset) names it, read with the client's
 *       environment: an entry {@code dir/*} names the jars directly in {@code dir}, an entry ending in
 *       {@code .jar} names that jar, other entries (configuration and class directories) name none.
 *       Variables ({@code {{VAR}}}, {@code $VAR}, {@code ${VAR}}, {@code %VAR%}) are expanded from the client's
 *       environment, {@code HADOOP_COMMON_HOME}, {@code HADOOP_HDFS_HOME}, {@code HADOOP_YARN_HOME} and
 *       {@code HADOOP_MAPRED_HOME} defaulting to {@code HADOOP_HOME} as Hadoop's scripts do; an entry with a
 *       variable the environment lacks names nothing. So jars the containers would not get (YARN's default lacks
 *       {@code share/hadoop/mapreduce}, which holds the {@code org.apache.hadoop.mapreduce} classes Weft's input
 *       and output formats use, and {@code share/hadoop/tools/lib}) are still shipped.</li>
 *   <li>{@code false}: every jar in the installation is left out, named or not.</li>
 *   <li>{@code true}: nothing is left out.</li>
 *   <li>Always shipped: the application's jars and jars named {@code weft-*}, wherever they lie; jars outside the
 *       installation (Weft's dependencies, {@code HADOOP_CLASSPATH} additions elsewhere).</li>
 * </ul>
 * A jar's place is its real parent directory plus its name (a symbolic link to a jar counts where the link is).
 * Pure and stateless apart from reading the local file system; callable on any thread.
 */
public final class ClusterProvidedJars {

    /** The client's environment variables that name a Hadoop installation directory. */
    public static final List<String> HOME_VARIABLES = List.of("HADOOP_HOME", "HADOOP_COMMON_HOME",
            "HADOOP_HDFS_HOME", "HADOOP_YARN_HOME", "HADOOP_MAPRED_HOME");

    private static final Pattern VARIABLE = Pattern.compile(
            "\\{\\{(\\w+)\\}\\}|\\$\\{(\\w+)\\}|\\$(\\w+)|%(\\w+)%");

    private ClusterProvidedJars() {
    }

    /**
     * @param classPath the client's class path entries (as {@link Staging#driverClassPath} lists them)
     * @param applicationJars the entries that are the application's: never left out
     * @param environment the client's environment
     * @param containerClassPath the cluster's part of the containers' class path, unexpanded (see
     *     {@code ContainerCommands.applicationClassPath})
     * @param mode {@code auto}, {@code true} (ship everything) or {@code false} (leave out the whole installation)
     * @return the entries of {@code classPath} (as given, in order) to leave to the cluster
     */
    public static Set<String> select(List<String> classPath, Set<String> applicationJars,
            Map<String, String> environment, List<String> containerClassPath, String mode) {
        Set<String> left = new LinkedHashSet<>();
        List<Path> homes = homes(environment);
        if (mode.equals("true") || homes.isEmpty()) {
            return left;
        }
        Set<Path> namedDirs = new HashSet<>();
        Set<Path> namedJars = new HashSet<>();
        if (mode.equals("auto")) {
            for (String entry : containerClassPath) {
                String expanded = expand(entry, environment);
                if (expanded == null) {
                    continue;
                }
                if (expanded.endsWith("/*") || expanded.endsWith(File.separator + "*")) {
                    Path dir = realPath(new File(expanded.substring(0, expanded.length() - 2)).toPath());
                    if (dir != null) {
                        namedDirs.add(dir);
                    }
                } else if (isJarName(expanded)) {
                    Path jar = place(new File(expanded));
                    if (jar != null) {
                        namedJars.add(jar);
                    }
                }
            }
        }
        for (String entry : classPath) {
            File file = new File(entry);
            if (applicationJars.contains(entry) || !isJarName(file.getName()) || file.getName().startsWith("weft-")
                    || !file.isFile()) {
                continue;
            }
            Path place = place(file);
            if (place == null || homes.stream().noneMatch(place::startsWith)) {
                continue;
            }
            if (mode.equals("false") || namedDirs.contains(place.getParent()) || namedJars.contains(place)) {
                left.add(entry);
            }
        }
        return left;
    }

    /** The installation directories the environment names, as real paths. */
    static List<Path> homes(Map<String, String> environment) {
        List<Path> homes = new ArrayList<>();
        for (String variable : HOME_VARIABLES) {
            String value = environment.get(variable);
            if (value != null && !value.isBlank()) {
                Path home = realPath(new File(value.trim()).toPath());
                if (home != null && home.toFile().isDirectory() && !homes.contains(home)) {
                    homes.add(home);
                }
            }
        }
        return homes;
    }

    /**
     * @return {@code entry} with its variables replaced from {@code environment}, or null when one is missing
     */
    static String expand(String entry, Map<String, String> environment) {
        Matcher matcher = VARIABLE.matcher(entry);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1) != null ? matcher.group(1) : matcher.group(2) != null ? matcher.group(2)
                    : matcher.group(3) != null ? matcher.group(3) : matcher.group(4);
            String value = environment.get(name);
            if ((value == null || value.isBlank()) && HOME_VARIABLES.contains(name)) {
                value = environment.get("HADOOP_HOME");
            }
            if (value == null || value.isBlank()) {
                return null;
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value.trim()));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static boolean isJarName(String name) {
        return name.toLowerCase(Locale.ROOT).endsWith(".jar");
    }

    /** The real path of the file's directory, plus its name; null when the directory does not exist. */
    private static Path place(File file) {
        File parent = file.getAbsoluteFile().getParentFile();
        Path dir = parent == null ? null : realPath(parent.toPath());
        return dir == null ? null : dir.resolve(file.getName());
    }

    private static Path realPath(Path path) {
        try {
            return path.toAbsolutePath().toRealPath();
        } catch (IOException missing) {
            return null;
        }
    }
}
