package io.weft.yarnconf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code weft-launch.sh} run by real bash around real JVMs, in a node's layout as a NodeManager makes it: a jar in
 * the node's {@code filecache}, containers whose {@code __weft_jars__} link to it, {@code LOCAL_DIRS} naming the
 * application's directory under {@code usercache/<user>/appcache}.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class LaunchScriptTest {

    private static final String PROBE = LaunchScriptProbe.class.getName();

    @TempDir
    Path node;

    private Path appDir;
    private Path store;
    private Path script;

    @BeforeEach
    void lay() throws IOException {
        Path jar = Files.createDirectories(node.resolve("filecache/11")).resolve("weft-probe.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                InputStream probe = LaunchScriptProbe.class.getResourceAsStream("LaunchScriptProbe.class")) {
            out.putNextEntry(new JarEntry(PROBE.replace('.', '/') + ".class"));
            probe.transferTo(out);
            out.closeEntry();
        }
        appDir = Files.createDirectories(node.resolve("usercache/someone/appcache/application_1_0001"));
        store = node.resolve("usercache/someone/weft-cds");
        script = node.resolve(ContainerCommands.LAUNCH_SCRIPT);
        try (InputStream in = ContainerCommands.class.getClassLoader()
                .getResourceAsStream(ContainerCommands.LAUNCH_SCRIPT)) {
            Files.copy(in, script);
        }
    }

    @Test
    void recordsTheClassesThenDumpsAnArchiveThenStartsFromIt() throws Exception {
        String first = run("container_1_0001_01_000001", true);
        assertThat(first).contains("probe ran", "recording");
        assertThat(Files.getPosixFilePermissions(store)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        Path list = store.resolve("lists/container_1_0001_01_000001.lst");
        assertThat(Files.readString(list)).contains(PROBE.replace('.', '/'));
        // The archived jar comes first, resolved to the node's cache, where later containers find it too.
        assertThat(first).contains("class path " + node.resolve("filecache/11/weft-probe.jar").toRealPath());

        // A list only counts once it is old enough to be complete.
        String young = run("container_1_0001_01_000002", true);
        assertThat(young).contains("recording").doesNotContain("dumping");
        assertThat(archives()).isEmpty();
        Files.setLastModifiedTime(list, FileTime.from(Instant.now().minusSeconds(60)));
        // A container without room beside its JVM does not dump.
        assertThat(run("container_1_0001_01_000003", true, false)).doesNotContain("dumping");
        assertThat(run("container_1_0001_01_000005", true)).contains("dumping an archive");
        awaitAnArchive();

        String shared = run("container_1_0001_01_000004", true, "-Xlog:class+load=info");
        assertThat(shared).contains("class-data sharing archive " + archives().get(0), "probe ran",
                PROBE + " source: shared objects file");
        assertThat(store.resolve("lists/container_1_0001_01_000004.lst")).doesNotExist();
    }

    @Test
    void aDumpThatLeftNoArchiveIsNotTriedAgainSoon() throws Exception {
        run("container_1_0001_01_000001", true, false);
        try (Stream<Path> lists = Files.list(store.resolve("lists"))) {
            for (Path list : lists.toList()) {
                Files.setLastModifiedTime(list, FileTime.from(Instant.now().minusSeconds(60)));
            }
        }
        // An attempt that started a moment ago and left no archive (its container was stopped): its lock remains.
        assertThat(run("container_1_0001_01_000002", true, true)).contains("dumping");
        awaitAnArchive();
        for (Path archive : archives()) {
            Files.delete(archive);
        }
        assertThat(run("container_1_0001_01_000003", true, true)).doesNotContain("dumping");
        assertThat(run("container_1_0001_01_000004", true, true, Map.of("WEFT_CDS_RETRY_AFTER_S", "0")))
                .contains("dumping");
        awaitAnArchive(); // and the background dump is done before the directory goes
    }

    private void awaitAnArchive() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (archives().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(archives()).as("the dump's log: %s", dumpLog()).hasSize(1);
    }

    @Test
    void aNodeWithEnoughListsRecordsNoMore() throws Exception {
        for (int i = 1; i <= 8; i++) {
            assertThat(run("container_1_0001_01_00000" + i, true, false)).contains("recording");
        }
        String ninth = run("container_1_0001_01_000009", true, false);
        assertThat(ninth).contains("probe ran", "no class-data sharing archive").doesNotContain("recording");
        try (Stream<Path> lists = Files.list(store.resolve("lists"))) {
            assertThat(lists.count()).isEqualTo(8);
        }
    }

    @Test
    void aStoreOthersCanWriteIntoIsNotUsed() throws Exception {
        Files.createDirectories(store, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                "rwxrwxrwx")));
        Files.setPosixFilePermissions(store, Set.of(PosixFilePermission.values()));
        String output = run("container_1_0001_01_000001", true);
        assertThat(output).contains("not using " + store, "probe ran").doesNotContain("recording");
        assertThat(store.resolve("lists")).doesNotExist();
    }

    @Test
    void withoutTheJarListTheJvmStartsAsGiven() throws Exception {
        String output = run("container_1_0001_01_000001", false);
        assertThat(output).contains("probe ran").doesNotContain("weft-launch");
        assertThat(store).doesNotExist();
    }

    private List<Path> archives() throws IOException {
        if (!Files.isDirectory(store)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(store)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jsa")).toList();
        }
    }

    private String dumpLog() throws IOException {
        try (Stream<Path> files = Files.list(store)) {
            List<Path> logs = files.filter(f -> f.getFileName().toString().endsWith(".log")).toList();
            return logs.isEmpty() ? "(none)" : Files.readString(logs.get(0));
        }
    }

    /** Starts a "container": its directory, its link to the cached jar, YARN's variables; returns what it printed. */
    private String run(String containerId, boolean withJarList, String... jvmOptions) throws Exception {
        return run(containerId, withJarList, true, jvmOptions);
    }

    private String run(String containerId, boolean withJarList, boolean mayDump, String... jvmOptions)
            throws Exception {
        return run(containerId, withJarList, mayDump, Map.of(), jvmOptions);
    }

    private String run(String containerId, boolean withJarList, boolean mayDump, Map<String, String> moreEnv,
            String... jvmOptions) throws Exception {
        Path dir = Files.createDirectories(appDir.resolve(containerId));
        Path links = Files.createDirectories(dir.resolve(ContainerCommands.JARS_DIR));
        Files.createSymbolicLink(links.resolve("weft-probe.jar"), node.resolve("filecache/11/weft-probe.jar"));
        Files.writeString(dir.resolve("launch_container.sh"), "# the container's directory is not empty\n");
        List<String> command = new ArrayList<>(List.of("/bin/bash", script.toString(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(jvmOptions));
        command.add(PROBE);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("WEFT_") || name.equals("CLASSPATH"));
        Map<String, String> yarn = new HashMap<>(Map.of("LOCAL_DIRS", appDir.toString(), "CONTAINER_ID", containerId,
                "CLASSPATH", dir + ":" + dir + "/" + ContainerCommands.JARS_DIR + "/*"));
        if (withJarList) {
            yarn.put(ContainerCommands.CDS_JARS_ENV, "weft-probe.jar");
            yarn.put(ContainerCommands.CDS_DUMP_ENV, String.valueOf(mayDump));
        }
        env.putAll(yarn);
        env.putAll(moreEnv);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
