package io.weft.am.submit;

import io.weft.api.WeftException;
import io.weft.yarnconf.ContainerCommands;
import io.weft.yarnconf.StagingLayout;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An application's staging directory on the cluster's file system (permissions 700): the jars its containers
 * run, uploaded by the client (through the public and private caches of {@link JarCache}) and localized by the
 * NodeManagers.
 */
public final class Staging {

    private static final Logger LOG = LoggerFactory.getLogger(Staging.class);

    /** Jars a driver's class path may hold that containers must not get: test and mini-cluster tooling. */
    private static final List<String> NOT_SHIPPED = List.of("hadoop-client-minicluster", "junit-", "opentest4j",
            "apiguardian", "assertj-", "surefire", "bcprov-", "bcpkix-", "bcutil-", "mockito", "byte-buddy");

    private Staging() {
    }

    /**
     * @param entry a class path entry
     * @return whether staging ships it: false for test and mini-cluster tooling, which containers must not get
     */
    public static boolean shippable(File entry) {
        return NOT_SHIPPED.stream().noneMatch(entry.getName()::contains);
    }

    /**
     * What an upload did.
     *
     * @param uploaded jars copied to the cluster by this upload
     * @param reused jars already in a jar cache (public or private) whose cached copy was verified and reused
     * @param uploadedBytes bytes copied
     * @param remembered how many of {@code reused} were not re-read: verified by an earlier submission and unchanged
     *     since ({@code weft.yarn.rememberVerifiedJars})
     */
    public record Report(List<String> uploaded, List<String> reused, long uploadedBytes, int remembered) {
    }

    /**
     * Stages the class path's jars through the {@link JarCache}: framework jars into the shared, world-readable
     * cache, localized with PUBLIC visibility (NodeManagers keep them across applications); the application's jars
     * ({@code applicationJars}) into the private cache, localized with APPLICATION visibility. Either way a jar is
     * uploaded once per content digest, and a cached copy is reused only once verified. Class directories (the
     * application's own classes during development) are jarred into the private staging directory.
     *
     * @param fs the cluster's file system
     * @param dir the application's staging directory, created with permissions 700
     * @param jarCache the shared jar cache directory
     * @param classPath the driver's class path entries
     * @param applicationJars the entries of {@code classPath} that are the application's, never PUBLIC (see
     *     {@link #applicationJars})
     * @return what was uploaded and what was reused
     * @throws WeftException when the upload fails
     */
    public static Report upload(FileSystem fs, org.apache.hadoop.fs.Path dir, org.apache.hadoop.fs.Path jarCache,
            List<String> classPath, Set<String> applicationJars) {
        return upload(fs, dir, jarCache, classPath, applicationJars, true);
    }

    /**
     * {@link #upload(FileSystem, org.apache.hadoop.fs.Path, org.apache.hadoop.fs.Path, List, Set)} with
     * {@code weft.yarn.rememberVerifiedJars} given: when true, a cached copy verified by an earlier submission and
     * unchanged since (see {@link VerifiedJars}) is reused without re-reading it.
     *
     * @param fs the cluster's file system
     * @param dir the application's staging directory, created with permissions 700
     * @param jarCache the shared jar cache directory
     * @param classPath the driver's class path entries
     * @param applicationJars the entries of {@code classPath} that are the application's, never PUBLIC
     * @param rememberVerified the setting {@code weft.yarn.rememberVerifiedJars}
     * @return what was uploaded and what was reused
     * @throws WeftException when the upload fails
     */
    public static Report upload(FileSystem fs, org.apache.hadoop.fs.Path dir, org.apache.hadoop.fs.Path jarCache,
            List<String> classPath, Set<String> applicationJars, boolean rememberVerified) {
        prepareDirectories(fs, dir, jarCache);
        return upload(fs, dir, jarCache, classPath, applicationJars, rememberVerified, null);
    }

