package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.am.submit.Staging;
import io.weft.planner.Digests;
import io.weft.yarnconf.StagingLayout;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.security.PrivilegedExceptionAction;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.hdfs.protocol.HdfsFileStatus;
import org.apache.hadoop.security.AccessControlException;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.yarn.api.records.LocalResource;
import org.apache.hadoop.yarn.api.records.LocalResourceVisibility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The jar caches on a real HDFS (MiniDFSCluster, permissions on, started once for this class): the application's
 * jar is never PUBLIC; a cached jar is reused only from a cache no other user can write, and only when its bytes
 * match its digest, read again unless an earlier verification is remembered for the same unchanged file.
 */
class JarCacheTest {

    /** {@code VerifiedJars.FILE}: the memo's name in the private jar cache. */
    private static final String VERIFIED_MEMO = ".verified-jars";

    private static MiniDFSCluster dfs;
    private static FileSystem fs;
    private static File local;
    private static File frameworkJar;
    private static File appJar;
    private static List<String> classPath;
    private static Set<String> applicationJars;

    @BeforeAll
    static void start() throws IOException {
        local = Files.createTempDirectory("weft-jar-cache-").toFile();
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, new File(local, "dfs").getAbsolutePath());
        conf.set("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", "10");
        dfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        dfs.waitActive();
        fs = FileSystem.newInstance(dfs.getURI(), dfs.getConfiguration(0));
        frameworkJar = jar("weft-framework-1.0.jar", "io/weft/Framework.class", 4096);
        appJar = jar("my-app-1.0.jar", "com/example/Main.class", 4096);
        classPath = List.of(frameworkJar.getPath(), appJar.getPath());
        applicationJars = Staging.applicationJars(classPath, "com.example.Main", null);
    }

    @AfterAll
    static void stop() throws IOException {
        if (fs != null) {
            fs.close();
        }
        if (dfs != null) {
            dfs.shutdown();
        }
    }

    private static File jar(String name, String entry, int bytes) throws IOException {
        File file = new File(local, name);
        byte[] content = new byte[bytes];
        new Random(name.hashCode()).nextBytes(content);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(file.toPath()))) {
            out.putNextEntry(new JarEntry(entry));
            out.write(content);
            out.closeEntry();
        }
        return file;
    }

    private static Path path(String p) {
        return fs.makeQualified(new Path(p));
    }

    private static Map<String, LocalResource> staged(Path stagingDir) throws IOException {
        return StagingLayout.localResources(fs, stagingDir, "jars");
    }

    private static LocalResource resource(Map<String, LocalResource> resources, File jar) {
        return resources.entrySet().stream().filter(e -> e.getKey().endsWith(jar.getName())).findFirst()
                .orElseThrow().getValue();
    }

    private static String file(LocalResource resource) {
        return resource.getResource().getFile();
    }

    @Test
    void theApplicationJarIsStagedPrivatelyAndTheFrameworksPublicly() throws IOException {
        assertThat(applicationJars).containsExactly(appJar.getPath());
        Path cache = path("/user/u1/.weft/jars");
        Path staging = path("/user/u1/.weft/staging/application_1_0001");
        Staging.upload(fs, staging, cache, classPath, applicationJars);

        Map<String, LocalResource> resources = staged(staging);
        LocalResource app = resource(resources, appJar);
        assertThat(app.getVisibility()).isEqualTo(LocalResourceVisibility.APPLICATION);
        assertThat(file(app)).startsWith("/user/u1/.weft/staging/_jars/");
        assertThat(fs.getFileStatus(new Path(file(app))).getPermission().toString()).isEqualTo("rw-------");
        assertThat(fs.getFileStatus(new Path(file(app)).getParent()).getPermission().toString())
                .isEqualTo("rwx------");
        LocalResource framework = resource(resources, frameworkJar);
        assertThat(framework.getVisibility()).isEqualTo(LocalResourceVisibility.PUBLIC);
        assertThat(file(framework)).startsWith("/user/u1/.weft/jars/");
        assertThat(fs.getFileStatus(new Path(file(framework))).getPermission().toString()).isEqualTo("rw-r--r--");

        // A second submission uploads nothing: both cached copies are verified and reused.
        Staging.Report again = Staging.upload(fs, path("/user/u1/.weft/staging/application_1_0002"), cache,
                classPath, applicationJars);
        assertThat(again.uploaded()).isEmpty();
        assertThat(again.reused()).containsExactlyInAnyOrder(appJar.getName(), frameworkJar.getName());
    }

    @Test
    void weftsClassesInAFatApplicationJarAlsoTravelAsAPublicFrameworkJarBeforeIt() throws IOException {
        File fat = new File(local, "fat-app-1.0.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(fat.toPath()))) {
            for (String entry : List.of("io/weft/runtime/executor/ExecutorMain.class", "io/weft/api/Dataset.class",
                    "com/example/FatMain.class")) {
                out.putNextEntry(new JarEntry(entry));
                out.write(entry.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        List<String> fatClassPath = List.of(frameworkJar.getPath(), fat.getPath());
        Set<String> fatApplication = Staging.applicationJars(fatClassPath, "com.example.FatMain", null);
        java.nio.file.Path splits = new File(local, "framework-jars").toPath();
        Path cache = path("/user/u20/.weft/jars");
        Path staging = path("/user/u20/.weft/staging/application_1_0001");
        Staging.prepareDirectories(fs, staging, cache);
        Staging.upload(fs, staging, cache, fatClassPath, fatApplication, true, splits);

        Map<String, LocalResource> resources = staged(staging);
        List<String> links = List.copyOf(resources.keySet());
        assertThat(links).hasSize(3);
        assertThat(links.get(0)).endsWith(frameworkJar.getName());
        assertThat(links.get(1)).matches(".*weft-framework-[0-9a-f]{32}\\.jar");
        assertThat(links.get(2)).endsWith(fat.getName());
        LocalResource split = resources.get(links.get(1));
        assertThat(split.getVisibility()).isEqualTo(LocalResourceVisibility.PUBLIC);
        assertThat(file(split)).startsWith("/user/u20/.weft/jars/");
        assertThat(resources.get(links.get(2)).getVisibility()).isEqualTo(LocalResourceVisibility.APPLICATION);
        // Weft's classes only: the application's class stays in the APPLICATION jar.
        java.nio.file.Path copy = new File(local, "split-copy.jar").toPath();
        try (var in = fs.open(new Path(file(split)))) {
            Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(copy.toFile())) {
            assertThat(java.util.Collections.list(jar.entries()).stream().map(JarEntry::getName))
                    .containsExactly("META-INF/MANIFEST.MF", "io/weft/runtime/executor/ExecutorMain.class",
                            "io/weft/api/Dataset.class");
        }

        // The next submission makes and uploads nothing new.
        Path next = path("/user/u20/.weft/staging/application_1_0002");
        Staging.prepareDirectories(fs, next, cache);
        Staging.Report again = Staging.upload(fs, next, cache, fatClassPath, fatApplication, true, splits);
        assertThat(again.uploaded()).isEmpty();
        assertThat(again.reused()).hasSize(3);
    }

    private Path cachedFramework(Path cache) throws IOException {
        return new Path(cache, Digests.sha256Hex(Files.readAllBytes(frameworkJar.toPath())) + "/"
                + frameworkJar.getName());
    }

    private static byte[] tamperedFramework() throws IOException {
        byte[] tampered = Files.readAllBytes(frameworkJar.toPath());
        tampered[tampered.length / 2] ^= 1; // same name, same length, different content
        return tampered;
    }

    private static Staging.Report upload(String user, int app, boolean remember) {
        return Staging.upload(fs, path("/user/" + user + "/.weft/staging/application_1_000" + app),
                path("/user/" + user + "/.weft/jars"), classPath, applicationJars, remember);
    }

    @Test
    void aVerifiedJarIsRememberedInAnOwnerOnlyMemoAndNotReadAgain() throws IOException {
        Staging.Report first = upload("u6", 1, true);
        Staging.Report second = upload("u6", 2, true);
        Staging.Report off = upload("u6", 3, false);

        assertThat(first.uploaded()).hasSize(2);
        // Both copies were written by the first submission, remembered by identity, and reused unread.
        assertThat(second.reused()).hasSize(2);
        assertThat(second.remembered()).isEqualTo(2);
        // weft.yarn.rememberVerifiedJars=false: both re-read and verified, as before the memo.
        assertThat(off.reused()).hasSize(2);
        assertThat(off.remembered()).isZero();
        Path memo = path("/user/u6/.weft/staging/_jars/" + VERIFIED_MEMO);
        assertThat(fs.getFileStatus(memo).getPermission().toString()).isEqualTo("rw-------");
        assertThat(fs.getFileStatus(memo.getParent()).getPermission().toString()).isEqualTo("rwx------");
    }

    @Test
    void aJarChangedInPlaceAfterARememberedVerificationIsReadAgainAndReplaced() throws IOException {
        upload("u7", 1, true);
        assertThat(upload("u7", 2, true).remembered()).isEqualTo(2);
        Path cached = cachedFramework(path("/user/u7/.weft/jars"));
        long fileId = ((HdfsFileStatus) fs.getFileStatus(cached)).getFileId();
        // The hardest change to see: the same file (same HDFS file id), the same length, other bytes.
        assertThat(fs.truncate(cached, 0)).isTrue();
        try (OutputStream out = fs.append(cached)) {
            out.write(tamperedFramework());
        }
        assertThat(((HdfsFileStatus) fs.getFileStatus(cached)).getFileId()).isEqualTo(fileId);
        assertThat(fs.getFileStatus(cached).getLen()).isEqualTo(frameworkJar.length());

        Staging.Report report = upload("u7", 3, true);

        // Its modification time moved, so it was read, found wrong and replaced; the application jar still remembered.
        assertThat(report.uploaded()).containsExactly(frameworkJar.getName());
        assertThat(report.remembered()).isEqualTo(1);
        try (var in = fs.open(cached)) {
            assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(frameworkJar.toPath()));
        }
    }

    @Test
    void anotherUserCanNeitherChangeARememberedJarNorReadOrWriteTheMemo() throws Exception {
        upload("u8", 1, true);
        Path cached = cachedFramework(path("/user/u8/.weft/jars"));
        Path memo = path("/user/u8/.weft/staging/_jars/" + VERIFIED_MEMO);
        Path own = path("/tmp/mallory/weft-framework-1.0.jar");
        fs.mkdirs(own.getParent());
        fs.setOwner(own.getParent(), "mallory", null);
        UserGroupInformation mallory = UserGroupInformation.createRemoteUser("mallory");
        FileSystem theirs = mallory.doAs((PrivilegedExceptionAction<FileSystem>) () -> FileSystem.newInstance(
                dfs.getURI(), dfs.getConfiguration(0)));
        try {
            try (OutputStream out = theirs.create(own)) {
                out.write(tamperedFramework());
            }
            long modified = fs.getFileStatus(cached).getModificationTime();
            // Every way to change the file in place or put another under its name: refused by the NameNode.
            assertThatThrownBy(() -> theirs.append(cached)).isInstanceOf(AccessControlException.class);
            assertThatThrownBy(() -> theirs.truncate(cached, 0)).isInstanceOf(AccessControlException.class);
            assertThatThrownBy(() -> theirs.setTimes(cached, modified, -1)).isInstanceOf(AccessControlException.class);
            assertThatThrownBy(() -> theirs.create(cached, true)).isInstanceOf(AccessControlException.class);
            assertThatThrownBy(() -> theirs.delete(cached, false)).isInstanceOf(AccessControlException.class);
            assertThatThrownBy(() -> theirs.rename(own, cached)).isInstanceOf(AccessControlException.class);
            assertThatThrownBy(() -> theirs.concat(cached, new Path[] {own}))
                    .isInstanceOf(AccessControlException.class);
            // Nor can they read the memo (what is cached where) or write their own entries into it.
            assertThatThrownBy(() -> theirs.open(memo).close()).isInstanceOf(AccessControlException.class);
            assertThatThrownBy(() -> theirs.create(memo, true)).isInstanceOf(AccessControlException.class);
        } finally {
            theirs.close();
        }
        assertThat(upload("u8", 2, true).remembered()).isEqualTo(2);
    }

    @Test
    void aMemoOthersCouldWriteIsNotTrustedButRewritten() throws IOException {
        upload("u9", 1, true);
        Path memo = path("/user/u9/.weft/staging/_jars/" + VERIFIED_MEMO);
        fs.setPermission(memo, new FsPermission((short) 0666));

        Staging.Report distrusted = upload("u9", 2, true);
        Staging.Report after = upload("u9", 3, true);

        // Ignored: both jars re-read and verified; then written again owner-only, and trusted.
        assertThat(distrusted.reused()).hasSize(2);
        assertThat(distrusted.remembered()).isZero();
        assertThat(fs.getFileStatus(memo).getPermission().toString()).isEqualTo("rw-------");
        assertThat(after.remembered()).isEqualTo(2);
    }

    @Test
    void aTamperedCachedJarIsNotUsedButReplaced() throws IOException {
        Path cache = path("/user/u2/.weft/jars");
        Staging.upload(fs, path("/user/u2/.weft/staging/application_1_0001"), cache, classPath, applicationJars);
        Path cached = new Path(cache, Digests.sha256Hex(Files.readAllBytes(frameworkJar.toPath())) + "/"
                + frameworkJar.getName());
        byte[] tampered = Files.readAllBytes(frameworkJar.toPath());
        tampered[tampered.length / 2] ^= 1; // same name, same length, different content
        try (OutputStream out = fs.create(cached, true)) {
            out.write(tampered);
        }

        Staging.Report report = Staging.upload(fs, path("/user/u2/.weft/staging/application_1_0002"), cache,
                classPath, applicationJars);

        assertThat(report.uploaded()).containsExactly(frameworkJar.getName());
        try (var in = fs.open(cached)) {
            assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(frameworkJar.toPath()));
        }
    }

    @Test
    void aCacheOtherUsersCanWriteIsNotTrusted() throws IOException {
        Path cache = path("/shared/jars");
        fs.mkdirs(cache);
        fs.setPermission(cache, new FsPermission((short) 0777));
        // A jar another user planted under the right name: it would be reused if the cache were trusted.
        Path planted = new Path(cache, Digests.sha256Hex(Files.readAllBytes(frameworkJar.toPath())) + "/"
                + frameworkJar.getName());
        fs.copyFromLocalFile(new Path(frameworkJar.toURI()), planted);
        long plantedTime = fs.getFileStatus(planted).getModificationTime();
        Path staging = path("/user/u3/.weft/staging/application_1_0001");

        Staging.Report report = Staging.upload(fs, staging, cache, classPath, applicationJars);

        // Instead: uploaded again to the private cache, with APPLICATION visibility; the shared cache is untouched.
        assertThat(report.uploaded()).contains(frameworkJar.getName());
        LocalResource framework = resource(staged(staging), frameworkJar);
        assertThat(framework.getVisibility()).isEqualTo(LocalResourceVisibility.APPLICATION);
        assertThat(file(framework)).startsWith("/user/u3/.weft/staging/_jars/");
        assertThat(fs.getFileStatus(planted).getModificationTime()).isEqualTo(plantedTime);
    }

    @Test
    void aCacheOwnedByAnotherUserIsNotTrusted() throws IOException {
        Path cache = path("/user/mallory/jars");
        fs.mkdirs(cache);
        fs.setOwner(cache.getParent(), "mallory", null);
        fs.setOwner(cache, "mallory", null);
        Path staging = path("/user/u4/.weft/staging/application_1_0001");

        Staging.upload(fs, staging, cache, classPath, applicationJars);

        LocalResource framework = resource(staged(staging), frameworkJar);
        assertThat(framework.getVisibility()).isEqualTo(LocalResourceVisibility.APPLICATION);
        assertThat(file(framework)).startsWith("/user/u4/.weft/staging/_jars/");
        assertThat(fs.listStatus(cache)).isEmpty();
    }

    @Test
    void verifyingACachedJarCostsARead(/* a figure for docs/security.md, not an assertion on time */)
            throws IOException {
        File big = jar("weft-big-1.0.jar", "io/weft/Big.class", 32 << 20);
        Path cache = path("/user/u5/.weft/jars");
        long start = System.nanoTime();
        Staging.Report first = Staging.upload(fs, path("/user/u5/.weft/staging/application_1_0001"), cache,
                List.of(big.getPath()), Set.of());
        long uploaded = System.nanoTime();
        Staging.Report second = Staging.upload(fs, path("/user/u5/.weft/staging/application_1_0002"), cache,
                List.of(big.getPath()), Set.of());
        long reused = System.nanoTime();
        Staging.Report third = Staging.upload(fs, path("/user/u5/.weft/staging/application_1_0003"), cache,
                List.of(big.getPath()), Set.of(), false);
        long reread = System.nanoTime();
        assertThat(first.uploaded()).containsExactly(big.getName());
        assertThat(second.reused()).containsExactly(big.getName());
        assertThat(second.remembered()).isEqualTo(1);
        assertThat(third.remembered()).isZero();
        System.out.printf("JarCacheTest figure: a %d MiB jar: first upload %d ms, reuse remembered %d ms, reuse"
                + " re-read and verified %d ms (each including the local jar's digest)%n", big.length() >> 20,
                (uploaded - start) / 1_000_000, (reused - uploaded) / 1_000_000, (reread - reused) / 1_000_000);
    }
}
