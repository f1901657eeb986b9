package io.weft.am.master;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The command line of the client-mode ApplicationMaster ({@link ClientModeLauncher}), which the client writes and
 * the AM parses. Free text (paths, JVM options, URLs, node-label expressions such as {@code a && b}) travels
 * base64-encoded, because a container's command goes through a shell.
 *
 * @param driverHost where the driver listens
 * @param driverPort the driver's port
 * @param spec the executors to run
 * @param stagingDir the application's staging directory (qualified)
 * @param trackingUrl the driver's status UI, registered as the tracking URL, or null
 * @param policy the failure budget and node exclusion
 */
public record LauncherArguments(String driverHost, int driverPort, ExecutorSpec spec, String stagingDir,
        String trackingUrl, LaunchPolicy policy) {

    /**
     * @return the arguments that {@link #parse} turns back into these
     */
    public List<String> toArgs() {
        List<String> args = new ArrayList<>(List.of("--driver-host", driverHost, "--driver-port",
                String.valueOf(driverPort), "--executors", String.valueOf(spec.instances()), "--heap-mb",
                String.valueOf(spec.heapMb()), "--container-mb", String.valueOf(spec.containerMb()), "--cores",
                String.valueOf(spec.cores()), "--staging-dir", encode(stagingDir), "--policy", policy.encode()));
        if (!spec.javaOptions().isEmpty()) {
            args.addAll(List.of("--java-options", encode(String.join(" ", spec.javaOptions()))));
        }
        if (!spec.environment().isEmpty()) {
            StringBuilder lines = new StringBuilder();
            spec.environment().forEach((k, v) -> lines.append(k).append('=').append(v).append('\n'));
            args.addAll(List.of("--executor-env", encode(lines.toString())));
        }
        if (spec.inApplicationMaster()) {
            args.add("--executor-in-am");
        }
        if (trackingUrl != null) {
            args.addAll(List.of("--tracking-url", encode(trackingUrl)));
        }
        if (spec.nodeLabel() != null) {
            args.addAll(List.of("--node-label", encode(spec.nodeLabel())));
        }
        return args;
    }

    /**
     * @param args what {@link #toArgs()} made
     * @return the arguments
     * @throws IllegalArgumentException naming what is missing or malformed
     */
    public static LauncherArguments parse(String... args) {
        Parsed parsed = new Parsed();
        try {
            new CommandLine(parsed).parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException("Bad launcher arguments: " + e.getMessage(), e);
        }
        String options = decode(parsed.javaOptions).trim();
        ExecutorSpec spec = new ExecutorSpec(parsed.executors, parsed.heapMb, parsed.containerMb, parsed.cores,
                parsed.nodeLabel == null ? null : decode(parsed.nodeLabel),
                options.isEmpty() ? List.of() : List.of(options.split("\\s+")), environment(parsed.executorEnv),
                parsed.executorInAm);
        return new LauncherArguments(parsed.driverHost, parsed.driverPort, spec, decode(parsed.stagingDir),
                parsed.trackingUrl == null ? null : decode(parsed.trackingUrl), LaunchPolicy.decode(parsed.policy));
    }

    private static java.util.Map<String, String> environment(String encoded) {
        java.util.Map<String, String> environment = new java.util.LinkedHashMap<>();
        for (String line : decode(encoded).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                environment.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return environment;
    }

    private static String encode(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String encoded) {
        return new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
    }

    /** picocli's view of the command line. */
    private static final class Parsed {
        @Option(names = "--driver-host", required = true)
        String driverHost;
        @Option(names = "--driver-port", required = true)
        int driverPort;
        @Option(names = "--executors", required = true)
        int executors;
        @Option(names = "--heap-mb", required = true)
        int heapMb;
        @Option(names = "--container-mb", required = true)
        int containerMb;
        @Option(names = "--cores", required = true)
        int cores;
        @Option(names = "--staging-dir", required = true)
        String stagingDir;
        @Option(names = "--policy", required = true)
        String policy;
        @Option(names = "--java-options")
        String javaOptions = "";
        @Option(names = "--executor-env")
        String executorEnv = "";
        @Option(names = "--executor-in-am")
        boolean executorInAm;
        @Option(names = "--tracking-url")
        String trackingUrl;
        @Option(names = "--node-label")
        String nodeLabel;
    }
}
