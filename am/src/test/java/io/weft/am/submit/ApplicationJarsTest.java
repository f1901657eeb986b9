package io.weft.am.submit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which class-path jars are the application's (staged privately, never PUBLIC) and which the framework's. */
class ApplicationJarsTest {

    @TempDir
    Path dir;

    private String framework;
    private String app;
    private List<String> classPath;

    private String jar(String name, String entry) throws IOException {
        Path jar = dir.resolve(name);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry(entry));
            out.closeEntry();
        }
        return jar.toString();
    }

    @BeforeEach
    void jars() throws IOException {
        framework = jar("weft-driver-1.0.jar", "io/weft/driver/DriverEngine.class");
        app = jar("my-app.jar", "com/example/Main.class");
        classPath = List.of(framework, app, dir.resolve("classes").toString());
    }

    @Test
    void theJarHoldingTheMainClassIsTheApplications() {
        assertThat(Staging.applicationJars(classPath, "com.example.Main", null)).containsExactly(app);
        assertThat(Staging.applicationJars(classPath, "com.example.Other", null)).isEmpty();
    }

    @Test
    void theJarALauncherRanIsTheApplicationsWhateverItHolds() {
        assertThat(Staging.applicationJars(classPath, null, "org.apache.hadoop.util.RunJar " + framework
                + " io.weft.am.WeftSubmit com.example.Main")).containsExactly(framework);
        assertThat(Staging.applicationJars(classPath, null, app + " --flag")).containsExactly(app);
    }

    @Test
    void withoutAMainClassTheJvmsCommandNamesIt() {
        assertThat(Staging.applicationJars(classPath, null, "com.example.Main arg1 arg2")).containsExactly(app);
        assertThat(Staging.applicationJars(classPath, null, null)).isEmpty();
    }
}
