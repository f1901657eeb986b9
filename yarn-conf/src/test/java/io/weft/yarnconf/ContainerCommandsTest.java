package io.weft.yarnconf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.yarn.api.records.LocalResource;
import org.apache.hadoop.yarn.api.records.LocalResourceType;
import org.apache.hadoop.yarn.api.records.LocalResourceVisibility;
import org.apache.hadoop.yarn.api.records.URL;
import org.junit.jupiter.api.Test;

class ContainerCommandsTest {

    private static LocalResource resource(String file, LocalResourceVisibility visibility) {
        return LocalResource.newInstance(URL.newInstance("hdfs", "nn", 8020, "/cache/" + file),
                LocalResourceType.FILE, visibility, 10, 1);
    }

    private static Map<String, LocalResource> staged(boolean withScript) {
        Map<String, LocalResource> resources = new LinkedHashMap<>();
        resources.put("core-site.xml", resource("core-site.xml", LocalResourceVisibility.APPLICATION));
        if (withScript) {
            resources.put(ContainerCommands.LAUNCH_SCRIPT, resource("s.sh", LocalResourceVisibility.APPLICATION));
        }
        resources.put("__weft_jars__/weft-api-1.0.jar", resource("a.jar", LocalResourceVisibility.PUBLIC));
        resources.put("__weft_jars__/my-app.jar", resource("b.jar", LocalResourceVisibility.APPLICATION));
        resources.put("__weft_jars__/odd name;rm.jar", resource("c.jar", LocalResourceVisibility.PUBLIC));
        resources.put("__weft_jars__/kryo-5.6.2.jar", resource("d.jar", LocalResourceVisibility.PUBLIC));
        return resources;
    }

    @Test
    void onlyTheFrameworkJarsWithPlainNamesMayBeArchivedInClassPathOrder() {
        Map<String, String> env = ContainerCommands.withClassDataSharing(Map.of("CLASSPATH", "x"), staged(true),
                1408, 1024);
        assertThat(env).containsEntry(ContainerCommands.CDS_JARS_ENV, "weft-api-1.0.jar:kryo-5.6.2.jar")
                .containsEntry(ContainerCommands.CDS_DUMP_ENV, "true").containsEntry("CLASSPATH", "x");
    }

    @Test
    void aContainerWithLittleRoomBeyondItsHeapUsesArchivesButDumpsNone() {
        Map<String, String> env = ContainerCommands.withClassDataSharing(Map.of(), staged(true), 1024 + 256, 1024);
        assertThat(env).containsEntry(ContainerCommands.CDS_DUMP_ENV, "false")
                .containsKey(ContainerCommands.CDS_JARS_ENV);
    }

    @Test
    void withoutTheStagedScriptNothingChanges() {
        Map<String, String> base = Map.of("CLASSPATH", "x");
        assertThat(ContainerCommands.withClassDataSharing(base, staged(false), 2048, 512)).isEqualTo(base);
        String plain = ContainerCommands.command(512, "Main", List.of("a"), List.of(), staged(false)).get(0);
        assertThat(plain).startsWith("{{JAVA_HOME}}/bin/java -Xmx512m").doesNotContain("weft-launch");
    }

    @Test
    void theStagedScriptStartsTheJvm() {
        String command = ContainerCommands.command(512, "Main", List.of("a"), List.of("-Dx=1"), staged(true)).get(0);
        assertThat(command).startsWith("/bin/bash weft-launch.sh {{JAVA_HOME}}/bin/java -Xmx512m")
                .contains("-Dx=1 Main a 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr");
    }
}
