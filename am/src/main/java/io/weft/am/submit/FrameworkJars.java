package io.weft.am.submit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Weft's own classes out of an application jar that bundles them (a fat jar built against Weft), as a separate
 * framework jar. Staging ships it before the application jar with PUBLIC visibility, like Weft's jars when they are
 * on the class path on their own: NodeManagers keep one copy for every application, and the per-node class-data
 * sharing archive ({@code weft.yarn.classDataSharing}) can hold its classes, which it must never do for an
 * APPLICATION jar. The application jar is shipped whole as before (APPLICATION visibility); the JVM loads Weft's
 * classes from whichever comes first, and both hold the same bytes.
 *
 * <p>Framework means the packages Weft's modules and its bundled dependencies own ({@link #PREFIXES}), and their
 * multi-release variants; every other entry, the application's classes and resources, stays out. A jar that holds
 * nothing else is not split (it is Weft itself).
 *
 * <p>The framework jar is made once per application jar content: named after the application jar's SHA-256, in
 * {@code ~/.weft/framework-jars} (0700, files 0600, used only when the directory is the user's own and closed to
 * others), written to a temporary file and renamed. Its bytes depend only on the entries (fixed times, the
 * application jar's order), so rebuilding an application without changing Weft gives a framework jar the jar cache
 * already holds. Used by the submitting thread.
 */
final class FrameworkJars {

    /** Packages of Weft's modules and of the dependencies its jars bundle (relocated or not). */
    static final List<String> PREFIXES = List.of("io/weft/api/", "io/weft/planner/", "io/weft/conf/",
            "io/weft/runtime/", "io/weft/driver/", "io/weft/status/", "io/weft/yarnconf/", "io/weft/am/",
            "io/weft/shaded/", "com/esotericsoftware/", "org/objenesis/");
    /** The class whose presence says a jar bundles Weft's runtime. */
    static final String MARKER = "io/weft/runtime/executor/ExecutorMain.class";

    private static final Logger LOG = LoggerFactory.getLogger(FrameworkJars.class);
    private static final Pattern VERSIONED = Pattern.compile("META-INF/versions/(\\d+)/(.*)");
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(2000, 1, 1, 0, 0);
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    private FrameworkJars() {
    }

    /** @return {@code ~/.weft/framework-jars} */
    static Path defaultDir() {
        return Path.of(System.getProperty("user.home"), ".weft", "framework-jars");
    }

    /**
     * @param name an entry's name in a jar
     * @return whether it is one of Weft's framework classes or resources (or a multi-release variant of one)
     */
    static boolean isFramework(String name) {
        Matcher versioned = VERSIONED.matcher(name);
        String path = versioned.matches() ? versioned.group(2) : name;
        for (String prefix : PREFIXES) {
            if (path.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The framework jar of an application jar, made when missing.
     *
     * @param applicationJar a jar of the application
     * @param sha256 its SHA-256 (hex)
     * @param dir where framework jars are kept ({@link #defaultDir()})
     * @return the framework jar, or empty when the application jar does not bundle Weft, holds nothing but Weft, or
     *     the directory is not safely the user's own (then logged; the application jar alone still works)
     * @throws IOException when the application jar cannot be read or the framework jar cannot be written
     */
    static Optional<File> of(File applicationJar, String sha256, Path dir) throws IOException {
        Path target = dir.resolve("weft-framework-" + sha256.substring(0, 32) + ".jar");
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
            Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
        }
        String problem = LocalJarDigests.unsafe(dir, OWNER_ONLY_DIR, true);
        if (problem != null) {
            LOG.warn("Not splitting Weft's classes out of {}: the directory {} is unsafe ({}); containers load them"
                    + " from the application jar, without a shared archive", applicationJar, dir, problem);
            return Optional.empty();
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)
                && LocalJarDigests.unsafe(target, OWNER_ONLY_FILE, false) == null) {
            return Optional.of(target.toFile());
        }
        try (JarFile jar = new JarFile(applicationJar, false)) {
            if (jar.getEntry(MARKER) == null || !holdsOthers(jar)) {
                return Optional.empty();
            }
            Path temp = dir.resolve(target.getFileName() + "." + UUID.randomUUID() + ".tmp");
            try {
                Files.createFile(temp, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
                Files.setPosixFilePermissions(temp, OWNER_ONLY_FILE);
                try (OutputStream file = Files.newOutputStream(temp)) {
                    write(jar, file);
                }
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
        }
        LOG.info("Split Weft's classes out of {} into {} ({} KB), shipped as a framework jar", applicationJar,
                target, Files.size(target) >> 10);
        return Optional.of(target.toFile());
    }

    private static boolean holdsOthers(JarFile jar) {
        Enumeration<JarEntry> entries = jar.entries();
        while (entries.hasMoreElements()) {
            JarEntry entry = entries.nextElement();
            if (!entry.isDirectory() && entry.getName().endsWith(".class") && !isFramework(entry.getName())) {
                return true;
            }
        }
        return false;
    }

    private static void write(JarFile jar, OutputStream file) throws IOException {
        boolean multiRelease = false;
        Enumeration<JarEntry> scan = jar.entries();
        while (scan.hasMoreElements()) {
            String name = scan.nextElement().getName();
            if (isFramework(name) && VERSIONED.matcher(name).matches()) {
                multiRelease = true;
                break;
            }
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        // Nothing about the application jar itself: the bytes must depend on Weft's entries only.
        manifest.getMainAttributes().putValue("Created-By", "Weft (framework classes split from an application jar)");
        if (multiRelease) {
            manifest.getMainAttributes().put(Attributes.Name.MULTI_RELEASE, "true");
        }
        try (JarOutputStream out = new JarOutputStream(file)) {
            JarEntry manifestEntry = new JarEntry(JarFile.MANIFEST_NAME);
            manifestEntry.setTimeLocal(ENTRY_TIME);
            out.putNextEntry(manifestEntry);
            manifest.write(out);
            out.closeEntry();
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                if (entry.isDirectory() || !isFramework(entry.getName())) {
                    continue;
                }
                JarEntry copy = new JarEntry(entry.getName());
                copy.setTimeLocal(ENTRY_TIME);
                out.putNextEntry(copy);
                try (InputStream in = jar.getInputStream(entry)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
    }
}
