package io.weft.runtime.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.WeftException;
import io.weft.conf.WeftConf;
import io.weft.runtime.files.ShippedClassLoader;
import io.weft.runtime.files.ShippedFile;
import io.weft.runtime.serial.KryoPool;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An executor's class-loader scopes on a real environment (local file system): stage binaries name their scope,
 * a scope's jars are fetched onto its own loader only, and a dropped scope leaves nothing behind and refuses
 * tasks.
 */
@Timeout(60)
class ExecutorScopesTest {

    private static Path jarWith(Path dir, String name, String resource, String content) throws Exception {
        Path jar = dir.resolve(name);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry(resource));
            out.write(content.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    private static ExecutorEnvironment environment(Path dir) {
        KryoPool kryo = new KryoPool(new ShippedClassLoader(ExecutorScopesTest.class.getClassLoader()));
        return ExecutorEnvironments.create("exec-1", "localhost", 1,
                WeftConf.validate(Map.of("weft.local.dir", dir.resolve("local").toString())), new Configuration(),
                new org.apache.hadoop.fs.Path(dir.resolve("shuffle").toUri()), kryo);
    }

    @Test
    void stageBinariesCarryTheScopeAheadOfAPayloadWrittenWithItsSerializers(@TempDir Path dir) {
        KryoPool kryo = new KryoPool(getClass().getClassLoader());
        ShippedFile file = new ShippedFile("data.txt", "file:/x/data.txt", 1000L, false);
        ShippedFile jar = new ShippedFile("0-app.jar", "file:/x/0-app.jar", 2000L, true);
        byte[] unscoped = StageBinaries.serialize(kryo, List.of(file), List.of("payload"));
        StageBinaries.Header header = StageBinaries.readHeader(kryo, unscoped);
        assertThat(header.scope()).isNull();
        assertThat(header.files()).containsExactly(file);
        assertThat(StageBinaries.readPayload(kryo, unscoped, header)).isEqualTo(List.of("payload"));

        KryoPool scopeKryo = new KryoPool(new ShippedClassLoader(getClass().getClassLoader()));
        byte[] scoped = StageBinaries.serialize(kryo, List.of(file), new StageScope("s@1", List.of(jar)), scopeKryo,
                List.of("scoped payload"));
        header = StageBinaries.readHeader(kryo, scoped);
        assertThat(header.scope()).isEqualTo(new StageScope("s@1", List.of(jar)));
        assertThat(header.files()).containsExactly(file);
        assertThat(StageBinaries.readPayload(scopeKryo, scoped, header)).isEqualTo(List.of("scoped payload"));
    }

    @Test
    void aScopesJarsJoinItsOwnLoaderOnlyAndADroppedScopeLeavesNothingAndRefusesTasks(@TempDir Path dir)
            throws Exception {
        ExecutorEnvironment base = environment(dir);
        Path published = Files.createDirectories(dir.resolve("published"));
        Path jarA = jarWith(published, "0-a.jar", "which.txt", "a");
        Path jarB = jarWith(published, "0-b.jar", "which.txt", "b");
        try (ExecutorScopes scopes = new ExecutorScopes(base)) {
            StageScope a = new StageScope("a@1", List.of(new ShippedFile("0-a.jar", jarA.toUri().toString(), 1000L,
                    true)));
            StageScope b = new StageScope("b@2", List.of(new ShippedFile("0-b.jar", jarB.toUri().toString(), 1000L,
                    true)));
            ExecutorEnvironment envA = scopes.environment(a);
            ExecutorEnvironment envB = scopes.environment(b);
            assertThat(scopes.environment(a)).isSameAs(envA); // one per scope
            assertThat(read(envA.kryo().classLoader())).isEqualTo("a");
            assertThat(read(envB.kryo().classLoader())).isEqualTo("b");
            assertThat(base.kryo().classLoader().getResource("which.txt")).isNull();
            // The scope shares the executor's stores, and reads with its own serializers.
            assertThat(envA.shuffleStore()).isSameAs(base.shuffleStore());
            assertThat(envA.kryo()).isNotSameAs(base.kryo());
            File dirA = new File(new File(base.localDir(), "scopes"), StageScope.directoryName("a@1"));
            assertThat(new File(dirA, "jars/0-a.jar")).isFile();

            scopes.drop("a@1");
            scopes.drop("a@1"); // idempotent
            assertThat(dirA).doesNotExist();
            assertThat(scopes.open()).containsExactly("b@2");
            assertThat(envA.kryo().classLoader().getResource("which.txt")).isNull(); // its loader is closed
            assertThatThrownBy(() -> scopes.environment(a)).isInstanceOf(WeftException.class)
                    .hasMessageContaining("a@1").hasMessageContaining("closed");
        } finally {
            base.shuffleStore().close();
        }
    }

    private static String read(ClassLoader loader) throws Exception {
        try (var in = loader.getResourceAsStream("which.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