    /**
     * {@link #upload(FileSystem, org.apache.hadoop.fs.Path, org.apache.hadoop.fs.Path, List, Set, boolean)} into
     * directories the caller made first with {@link #prepareDirectories} (so that other uploads into the staging
     * directory can run meanwhile, and the directories are made once), and when {@code frameworkJars} is given, an application jar that bundles Weft also has Weft's own classes shipped
     * as a framework jar before it ({@link FrameworkJars}), with PUBLIC visibility; any failure to make one is
     * logged and the application jar alone is shipped.
     *
     * @param fs the cluster's file system
     * @param dir the application's staging directory, created with permissions 700
     * @param jarCache the shared jar cache directory
     * @param classPath the driver's class path entries
     * @param applicationJars the entries of {@code classPath} that are the application's, never PUBLIC
     * @param rememberVerified the setting {@code weft.yarn.rememberVerifiedJars}
     * @param frameworkJars where framework jars are kept ({@link FrameworkJars#defaultDir()}), or null not to split
     * @return what was uploaded and what was reused
     * @throws WeftException when the upload fails
     */
    public static Report upload(FileSystem fs, org.apache.hadoop.fs.Path dir, org.apache.hadoop.fs.Path jarCache,
            List<String> classPath, Set<String> applicationJars, boolean rememberVerified,
            java.nio.file.Path frameworkJars) {
        long start = System.nanoTime();
        List<String> uploaded = new ArrayList<>();
        List<String> reused = new ArrayList<>();
        long bytes = 0;
        int remembered = 0;
        int localRemembered = 0;
        StringBuilder manifest = new StringBuilder();
        try {
            JarCache cache = new JarCache(fs, jarCache, dir, rememberVerified);
            List<File> jars = new ArrayList<>();
            java.util.Set<File> applicationFiles = new java.util.HashSet<>();
            for (String entry : classPath) {
                File file = new File(entry);
                if (file.isFile() && file.getName().endsWith(".jar") && shippable(file)) {
                    jars.add(file);
                    if (applicationJars.contains(entry)) {
                        applicationFiles.add(file);
                    }
                }
            }
            // The checks below ask the NameNode about each jar; ask all at once first.
            cache.prefetch(jars, applicationFiles);
            int index = 0;
            for (String entry : classPath) {
                File file = new File(entry);
                if (!file.exists() || !shippable(file)) {
                    continue;
                }
                boolean application = applicationJars.contains(entry);
                if (frameworkJars != null && application && file.isFile() && file.getName().endsWith(".jar")) {
                    File framework = frameworkJar(cache, file, frameworkJars);
                    if (framework != null) {
                        JarCache.Placed placed = cache.place(framework, false);
                        (placed.uploaded() ? uploaded : reused).add(framework.getName());
                        bytes += placed.uploaded() ? framework.length() : 0;
                        manifest.append(String.format("%03d-%s", index++, framework.getName())).append('\t')
                                .append(placed.path()).append('\t').append(placed.visibility()).append('\n');
                    }
                }
                String link = String.format("%03d-%s", index++, file.isDirectory()
                        ? file.getParentFile().getName() + "-" + file.getName() + ".jar" : file.getName());
                if (file.isDirectory()) {
                    File jar = jarDirectory(file, index);
                    org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(dir, link);
                    fs.copyFromLocalFile(true, true, new org.apache.hadoop.fs.Path(jar.toURI()), target);
                    fs.setPermission(target, io.weft.runtime.files.OwnerOnly.FILE);
                    uploaded.add(link);
                    bytes += fs.getFileStatus(target).getLen();
                    manifest.append(link).append('\t').append(fs.makeQualified(target)).append("\tAPPLICATION\n");
                } else if (file.getName().endsWith(".jar")) {
                    JarCache.Placed placed = cache.place(file, application);
                    if (placed.uploaded()) {
                        uploaded.add(file.getName());
                        bytes += file.length();
                    } else {
                        reused.add(file.getName());
                    }
                    manifest.append(link).append('\t').append(placed.path()).append('\t')
                            .append(placed.visibility()).append('\n');
                }
            }
            try (var out = fs.create(new org.apache.hadoop.fs.Path(dir, StagingLayout.MANIFEST), true)) {
                out.write(manifest.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            cache.saveVerified();
            remembered = cache.remembered();
            localRemembered = cache.localDigestsRemembered();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WeftException("Interrupted while staging the application's jars", e);
        } catch (IOException e) {
            throw new WeftException("Could not upload the application's jars: " + e.getMessage()
                    + ". Fix: check that the default file system is reachable and writable"
                    + " (weft.yarn.stagingDir, weft.yarn.jarCacheDir).", e);
        }
        LOG.info("Staged {} jars: uploaded {} ({} MB): {}; reused {} verified copies ({} remembered unchanged, not"
                + " re-read) from the jar caches {} and {}; {} local digests remembered, not re-read; {} ms",
                uploaded.size() + reused.size(), uploaded.size(), bytes >> 20, uploaded, reused.size(), remembered,
                jarCache, new org.apache.hadoop.fs.Path(dir.getParent(), JarCache.PRIVATE_DIR), localRemembered,
                (System.nanoTime() - start) / 1_000_000);
        return new Report(List.copyOf(uploaded), List.copyOf(reused), bytes, remembered);
    }

    /** @return the framework jar split out of an application jar, or null (none, or it could not be made) */
    private static File frameworkJar(JarCache cache, File applicationJar, java.nio.file.Path dir) {
        try {
            return FrameworkJars.of(applicationJar, cache.localDigest(applicationJar), dir).orElse(null);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not split Weft's classes out of {} ({}); containers load them from the application jar,"
                    + " without a shared archive", applicationJar, e.toString());
            return null;
        }
    }

    /**
     * The class path entries to stage: {@code classPath} without the jars the cluster provides (the client's
     * Hadoop installation, as {@link ClusterProvidedJars} decides under {@code weft.yarn.shipHadoopJars}). Logs at
     * INFO how many jars, and how many bytes, were left to the cluster. Called on the submitting thread.
     *
     * @param classPath the driver's class path entries
     * @param applicationJars the application's entries, always kept
     * @param conf the application's settings
     * @param yarn the client's Hadoop configuration, whose {@code yarn.application.classpath} the containers get
     * @param environment the client's environment (HADOOP_HOME and the like)
     * @return the entries to stage, in order
     */
    public static List<String> withoutClusterJars(List<String> classPath, Set<String> applicationJars,
            io.weft.conf.WeftConf conf, org.apache.hadoop.yarn.conf.YarnConfiguration yarn,
            java.util.Map<String, String> environment) {
        String mode = conf.get(io.weft.yarnconf.YarnConfigKeys.SHIP_HADOOP_JARS);
        Set<String> left = ClusterProvidedJars.select(classPath, applicationJars, environment,
                io.weft.yarnconf.ContainerCommands.applicationClassPath(yarn), mode);
        long bytes = left.stream().mapToLong(entry -> new File(entry).length()).sum();
        LOG.info("Left {} jars ({} MB) of the Hadoop installation to the cluster's own (weft.yarn.shipHadoopJars={},"
                + " installation {}): {}", left.size(), bytes >> 20, mode,
                ClusterProvidedJars.homes(environment), left.stream().map(e -> new File(e).getName()).toList());
        List<String> kept = new ArrayList<>(classPath);
        kept.removeAll(left);
        return kept;
    }

    /**
     * The application's own jars among the class path's: those holding the main class, and the jar a launcher
     * names ({@code yarn jar app.jar}, {@code java -jar app.jar}). They are staged privately, never PUBLIC. Called
     * on the submitting thread; opens each jar's directory.
     *
     * @param classPath class path entries
     * @param mainClass the program's main class, or null when unknown
     * @param launcherCommand the JVM's command ({@code sun.java.command}), or null
     * @return the entries (as given) that are the application's
     */
    public static Set<String> applicationJars(List<String> classPath, String mainClass, String launcherCommand) {
        Set<String> application = new LinkedHashSet<>();
        Set<File> launched = new java.util.HashSet<>();
        if (launcherCommand != null && !launcherCommand.isBlank()) {
            String[] words = launcherCommand.trim().split("\\s+");
            if (words[0].endsWith(".jar")) {
                launched.add(new File(words[0]).getAbsoluteFile());
            } else if (words[0].equals("org.apache.hadoop.util.RunJar") && words.length > 1) {
                launched.add(new File(words[1]).getAbsoluteFile());
            } else if (mainClass == null) {
                mainClass = words[0];
            }
        }
        String classFile = mainClass == null ? null : mainClass.replace('.', '/') + ".class";
        for (String entry : classPath) {
            File file = new File(entry);
            if (!file.isFile() || !file.getName().endsWith(".jar")) {
                continue;
            }
            if (launched.contains(file.getAbsoluteFile())) {
                application.add(entry);
                continue;
            }
            if (classFile != null) {
                try (java.util.jar.JarFile jar = new java.util.jar.JarFile(file)) {
                    if (jar.getEntry(classFile) != null) {
                        application.add(entry);
                    }
                } catch (IOException notAJar) {
                    LOG.debug("Cannot open {} as a jar: {}", file, notAJar.toString());
                }
            }
        }
        return application;
    }

    /**
     * Makes the shared jar cache's directories (world-searchable, as PUBLIC resources need) and then the
     * application's staging directory (0700), in that order: HDFS gives the implicit parents of a 0700 directory
     * mode 0700 too, which would hide the public jar cache below the same home directory. The staging root holds
     * the private jar cache: a root made here is the user's own, 0700. Idempotent.
     *
     * @param fs the cluster's file system
     * @param dir the application's staging directory
     * @param jarCache the shared jar cache directory
     * @throws WeftException when a directory cannot be made, naming the settings to check
     */
    public static void prepareDirectories(FileSystem fs, org.apache.hadoop.fs.Path dir,
            org.apache.hadoop.fs.Path jarCache) {
        try {
            makeWorldReadableDirs(fs, jarCache);
            io.weft.runtime.files.OwnerOnly.mkdirsUnderRoot(fs, dir);
        } catch (IOException e) {
            throw new WeftException("Could not make the staging directory " + dir + " or the jar cache " + jarCache
                    + ": " + e.getMessage() + ". Fix: check that the default file system is reachable and writable"
                    + " (weft.yarn.stagingDir, weft.yarn.jarCacheDir).", e);
        }
    }

    /**
     * PUBLIC resources need every ancestor readable and searchable by everyone: creates missing directories 755,
     * and opens up the current user's directories below the home directory (a staging root made first may be 700).
     */
    static void makeWorldReadableDirs(FileSystem fs, org.apache.hadoop.fs.Path path) throws IOException {
        fs.mkdirs(path);
        org.apache.hadoop.fs.Path home = fs.makeQualified(fs.getHomeDirectory());
        String user = org.apache.hadoop.security.UserGroupInformation.getCurrentUser().getShortUserName();
        for (org.apache.hadoop.fs.Path p = fs.makeQualified(path); p != null && !p.equals(home); p = p.getParent()) {
            FileStatus status = fs.getFileStatus(p);
            short mode = status.getPermission().toShort();
            if ((mode & 0005) != 0005 && status.getOwner().equals(user)) {
                fs.setPermission(p, new FsPermission((short) (mode | 0755)));
            }
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
        byte[] xml = ConfigurationXml.toXml(shipped);
        for (String staged : StagingLayout.HADOOP_CONF_FILES) {
            try (var out = fs.create(new org.apache.hadoop.fs.Path(dir, staged), true)) {
                out.write(xml);
            }
        }
    }

    /**
     * Stages the containers' launch script ({@link ContainerCommands#LAUNCH_SCRIPT}) when the application uses
     * class-data sharing ({@code weft.yarn.classDataSharing}); its presence is what makes the AM and executors
     * start through it.
     *
     * @param fs the file system
     * @param dir the staging directory
     * @param conf the application's settings
     * @throws IOException on write failure
     */
    public static void uploadLaunchScript(FileSystem fs, org.apache.hadoop.fs.Path dir, io.weft.conf.WeftConf conf)
            throws IOException {
        if (!conf.get(io.weft.yarnconf.YarnConfigKeys.CLASS_DATA_SHARING)) {
            return;
        }
        byte[] script;
        try (var in = ContainerCommands.class.getClassLoader().getResourceAsStream(ContainerCommands.LAUNCH_SCRIPT)) {
            if (in == null) {
                throw new IOException(ContainerCommands.LAUNCH_SCRIPT + " is missing from Weft's yarn-conf jar");
            }
            script = in.readAllBytes();
        }
        try (var out = fs.create(new org.apache.hadoop.fs.Path(dir, ContainerCommands.LAUNCH_SCRIPT), true)) {
            out.write(script);
        }
    }

    /**
     * The jars to ship, the same in client and cluster mode: this JVM's class path and, under {@code yarn jar},
     * the application jar, which Hadoop's {@code RunJar} loads through a class loader of its own rather than the
     * class path. Called on the thread that runs the program (its context class loader is the one that loaded it).
     *
     * @return class path entries, in order, without duplicates
     */
    public static List<String> driverClassPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (ClassLoader loader = Thread.currentThread().getContextClassLoader(); loader != null;
                loader = loader.getParent()) {
            if (loader instanceof URLClassLoader urls) {
                for (URL url : urls.getURLs()) {
                    // RunJar also lists the directory it unpacked the jar into: the jar itself is enough.
                    if (url.getProtocol().equals("file") && !url.getPath().contains("hadoop-unjar")) {
                        entries.add(new File(url.getPath()).getPath());
                    }
                }
            }
        }
        entries.addAll(Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator)));
        return new ArrayList<>(entries);
    }
}
