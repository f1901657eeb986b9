package io.weft.driver.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.conf.JvmOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Attached programs in JVMs of their own ({@link SessionClientMain}), for the session tests. */
final class SessionClients {

    static final long WAIT_MILLIS = 120_000;

    private SessionClients() {
    }

    /** An attached program's process, its output in a file of {@code KEY value} lines. */
    record Client(Process process, Path output) {
        Map<String, String> lines() throws Exception {
            Map<String, String> values = new HashMap<>();
            for (String line : Files.readAllLines(output)) {
                int space = line.indexOf(' ');
                if (space > 0 && line.substring(0, space).matches("[A-Z0-9_]+")) {
                    values.put(line.substring(0, space), line.substring(space + 1));
                }
            }
            return values;
        }

        /** Waits for a clean exit; @return its output's values. */
        Map<String, String> await() throws Exception {
            assertThat(process.waitFor(WAIT_MILLIS, TimeUnit.MILLISECONDS)).as("client exited").isTrue();
            assertThat(process.exitValue()).as("client exit code; output:\n" + Files.readString(output)).isZero();
            return lines();
        }
    }

    /**
     * @param endpointFile the session's endpoint file
     * @param dir where the output goes
     * @param args the scenario and its arguments
     * @return the started client
     */
    static Client launch(Path endpointFile, Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.addAll(JvmOptions.ADD_OPENS);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(SessionClientMain.class.getName());
        command.add(endpointFile.toString());
        command.addAll(List.of(args));
        Path output = Files.createTempFile(dir, "client-", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                .start();
        return new Client(process, output);
    }
}
