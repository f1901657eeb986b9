package io.weft.driver.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.Broadcast;
import io.weft.api.CollectionAccumulator;
import io.weft.api.JobFailedException;
import io.weft.api.Pair;
import io.weft.api.WeftSession;
import io.weft.driver.DriverEngine;
import io.weft.driver.JobScope;
import io.weft.runtime.executor.ExecutorTaskContext;
import java.io.File;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Class-loader scopes on one engine: two scopes ship two versions of {@code demo.Greeter} (compiled at test
 * time, on no class path of the test) and run jobs at once from two threads; each sees its own version in tasks,
 * through a shuffle of its values, a broadcast, an accumulator and its results. In local mode (executor threads)
 * and local-cluster (executor JVMs over real sockets).
 */
@Timeout(240)
class JobScopesTest {

    private static final List<String> WORDS = List.of("a", "b", "c", "a", "b", "a");

    /** Compiles demo.Greeter returning the version; v1's jar also has demo.OnlyInV1. */
    private static Path greeterJar(Path dir, String version) throws Exception {
        Path jar = TestJars.compile(dir.resolve(version), "demo.Greeter", String.join("\n", List.of(
                "package demo;",
                "public class Greeter implements java.io.Serializable {",
                "    private final int count;",
                "    public Greeter(int count) { this.count = count; }",
                "    public Greeter merge(Greeter other) { return new Greeter(count + other.count); }",
                "    public String describe() { return \"" + version + "x\" + count; }",
                "}")));
        if (version.equals("v1")) {
            Path only = TestJars.compile(dir.resolve("only"), "demo.OnlyInV1",
                    "package demo; public class OnlyInV1 { }");
            Path boom = TestJars.compile(dir.resolve("boom"), "demo.Boom",
                    "package demo; public class Boom extends RuntimeException {"
                    + " public Boom(String m) { super(m); } }");
            return mergeJars(List.of(jar, only, boom), dir.resolve("v1-all.jar"));
        }
        return jar;
    }

    private static Path mergeJars(List<Path> jars, Path target) throws Exception {
        try (var out = new java.util.jar.JarOutputStream(java.nio.file.Files.newOutputStream(target))) {
            for (Path jar : jars) {
                try (var in = new java.util.jar.JarFile(jar.toFile())) {
                    for (var e : java.util.Collections.list(in.entries())) {
                        out.putNextEntry(new java.util.jar.JarEntry(e.getName()));
                        in.getInputStream(e).transferTo(out);
                        out.closeEntry();
                    }
                }
            }
        }
        return target;
    }

    /** The task's (or driver's) scope: the thread's context class loader. */
    static Object greeter(int count) throws Exception {
        return Class.forName("demo.Greeter", true, Thread.currentThread().getContextClassLoader())
                .getConstructor(int.class).newInstance(count);
    }

