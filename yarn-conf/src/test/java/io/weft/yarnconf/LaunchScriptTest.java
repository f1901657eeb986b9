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
        String first = run("container_1_0001_01_000001", true, false);
        assertThat(first).contains("probe ran", "recording").doesNotContain("dumping");
        assertThat(Files.getPosixFilePermissions(store)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        Path list = store.resolve("lists/container_1_0001_01_000001.lst");
        assertThat(Files.readString(list)).contains(PROBE.replace('.', '/'));
        // The archived jar comes first, resolved to the node's cache, where later containers find it too.
        assertThat(first).contains("class path " + node.resolve("filecache/11/weft-probe.jar").toRealPath());

        // Another JVM's list counts once it has stopped growing for a while.
        assertThat(run("container_1_0001_01_000002", true)).contains("recording").doesNotContain("dumping");
        age(list);
        // A container with room dumps beside its JVM and waits for the dump before it ends.
        assertThat(run("container_1_0001_01_000003", true)).contains("probe ran", "dumping one from 1 lists");
        assertThat(archives()).as("the dump's log: %s", dumpLog()).hasSize(1);

        String shared = run("container_1_0001_01_000004", true, true, Map.of(), 0, "-Xlog:class+load=info");
        assertThat(shared).contains("class-data sharing archive " + archives().get(0), "probe ran",
                PROBE + " source: shared objects file");
        assertThat(store.resolve("lists/container_1_0001_01_000004.lst")).doesNotExist();
    }

    @Test
    void aJvmThatFailsOrIsStoppedKeepsItsStatusAndLeavesNoProcessBehind() throws Exception {
        run("container_1_0001_01_000001", true, false);
        age(store.resolve("lists/container_1_0001_01_000001.lst"));
        Process failing = start("container_1_0001_01_000002", true, true, Map.of(), PROBE_ARGS_MARK, "exit", "3");
        List<ProcessHandle> children = failing.children().toList();
        String output = new String(failing.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(failing.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(failing.exitValue()).as(output).isEqualTo(3);
        assertThat(output).contains("dumping", "probe ran");
        assertGone(children);

        Files.deleteIfExists(store.resolve(archiveLock()));
        Process sleeping = start("container_1_0001_01_000003", true, true,
                Map.of("WEFT_CDS_RETRY_AFTER_S", "0"), PROBE_ARGS_MARK, "sleep");
        var out = new java.io.BufferedReader(new java.io.InputStreamReader(sleeping.getInputStream(),
                StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.equals("sleeping")) {
            // the script's and the probe's first lines
        }
        children = sleeping.children().toList();
        assertThat(children).hasSizeGreaterThanOrEqualTo(1);
        // YARN stops a container with SIGTERM to its process group; the script passes it on to the JVM and the dump.
        sleeping.destroy();
        assertThat(sleeping.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(sleeping.exitValue()).isEqualTo(143);
        assertGone(children);
    }

    @Test
    void aListCutInTheMiddleOfALineStillMakesAnArchive() throws Exception {
        Files.createDirectories(store.resolve("lists"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rwx------"));
        // What a JVM still writing its list leaves: the last line cut short (this one would fail the whole dump).
        Path cut = store.resolve("lists/container_1_0001_01_000009.lst");
        Files.writeString(cut, "java/lang/Object\nio/weft/yarnconf/LaunchScriptProbe\n"
                + "@lambda-proxy jdk/internal/module/Module");
        age(cut);
        assertThat(run("container_1_0001_01_000001", true)).contains("dumping");
        assertThat(archives()).as("the dump's log: %s", dumpLog()).hasSize(1);
    }

    @Test
    void aDumpThatLeftNoArchiveIsNotTriedAgainSoon() throws Exception {
        run("container_1_0001_01_000001", true, false);
        age(store.resolve("lists/container_1_0001_01_000001.lst"));
        assertThat(run("container_1_0001_01_000002", true)).contains("dumping");
        assertThat(archives()).hasSize(1);
        // As if that dump's container had been stopped before it finished: its lock stays, the archive is not there.
        for (Path archive : archives()) {
            Files.delete(archive);
        }
        assertThat(run("container_1_0001_01_000003", true)).doesNotContain("dumping");
        assertThat(archives()).isEmpty();
        assertThat(run("container_1_0001_01_000004", true, true, Map.of("WEFT_CDS_RETRY_AFTER_S", "0"), 0))
                .contains("dumping");
        assertThat(archives()).hasSize(1);
    }

    private static void age(Path list) throws IOException {
        Files.setLastModifiedTime(list, FileTime.from(Instant.now().minusSeconds(60)));
    }

    /** The lock file of the one jar set these tests use (its name is the archive's, with another suffix). */
    private String archiveLock() throws IOException {
        try (Stream<Path> files = Files.list(store)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".lock")).findFirst()
                    .orElse("none.lock");
        }
    }

    private static void assertGone(List<ProcessHandle> processes) throws Exception {
        for (ProcessHandle process : processes) {
            process.onExit().get(60, TimeUnit.SECONDS);
        }
        assertThat(processes).noneMatch(ProcessHandle::isAlive);
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

    /** Separates JVM options from the probe's arguments in {@link #start}'s list. */
    private static final String PROBE_ARGS_MARK = "--probe-args--";

    private String run(String containerId, boolean withJarList) throws Exception {
        return run(containerId, withJarList, true);
    }

    private String run(String containerId, boolean withJarList, boolean mayDump) throws Exception {
        return run(containerId, withJarList, mayDump, Map.of(), 0);
    }

    /** Runs a "container" to its end, which must have the given status; returns what it printed. */
    private String run(String containerId, boolean withJarList, boolean mayDump, Map<String, String> moreEnv,
            int status, String... jvmOptionsThenArgs) throws Exception {
        Process process = start(containerId, withJarList, mayDump, moreEnv, jvmOptionsThenArgs);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isEqualTo(status);
        return output;
    }

    /**
     * Starts a "container": its directory, its link to the cached jar, YARN's variables, the script with the JVM
     * options, the probe and its arguments (after {@link #PROBE_ARGS_MARK}).
     */
    private Process start(String containerId, boolean withJarList, boolean mayDump, Map<String, String> moreEnv,
            String... jvmOptionsThenArgs) throws Exception {
        Path dir = Files.createDirectories(appDir.resolve(containerId));
        Path links = Files.createDirectories(dir.resolve(ContainerCommands.JARS_DIR));
        Files.createSymbolicLink(links.resolve("weft-probe.jar"), node.resolve("filecache/11/weft-probe.jar"));
        Files.writeString(dir.resolve("launch_container.sh"), "# the container's directory is not empty\n");
        List<String> options = new ArrayList<>(List.of(jvmOptionsThenArgs));
        int mark = options.indexOf(PROBE_ARGS_MARK);
        List<String> probeArgs = mark < 0 ? List.of() : options.subList(mark + 1, options.size());
        List<String> command = new ArrayList<>(List.of("/bin/bash", script.toString(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(mark < 0 ? options : options.subList(0, mark));
        command.add(PROBE);
        command.addAll(probeArgs);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("WEFT_") || name.equals("CLASSPATH"));
        env.putAll(Map.of("LOCAL_DIRS", appDir.toString(), "CONTAINER_ID", containerId,
                "CLASSPATH", dir + ":" + dir + "/" + ContainerCommands.JARS_DIR + "/*"));
        if (withJarList) {
            env.put(ContainerCommands.CDS_JARS_ENV, "weft-probe.jar");
            env.put(ContainerCommands.CDS_DUMP_ENV, String.valueOf(mayDump));
        }
        env.putAll(moreEnv);
        return builder.start();
    }
}
