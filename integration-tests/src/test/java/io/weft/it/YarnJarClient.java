package io.weft.it;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a user types, {@code yarn jar weft-examples-<version>-app.jar [options] <program> [args]}: Hadoop's real
 * entry point ({@code org.apache.hadoop.util.RunJar}) in a JVM of its own whose class path is Hadoop's client jars
 * only, as on a gateway machine, pointed at the embedded cluster. Used by {@link YarnJarTest} and the embedded
 * benchmark ({@link EmbeddedWordCount}), which times the client process from its start to its exit.
 */
final class YarnJarClient {

    private static final List<String> CLIENT_JARS = List.of("hadoop-client-api", "hadoop-client-runtime",
            "slf4j-api", "commons-logging", "log4j-api", "log4j-core", "log4j-slf4j2-impl");

    /**
     * @param exitCode the client's exit code, or -1 when it was stopped for taking too long
     * @param printed what it printed (stdout and stderr)
     * @param seconds from starting the process to its exit
     */
    record Run(int exitCode, String printed, double seconds) {
    }

    private YarnJarClient() {
    }

    /**
     * Runs the client and waits for it (at most 3 minutes). Called on any thread; blocks.
     *
     * @param clusters the embedded cluster
     * @param logDir where the client's output is written
     * @param args WeftSubmit's options, then the program and its arguments
     * @return how it went
     * @throws Exception when the process cannot be started or the wait is interrupted
     */
    static Run run(MiniClusters clusters, Path logDir, List<String> args) throws Exception {
        return run(clusters, logDir, args, java.util.Map.of());
    }

    /**
     * @param clusters the embedded cluster
     * @param logDir where the client's output is written
     * @param args WeftSubmit's options, then the program and its arguments
     * @param environment more environment variables for the client (such as HADOOP_CLIENT_SKIP_UNJAR)
     * @return how it went
     * @throws Exception when the process cannot be started or the wait is interrupted
     */
    static Run run(MiniClusters clusters, Path logDir, List<String> args, java.util.Map<String, String> environment)
            throws Exception {
        return run(clusters, logDir, args, environment, clientJars());
    }

    /** The Hadoop client jars (and their logging) of this JVM's class path: what a gateway's {@code yarn} has. */
    static List<String> clientJars() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> CLIENT_JARS.stream().anyMatch(new File(entry).getName()::startsWith)).toList();
    }

    /**
     * Lays out a Hadoop installation as a release does, {@code home/share/hadoop/common/lib} holding links to the
     * {@link #clientJars}, as a gateway's {@code yarn jar} class path would name them; links already there are kept.
     *
     * @param home the installation directory to create
     * @return the client class path: the links
     * @throws java.io.IOException when the directory or a link cannot be made
     */
    static List<String> installation(Path home) throws java.io.IOException {
        Path lib = Files.createDirectories(home.resolve(INSTALLATION_LIB));
        List<String> classPath = new ArrayList<>();
        for (String jar : clientJars()) {
            Path link = lib.resolve(new File(jar).getName());
            if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, Path.of(jar));
            }
            classPath.add(link.toString());
        }
        return classPath;
    }

    /** Where {@link #installation} puts the client jars, relative to the installation directory. */
    static final String INSTALLATION_LIB = "share/hadoop/common/lib";

    /**
     * A log4j2 configuration for the client that prints staging's INFO lines (jars staged, and left to the
     * cluster) and errors only otherwise; pass it as {@code LOG4J_CONFIGURATION_FILE} in the environment.
     *
     * @param dir where to write it
     * @return the file
     * @throws java.io.IOException when it cannot be written
     */
    static Path stagingLog(Path dir) throws java.io.IOException {
        return Files.writeString(Files.createTempFile(dir, "client-log4j2", ".properties"), String.join("\n",
                "appender.out.type = Console", "appender.out.name = out", "appender.out.layout.type = PatternLayout",
                "appender.out.layout.pattern = %m%n", "logger.staging.name = io.weft.am.submit.Staging",
                "logger.staging.level = info", "rootLogger.level = error", "rootLogger.appenderRef.out.ref = out"));
    }

    /**
     * @param clusters the embedded cluster
     * @param logDir where the client's output is written
     * @param args WeftSubmit's options, then the program and its arguments
     * @param environment more environment variables for the client (such as HADOOP_HOME)
     * @param clientJars the client JVM's class path (see {@link #clientJars})
     * @return how it went
     * @throws Exception when the process cannot be started or the wait is interrupted
     */
    static Run run(MiniClusters clusters, Path logDir, List<String> args, java.util.Map<String, String> environment,
            List<String> clientJars) throws Exception {
        String classPath = String.join(File.pathSeparator, clientJars);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx512m", "-cp", classPath, "org.apache.hadoop.util.RunJar",
                System.getProperty("weftit.appJar"),
                "--conf", "weft.yarn.hadoopConfDir=" + clusters.confDir,
                "--conf", "weft.yarn.javaHome=" + System.getProperty("java.home")));
        // As Hadoop's launcher scripts do: the client JVM's options from HADOOP_CLIENT_OPTS (say, a class-data
        // sharing archive on a gateway), placed before the class path.
        String clientOpts = environment.get("HADOOP_CLIENT_OPTS");
        if (clientOpts != null && !clientOpts.isBlank()) {
            command.addAll(2, List.of(clientOpts.trim().split("\\s+")));
        }
        command.addAll(args);
        Path log = Files.createTempFile(logDir, "client", ".log");
        long start = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process client = builder.start();
        boolean ended = client.waitFor(3, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!ended) {
            client.destroyForcibly();
        }
        return new Run(ended ? client.exitValue() : -1, Files.readString(log), seconds);
    }
}
