package io.weft.am.session;

import io.weft.am.submit.Staging;
import io.weft.planner.Digests;
import io.weft.yarnconf.StagingLayout;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which of an attached program's class path entries it ships to its session. The rule: every entry of the
 * program's class path (the URLs of its context class loader's chain, which under {@code WeftSubmit --session}
 * hold {@code app.jar} and {@code --jars}, then {@code java.class.path}) that the session does not already run,
 * except test tooling ({@link Staging#shippable}) and the cluster's own Hadoop jars
 * ({@link Staging#withoutClusterJars}):
 * <ul>
 *   <li>a jar is shipped unless its SHA-256 is the digest of a jar the session was staged with (its staging
 *       directory's {@value StagingLayout#MANIFEST} names each cached jar {@code <cache>/<sha-256>/<name>}), so
 *       Weft and its libraries, which the session has, are never shipped, whatever their file names;</li>
 *   <li>a directory of classes (a program run from an IDE or a build's {@code target/classes}) is packed into a
 *       jar, with sorted entries and fixed times so that the same classes give the same bytes, and shipped.</li>
 * </ul>
 * Jars are loaded in the attachment's own class loader, parent-first over the session's: a class the session
 * has wins. Digests and packed directories are cached for the life of the JVM, keyed by path, size and time.
 */
final class SessionJars {

    private static final Logger LOG = LoggerFactory.getLogger(SessionJars.class);
    /** January 1st 2000: a fixed time for the entries of packed directories. */
    private static final long FIXED_ENTRY_TIME = 946_684_800_000L;
    private static final Map<String, String> DIGESTS = new ConcurrentHashMap<>();
    private static final Map<String, File> PACKED = new ConcurrentHashMap<>();

    private SessionJars() {
    }

    /**
     * Called on the thread creating the attached session (its context class loader is the program's).
     *
     * @param classPath the program's class path entries, framework and cluster jars included
     * @param sessionDigests the digests of the jars the session was staged with ({@link #stagedDigests})
     * @return local jars to ship, in class path order
     * @throws IOException when a jar cannot be read or a directory cannot be packed
     */
    static List<File> toShip(List<String> classPath, Set<String> sessionDigests) throws IOException {
        List<File> ship = new ArrayList<>();
        for (String entry : classPath) {
            File file = new File(entry);
            if (!file.exists() || !Staging.shippable(file)) {
                continue;
            }
            if (file.isDirectory()) {
                ship.add(packed(file));
            } else if (file.getName().endsWith(".jar") && !sessionDigests.contains(digest(file))) {
                ship.add(file);
            }
        }
        LOG.info("Shipping {} of the program's {} class path entries to the session: {}", ship.size(),
                classPath.size(), ship.stream().map(File::getName).toList());
        return ship;
    }

    /**
     * @param fs the file system of the session's staging directory
     * @param stagingDir the session's staging directory
     * @return the SHA-256 digests of the jars the session's containers run, read from its manifest
     * @throws IOException when the manifest cannot be read
     */
    static Set<String> stagedDigests(FileSystem fs, Path stagingDir) throws IOException {
        Set<String> digests = new HashSet<>();
        String manifest;
        try (InputStream in = fs.open(new Path(stagingDir, StagingLayout.MANIFEST))) {
            manifest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String line : manifest.split("\n")) {
            String[] fields = line.split("\t");
            if (fields.length >= 2) {
                String parent = new Path(fields[1]).getParent().getName();
                if (parent.matches("[0-9a-f]{64}")) {
                    digests.add(parent);
                }
            }
        }
        return digests;
    }

    private static String digest(File jar) throws IOException {
        String key = jar.getAbsolutePath() + "|" + jar.length() + "|" + jar.lastModified();
        String known = DIGESTS.get(key);
        if (known == null) {
            try (InputStream in = Files.newInputStream(jar.toPath())) {
                known = Digests.sha256Hex(in);
            }
            DIGESTS.put(key, known);
        }
        return known;
    }

    /** Packs a directory into a jar in a temporary directory, once per directory and content time. */
    private static File packed(File dir) throws IOException {
        List<java.nio.file.Path> files;
        try (Stream<java.nio.file.Path> walk = Files.walk(dir.toPath())) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        long newest = 0;
        for (java.nio.file.Path f : files) {
            newest = Math.max(newest, Files.getLastModifiedTime(f).toMillis());
        }
        String key = dir.getAbsolutePath() + "|" + files.size() + "|" + newest;
        File cached = PACKED.get(key);
        if (cached != null && cached.isFile()) {
            return cached;
        }
        java.nio.file.Path jar = Files.createTempFile("weft-session-" + dir.getParentFile().getName() + "-"
                + dir.getName() + "-", ".jar");
        jar.toFile().deleteOnExit();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (java.nio.file.Path f : files) {
                JarEntry entry = new JarEntry(dir.toPath().relativize(f).toString().replace(File.separatorChar, '/'));
                entry.setTime(FIXED_ENTRY_TIME);
                out.putNextEntry(entry);
                try (InputStream in = Files.newInputStream(f)) {
                    in.transferTo((OutputStream) out);
                }
                out.closeEntry();
            }
        }
        PACKED.put(key, jar.toFile());
        return jar.toFile();
    }
}
