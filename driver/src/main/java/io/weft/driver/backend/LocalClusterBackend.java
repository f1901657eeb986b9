package io.weft.driver.backend;

import io.weft.api.WeftException;
import io.weft.conf.ConfigKeys;
import io.weft.conf.JvmOptions;
import io.weft.driver.DriverContext;
import io.weft.driver.endpoint.DriverEndpoint;
import io.weft.planner.ClusterEvents;
import io.weft.runtime.channel.ApplicationSecrets;
import io.weft.runtime.channel.ChannelOptions;
import io.weft.runtime.executor.ExecutorMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code local-cluster[E,C,M]}: E executor JVMs on this machine with C cores and M MB of heap each, started
 * with this JVM's class path, talking to the driver over the authenticated network channel that YARN
 * containers use. Closures, class loading and serialization cannot hide behind shared memory here.
 */
public final class LocalClusterBackend extends RemoteExecutorsBackend {

    private static final Logger LOG = LoggerFactory.getLogger(LocalClusterBackend.class);

    private final int executors;
    private final int cores;
    private final int memoryMb;
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, Path> logs = new LinkedHashMap<>();
    private Path workDir;
    private Path secretFile;
    private int port;

    /**
     * @param executors how many executor JVMs
     * @param cores task threads in each
     * @param memoryMb heap of each, in MB
     */
    public LocalClusterBackend(int executors, int cores, int memoryMb) {
        if (executors < 1 || cores < 1 || memoryMb < 64) {
            throw new WeftException("local-cluster[" + executors + "," + cores + "," + memoryMb + "] needs at least"
                    + " 1 executor, 1 core and 64 MB");
        }
        this.executors = executors;
        this.cores = cores;
        this.memoryMb = memoryMb;
    }

    @Override
    protected byte[] applicationSecret(DriverContext context) throws IOException {
        byte[] secret = ApplicationSecrets.random();
        workDir = Files.createTempDirectory("weft-" + context.applicationId() + "-");
        secretFile = workDir.resolve("secret");
        Files.createFile(secretFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        // The executors get their role's secret only, as YARN executors do (ApplicationSecrets).
        Files.write(secretFile, ApplicationSecrets.forRole(secret, io.weft.runtime.channel.PeerRole.EXECUTOR));
        return secret;
    }

    /** Executors run on this machine: loopback only, whatever {@code weft.driver.bindAddress} says. */
    @Override
    protected String bindAddress(io.weft.conf.WeftConf conf) {
        return "127.0.0.1";
    }

    @Override
    protected void startExecutors(ClusterEvents scheduler, DriverContext context, byte[] secret,
            DriverEndpoint endpoint, int port) throws IOException {
        this.port = port;
        for (int i = 0; i < executors; i++) {
            launch(String.valueOf(i + 1), secretFile, context);
        }
    }

    @Override
    protected int expectedExecutors() {
        return executors;
    }

    @Override
    protected Optional<String> registrationImpossible() {
        return processes.values().stream().filter(p -> !p.isAlive()).findFirst()
                .map(dead -> "an executor exited with code " + dead.exitValue());
    }

    @Override
    protected String description() {
        return "local-cluster[" + executors + "," + cores + "," + memoryMb + "]";
    }

    @Override
    protected String whereToLook() {
        return "Executor logs: " + logs.values() + tailOfLogs();
    }

    private void launch(String executorId, Path secretFile, DriverContext context) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + memoryMb + "m");
        command.addAll(JvmOptions.ADD_OPENS);
        command.addAll(ConfigKeys.splitOptions(context.conf().get(ConfigKeys.EXECUTOR_JAVA_OPTIONS)));
        // Scratch space inside the backend's work directory, so even a killed executor's spills are removed.
        Path scratch = Files.createDirectories(workDir.resolve("executor-" + executorId + "-tmp"));
        command.add("-Djava.io.tmpdir=" + scratch);
        command.add(ChannelOptions.from(context.conf()).jvmOption());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ExecutorMain.class.getName());
        command.add("127.0.0.1");
        command.add(String.valueOf(port));
        command.add(executorId);
        command.add(String.valueOf(cores));
        command.add(secretFile.toString());
        Path log = workDir.resolve("executor-" + executorId + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(ConfigKeys.withPrefix(context.conf(), ConfigKeys.EXECUTOR_ENV_PREFIX));
        Process process = builder.start();
        processes.put(executorId, process);
        logs.put(executorId, log);
        // The exit code explains a lost executor better than its dropped connection does (137: killed, e.g. by the
        // kernel's OOM killer).
        process.onExit().thenAccept(exited -> {
            DriverEndpoint current = this.endpoint;
            if (current != null) {
                current.executorExited(executorId, "its process " + exited.pid() + " exited with code "
                        + exited.exitValue() + "; log: " + log, true);
            }
        });
        LOG.info("Started executor {} (pid {}), log {}", executorId, process.pid(), log);
    }

    private String tailOfLogs() {
        StringBuilder out = new StringBuilder();
        logs.forEach((id, log) -> {
            try {
                List<String> lines = Files.readAllLines(log);
                if (!lines.isEmpty()) {
                    out.append("\n--- executor ").append(id).append(" ---\n").append(lines.subList(
                            Math.max(0, lines.size() - 15), lines.size()).stream().collect(Collectors.joining("\n")));
                }
            } catch (IOException ignored) {
                // The log is optional context for the error.
            }
        });
        return out.toString();
    }

    /** @return the driver endpoint's port, for tests */
    public int port() {
        return port;
    }

    /**
     * @param executorId an executor
     * @return its process, for tests that kill executors
     */
    public Process process(String executorId) {
        return processes.get(executorId);
    }

    @Override
    public int defaultParallelism() {
        return executors * cores;
    }

    @Override
    public void close() {
        closeEndpoint();
        for (Process process : processes.values()) {
            try {
                if (!process.waitFor(3, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        if (workDir != null) {
            if (!io.weft.runtime.io.LocalFiles.deleteRecursively(workDir.toFile())) {
                LOG.debug("Could not delete all of {}", workDir);
            }
        }
    }
}