    static Object merge(Object a, Object b) {
        try {
            return a.getClass().getMethod("merge", a.getClass()).invoke(a, b);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static String describe(Object greeter) throws Exception {
        return (String) greeter.getClass().getMethod("describe").invoke(greeter);
    }

    /** What one scope's thread sees: its jobs' outputs. */
    private static List<String> runJobs(WeftSession weft, JobScope scope, CyclicBarrier start) throws Exception {
        return scope.call(() -> {
            List<String> seen = new ArrayList<>();
            start.await(60, TimeUnit.SECONDS);
            for (int round = 0; round < 3; round++) {
                // A shuffle of the scope's values: written and read with its class loader on the executors.
                List<String> counts = weft.parallelize(WORDS, 3).mapToPair(w -> Pair.of(w, greeter(1)))
                        .reduceByKey(JobScopesTest::merge, 2).map(p -> p.key() + "=" + describe(p.value()))
                        .collect();
                seen.add(String.join(",", new java.util.TreeSet<>(counts)));
            }
            // A broadcast value of the scope's class, read in tasks.
            Broadcast<Object> shared = weft.broadcast(greeter(7));
            seen.add(String.join(",", new java.util.TreeSet<>(weft.parallelize(List.of(1, 2, 3, 4), 4)
                    .map(i -> describe(shared.value())).collect())));
            // An accumulator holding the scope's objects, read back on the driver with its loader.
            CollectionAccumulator<Object> made = weft.collectionAccumulator("made");
            weft.parallelize(List.of(1, 2, 3), 3).foreach(i -> made.add(greeter(i)));
            List<String> accumulated = new ArrayList<>();
            for (Object g : made.value()) {
                assertThat(g.getClass().getClassLoader()).isSameAs(scope.classLoader());
                accumulated.add(describe(g));
            }
            seen.add(String.join(",", new java.util.TreeSet<>(accumulated)));
            // Cached serialized (and on disk) and checkpointed records of the scope's class, read back in tasks.
            io.weft.api.Dataset<Object> kept = weft.parallelize(List.of(1, 2, 3), 3).map(JobScopesTest::greeter)
                    .persist(io.weft.api.StorageLevel.DISK_ONLY);
            kept.checkpoint();
            assertThat(kept.count()).isEqualTo(3);
            seen.add(String.join(",", new java.util.TreeSet<>(kept.map(JobScopesTest::describe).collect())));
            // Results of the scope's class, read on the driver with its loader.
            List<Object> results = weft.parallelize(List.of(2, 3), 2).map(JobScopesTest::greeter).collect();
            for (Object g : results) {
                assertThat(g.getClass().getClassLoader()).isSameAs(scope.classLoader());
            }
            return seen;
        });
    }

    private static List<String> expected(String v) {
        return List.of("a=" + v + "x3,b=" + v + "x2,c=" + v + "x1", "a=" + v + "x3,b=" + v + "x2,c=" + v + "x1",
                "a=" + v + "x3,b=" + v + "x2,c=" + v + "x1", v + "x7", v + "x1," + v + "x2," + v + "x3",
                v + "x1," + v + "x2," + v + "x3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"local[2]", "local-cluster[2,1,256]"})
    void twoScopesRunTheirOwnVersionsOfAClassAtOnce(String master, @TempDir Path dir) throws Exception {
        Path v1 = greeterJar(dir, "v1");
        Path v2 = greeterJar(dir, "v2");
        try (WeftSession weft = WeftSession.builder().master(master).getOrCreate()) {
            weft.setCheckpointDir(dir.resolve("checkpoints").toUri().toString());
            DriverEngine engine = (DriverEngine) weft.engine();
            JobScope one = engine.openScope("one", List.of(v1.toFile()));
            JobScope two = engine.openScope("two", List.of(v2.toFile()));
            assertThatThrownBy(() -> engine.openScope("one", List.of(v2.toFile())))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one");

            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                CyclicBarrier start = new CyclicBarrier(2);
                Future<List<String>> first = threads.submit(() -> runJobs(weft, one, start));
                Future<List<String>> second = threads.submit(() -> runJobs(weft, two, start));
                assertThat(first.get(180, TimeUnit.SECONDS)).isEqualTo(expected("v1"));
                assertThat(second.get(180, TimeUnit.SECONDS)).isEqualTo(expected("v2"));
            } finally {
                threads.shutdownNow();
            }

            // A class only scope one has: loadable there, not in scope two, on the driver and in tasks.
            assertThat(one.classLoader().loadClass("demo.OnlyInV1")).isNotNull();
            assertThatThrownBy(() -> two.classLoader().loadClass("demo.OnlyInV1"))
                    .isInstanceOf(ClassNotFoundException.class);
            assertThat(one.call(() -> weft.parallelize(List.of(1), 1).map(i -> Class.forName("demo.OnlyInV1",
                    true, Thread.currentThread().getContextClassLoader()).getName()).collect()))
                    .containsExactly("demo.OnlyInV1");
            assertThatThrownBy(() -> two.call(() -> weft.parallelize(List.of(1), 1).map(i -> Class.forName(
                    "demo.OnlyInV1", true, Thread.currentThread().getContextClassLoader()).getName()).collect()))
                    .isInstanceOf(JobFailedException.class).hasStackTraceContaining("demo.OnlyInV1");
            // A task's exception of the scope's class reaches the driver by name, message and stack trace.
            assertThatThrownBy(() -> one.call(() -> weft.parallelize(List.of(1), 1).map(i -> {
                throw (RuntimeException) Class.forName("demo.Boom", true,
                        Thread.currentThread().getContextClassLoader()).getConstructor(String.class)
                        .newInstance("boom in v1");
            }).collect())).isInstanceOf(JobFailedException.class).hasStackTraceContaining("demo.Boom")
                    .hasStackTraceContaining("boom in v1");
            // Outside any scope neither version exists.
            assertThatThrownBy(() -> weft.parallelize(List.of(1), 1).map(JobScopesTest::greeter).collect())
                    .isInstanceOf(JobFailedException.class).hasStackTraceContaining("demo.Greeter");
            assertThatThrownBy(() -> engine.kryo().classLoader().loadClass("demo.Greeter"))
                    .isInstanceOf(ClassNotFoundException.class);

            File published = new File(engine.shuffleDir().toUri().getPath(), "weft-scopes");
            assertThat(published.list()).hasSize(2);
            // Published like the application's own files: only its user can read them.
            for (File scopeDir : published.listFiles()) {
                assertThat(java.nio.file.Files.getPosixFilePermissions(scopeDir.toPath()))
                        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
                for (File jar : scopeDir.listFiles()) {
                    assertThat(java.nio.file.Files.getPosixFilePermissions(jar.toPath()))
                            .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                }
            }
            one.close();
            one.close(); // idempotent
            assertThat(published.list()).hasSize(1);
            // Its loader is closed: it finds nothing in its jar any more.
            assertThat(((URLClassLoader) one.classLoader()).findResource("demo/Greeter.class")).isNull();
            assertThatThrownBy(() -> one.call(() -> 1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
            // Executors dropped it too: no executor keeps a directory of it; scope two is still there.
            List<List<String>> scopeDirs = weft.parallelize(List.of(1, 2, 3, 4, 5, 6), 6)
                    .map(i -> scopeDirectories()).collect();
            assertThat(scopeDirs).allSatisfy(names -> assertThat(names).noneMatch(n -> n.startsWith("one_")));
            assertThat(scopeDirs).anySatisfy(names -> assertThat(names).anyMatch(n -> n.startsWith("two_")));
            // The id is free again.
            try (JobScope again = engine.openScope("one", List.of(v2.toFile()))) {
                assertThat(again.call(() -> weft.parallelize(List.of(5), 1).map(i -> describe(greeter(i)))
                        .collect())).containsExactly("v2x5");
            }
            two.close();
            assertThat(published.list()).isEmpty();
        }
    }

    /** In a task: the scope directories of this executor. */
    static List<String> scopeDirectories() {
        String[] names = new File(ExecutorTaskContext.currentEnvironment().localDir(), "scopes").list();
        return names == null ? List.of() : List.of(names);
    }
}
