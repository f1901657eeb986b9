package io.weft.driver.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.weft.api.SerializableFunction;
import io.weft.api.WeftException;
import io.weft.api.WeftSession;
import io.weft.api.lineage.ParallelizeNode;
import io.weft.driver.DriverEngine;
import io.weft.driver.Poll;
import io.weft.runtime.channel.ChannelOptions;
import io.weft.runtime.channel.Channels;
import io.weft.runtime.channel.PeerRole;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long-running session on {@code local-cluster[2,1,512]} (real executor JVMs, started once for the class) with
 * its {@link SessionService}, and programs attached over real sockets: most in JVMs of their own
 * ({@link SessionClientMain}), some in this JVM through {@link SessionClientEngine} directly.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SessionServiceTest {

    private static final long WAIT_MILLIS = SessionClients.WAIT_MILLIS;

    @TempDir
    static Path dir;

    private static WeftSession weft;
    private static DriverEngine engine;
    private static SessionService service;
    private static Path endpointFile;

    @BeforeAll
    static void start() throws Exception {
        weft = WeftSession.builder().appName("session-service-test").master("local-cluster[2,1,512]").getOrCreate();
        engine = (DriverEngine) weft.engine();
        service = SessionService.start(engine, new UnscopedSessionScopes(engine.kryo()), dir.resolve("jars").toFile());
        endpointFile = dir.resolve("session");
        service.endpoint().writeTo(FileSystem.getLocal(new Configuration()),
                new org.apache.hadoop.fs.Path(endpointFile.toString()));
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        if (weft != null) {
            weft.close();
        }
    }

    // ---- helpers ----

    private static SessionClients.Client launch(String... args) throws Exception {
        return SessionClients.launch(endpointFile, dir, args);
    }

    private static void awaitFile(Path file) throws InterruptedException {
        assertThat(Poll.until(() -> Files.exists(file), WAIT_MILLIS, 20)).as(file + " appears").isTrue();
    }

    /** A tiny job through an in-JVM attached engine: sums 1..n doubled over 2 partitions. */
    static long tinyJob(io.weft.api.spi.Engine client, int n) {
        List<Integer> data = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            data.add(i);
        }
        SerializableFunction<Iterator<Integer>, Long> sum = it -> {
            long s = 0;
            while (it.hasNext()) {
                s += 2L * it.next();
            }
            return s;
        };
        List<Long> parts = client.runJob(new ParallelizeNode<>(client.newNodeId(), "tiny", data, 2), sum, null,
                "tinyJob");
        return parts.stream().mapToLong(Long::longValue).sum();
    }

    private static SessionClientEngine attachHere(List<File> jars) {
        return SessionClientEngine.connect(service.endpoint(), "in-jvm", Map.of(), jars);
    }

    // ---- tests ----

    @Test
    void twoClientsAttachedConcurrentlyCountWordsExactly() throws Exception {
        SessionClients.Client one = launch("wordcount", "1");
        SessionClients.Client two = launch("wordcount", "2");
        Map<String, String> a = one.await();
        Map<String, String> b = two.await();
        assertThat(a.get("ATTACHED")).isNotEqualTo(b.get("ATTACHED"));
        for (int job = 1; job <= 3; job++) {
            assertThat(a.get("COUNTS" + job)).isEqualTo(SessionClientMain.countLocally(SessionClientMain.lines(1))
                    .toString());
            assertThat(b.get("COUNTS" + job)).isEqualTo(SessionClientMain.countLocally(SessionClientMain.lines(2))
                    .toString());
        }
        // Figures only (no assertion on time): the first job pays for the closure classes' first use.
        System.out.printf("Session WordCount (4 partitions, shuffle to 3): client 1 jobs %s / %s / %s ms, client 2"
                + " jobs %s / %s / %s ms%n", a.get("JOB1_MS"), a.get("JOB2_MS"), a.get("JOB3_MS"), b.get("JOB1_MS"),
                b.get("JOB2_MS"), b.get("JOB3_MS"));
    }

    @Test
    void aWrongSecretOrTheExecutorSecretIsRefusedAndNothingElseIsAffected() throws Exception {
        try (SessionClientEngine good = attachHere(List.of())) {
            SessionEndpoint real = service.endpoint();
            SessionEndpoint wrong = new SessionEndpoint(real.applicationId(), real.host(), real.port(), real.encrypt(),
                    io.weft.runtime.channel.ApplicationSecrets.random());
            assertThatThrownBy(() -> SessionClientEngine.connect(wrong, "intruder", Map.of(), List.of()))
                    .isInstanceOf(WeftException.class).hasMessageContaining("secret was refused");
            SessionEndpoint executorSecret = new SessionEndpoint(real.applicationId(), real.host(), real.port(),
                    real.encrypt(), executorSecret());
            assertThatThrownBy(() -> SessionClientEngine.connect(executorSecret, "executor", Map.of(), List.of()))
                    .isInstanceOf(WeftException.class).hasMessageContaining("secret was refused");
            assertThat(tinyJob(good, 10)).isEqualTo(110);
            assertThat(((io.weft.driver.backend.RemoteExecutorsBackend) engine.backend()).executorPids()).hasSize(2);
            // Earlier tests' attachments detach asynchronously; the refused ones never attached.
            assertThat(Poll.until(() -> service.attachedPrograms() == 1, WAIT_MILLIS, 20)).isTrue();
        }
    }

    /** What an executor holds: its role's secret, from the file local-cluster gives it (its last argument). */
    private static byte[] executorSecret() throws Exception {
        long pid = ((io.weft.driver.backend.RemoteExecutorsBackend) engine.backend()).executorPids().values().iterator().next();
        String[] arguments = Files.readString(Path.of("/proc/" + pid + "/cmdline")).split("\0");
        byte[] secret = Files.readAllBytes(Path.of(arguments[arguments.length - 1]));
        assertThat(secret).hasSize(32);
        return secret;
    }

    @Test
    void anAccumulatorAndABroadcastWorkAcrossTheWire() throws Exception {
        Map<String, String> out = launch("accbroadcast").await();
        assertThat(out.get("ACC1")).isEqualTo(String.valueOf(5050 * 7));
        assertThat(out.get("ACC2")).isEqualTo(String.valueOf(5050 * 7 + 100));
        assertThat(out.get("BROADCAST_LOCAL")).isEqualTo("7");
        assertThat(out.get("BROADCAST_REMOTE")).isEqualTo("[7, 14, 21]");
    }

    @Test
    void textAndHadoopInputAndOutputGoThroughTheSession() throws Exception {
        Path in = dir.resolve("input-" + System.nanoTime() + ".txt");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            lines.add("line " + i);
        }
        Files.write(in, lines);
        Path outText = dir.resolve("out-text-" + System.nanoTime());
        Path outSequence = dir.resolve("out-seq-" + System.nanoTime());
        Map<String, String> out = launch("hadoopio", in.toString(), outText.toString(), outSequence.toString())
                .await();
        assertThat(out.get("TEXT_COUNT")).isEqualTo("100");
        assertThat(out.get("HADOOP_COUNT")).isEqualTo("100");
        assertThat(out.get("SAVED")).isEqualTo("yes");
        List<String> written = new ArrayList<>();
        try (var parts = Files.list(outText)) {
            for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList()) {
                written.addAll(Files.readAllLines(part));
            }
        }
        assertThat(written).containsExactlyElementsOf(lines.stream().map(String::toUpperCase).toList());
        assertThat(outSequence.resolve("_SUCCESS")).exists();
    }

    @Test
    void manyThreadsOfOneProgramRunJobsAtOnceOnOneConnection() throws Exception {
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(6);
        try (SessionClientEngine attached = attachHere(List.of())) {
            List<java.util.concurrent.CompletableFuture<Long>> jobs = new ArrayList<>();
            for (int t = 1; t <= 6; t++) {
                int n = t * 10;
                jobs.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> tinyJob(attached, n), threads));
            }
            for (int t = 1; t <= 6; t++) {
                long n = t * 10L;
                assertThat(jobs.get(t - 1).get(WAIT_MILLIS, TimeUnit.MILLISECONDS)).isEqualTo(n * (n + 1));
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aCheckpointWrittenByOneJobIsReadByTheNext() throws Exception {
        Path checkpoints = Files.createTempDirectory(dir, "checkpoints");
        Map<String, String> out = launch("checkpoint", checkpoints.toString()).await();
        assertThat(out.get("CHECKPOINT1")).isEqualTo("[2, 4, 6, 8, 10]");
        assertThat(out.get("CHECKPOINT2")).isEqualTo("[3, 5, 7, 9, 11]");
        assertThat(out.get("COMPUTED2")).as("the second job reads the checkpoint, it does not recompute")
                .isEqualTo(out.get("COMPUTED1"));
        try (var files = Files.walk(checkpoints)) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith("part-")).count())
                    .as("the checkpoint's two partitions, written once").isEqualTo(2);
        }
    }

    @Test
    void anAttachedProgramsSortChoosesItsRangesBeforeItsLineageTravels() throws Exception {
        Map<String, String> out = launch("sort").await();
        assertThat(out.get("TAKE")).isEqualTo("[(999,-999), (998,-998), (997,-997)]");
        assertThat(out.get("SORTED")).isEqualTo("true 1000");
        assertThat(out.get("TAKE_AFTER_COLLECT")).isEqualTo("[(0,0), (1,-1)]");
        assertThat(out.get("UNPERSISTED")).isEqualTo("true");
    }

    @Test
    void aJobFailureCarriesTheRemoteMessage() throws Exception {
        Map<String, String> out = launch("fail").await();
        assertThat(out.get("FAILED")).startsWith("io.weft.api.JobFailedException: ")
                .contains("remote boom on record 3").contains("IllegalStateException");
        assertThat(out.get("FAILED_PARTITION")).as("record 3 is in the second of two partitions").isEqualTo("1");
        assertThat(out.get("AFTER")).isEqualTo("[2, 3, 4]");
    }

    @Test
    void cancellingAGroupOfOneClientLeavesTheOthersGroupOfTheSameName() throws Exception {
        String markers = Files.createTempDirectory(dir, "cancel").toString();
        SessionClients.Client a = launch("block", "g", markers, "A");
        awaitFile(Path.of(markers, "started-A"));
        Map<String, String> b = launch("blockAndCancel", "g", markers, "B").await();
        assertThat(b.get("OUTCOME")).startsWith("JobCancelledException");
        awaitFile(Path.of(markers, "interrupted-B"));
        assertThat(Path.of(markers, "interrupted-A")).doesNotExist();
        assertThat(a.process().isAlive()).isTrue();
        Files.writeString(Path.of(markers, "release-A"), "");
        assertThat(a.await().get("OUTCOME")).isEqualTo("ok [1]");
    }

    /** Runs in an executor JVM: waits for the release file, or an interrupt (then marks it). */
    static Long blockUntilReleased(String markers, String tag, Iterator<Integer> records) throws Exception {
        Files.writeString(Path.of(markers, "started-" + tag), "");
        try {
            while (!Files.exists(Path.of(markers, "release-" + tag))) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Files.writeString(Path.of(markers, "interrupted-" + tag), "");
            throw e;
        }
        long n = 0;
        while (records.hasNext()) {
            n += records.next();
        }
        return n;
    }

    private static java.util.concurrent.CompletableFuture<List<Long>> blockingJob(SessionClientEngine client,
            String markers, String tag) {
        java.util.concurrent.CompletableFuture<List<Long>> job = new java.util.concurrent.CompletableFuture<>();
        Thread user = new Thread(() -> {
            try {
                SerializableFunction<Iterator<Integer>, Long> block = it -> blockUntilReleased(markers, tag, it);
                job.complete(client.runJob(new ParallelizeNode<>(client.newNodeId(), "block", List.of(1, 2), 1),
                        block, null, "block " + tag));
            } catch (Throwable t) {
                job.completeExceptionally(t);
            }
        }, "user-" + tag);
        user.start();
        return job;
    }

    @Test
    void cancelAllJobsCancelsOnlyTheCallersJobs() throws Exception {
        String markers = Files.createTempDirectory(dir, "cancel-all").toString();
        try (SessionClientEngine one = attachHere(List.of()); SessionClientEngine two = attachHere(List.of())) {
            var first = blockingJob(one, markers, "one");
            awaitFile(Path.of(markers, "started-one"));
            two.cancelAllJobs();
            assertThat(tinyJob(two, 10)).as("the other program's session still runs jobs").isEqualTo(110);
            assertThat(first).as("another program's cancelAllJobs does not reach this job").isNotDone();
            one.cancelAllJobs();
            assertThatThrownBy(() -> first.get(WAIT_MILLIS, TimeUnit.MILLISECONDS))
                    .hasCauseInstanceOf(io.weft.api.JobCancelledException.class);
            awaitFile(Path.of(markers, "interrupted-one"));
            var again = blockingJob(one, markers, "again");
            awaitFile(Path.of(markers, "started-again"));
            Files.writeString(Path.of(markers, "release-again"), "");
            assertThat(again.get(WAIT_MILLIS, TimeUnit.MILLISECONDS)).containsExactly(3L);
        }
    }

    @Test
    void aClientThatDiesMidJobHasItsJobCancelledAndTheSessionStaysUsable() throws Exception {
        String markers = Files.createTempDirectory(dir, "dies").toString();
        SessionClients.Client c = launch("block", "g", markers, "C");
        awaitFile(Path.of(markers, "started-C"));
        assertThat(service.runningJobs()).isGreaterThanOrEqualTo(1);
        c.process().destroyForcibly().waitFor();
        awaitFile(Path.of(markers, "interrupted-C"));
        assertThat(Poll.until(() -> service.runningJobs() == 0 && service.attachedPrograms() == 0, WAIT_MILLIS, 20))
                .as("the dead client's job and attachment are gone").isTrue();
        try (SessionClientEngine after = attachHere(List.of())) {
            assertThat(tinyJob(after, 100)).isEqualTo(10100);
        }
    }

    @Test
    void aMalformedFrameClosesOnlyThatConnection() throws Exception {
        try (SessionClientEngine good = attachHere(List.of())) {
            SessionEndpoint endpoint = service.endpoint();
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, Channels.threads("malformed"),
                    NioIoHandler.newFactory());
            try {
                byte[] garbage = {(byte) 0xEE, (byte) 0x7F, 0x01, 0x02, 0x03, (byte) 0xFF, 0x00, 0x11};
                Channel bad = new Bootstrap().group(group).channel(NioSocketChannel.class)
                        .handler(Channels.client(endpoint.clientSecret(), PeerRole.SESSION_CLIENT,
                                ChannelOptions.forClient().withEncryption(endpoint.encrypt()),
                                ctx -> ctx.channel().writeAndFlush(Unpooled.wrappedBuffer(garbage))))
                        .connect(endpoint.host(), endpoint.port()).sync().channel();
                assertThat(bad.closeFuture().await(WAIT_MILLIS)).as("the session closed the bad connection").isTrue();
            } finally {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
            assertThat(tinyJob(good, 10)).isEqualTo(110);
            assertThat(Poll.until(() -> service.attachedPrograms() == 1, WAIT_MILLIS, 20)).isTrue();
        }
    }

    @Test
    void aSessionClientCannotSpeakAsAnExecutor() throws Exception {
        SessionEndpoint endpoint = service.endpoint();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, Channels.threads("as-executor"),
                NioIoHandler.newFactory());
        try {
            Channel liar = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(Channels.client(endpoint.clientSecret(), PeerRole.SESSION_CLIENT,
                            ChannelOptions.forClient().withEncryption(endpoint.encrypt()), ctx -> {
                                Channels.authenticated(ctx.pipeline(), engine.kryo(),
                                        new io.netty.channel.ChannelInboundHandlerAdapter());
                                ctx.channel().writeAndFlush(new io.weft.runtime.channel.Messages.RegisterExecutor(
                                        "99", "h", 1, 1, null, null));
                            }))
                    .connect(endpoint.host(), endpoint.port()).sync().channel();
            assertThat(liar.closeFuture().await(WAIT_MILLIS)).as("the session closed the connection").isTrue();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        assertThat(((io.weft.driver.backend.RemoteExecutorsBackend) engine.backend()).executorPids().keySet())
                .containsExactlyInAnyOrder("1", "2");
    }

    @Test
    void aLocalEngineHasNoEndpointForASession() {
        try (io.weft.api.spi.Engine local = new io.weft.driver.backend.LocalEngineFactory().create("local-one",
                "local[1]", Map.of())) {
            assertThatThrownBy(() -> SessionService.start((DriverEngine) local,
                    new UnscopedSessionScopes(((DriverEngine) local).kryo()))).isInstanceOf(WeftException.class)
                    .hasMessageContaining("local-cluster").hasMessageContaining("yarn");
        }
    }

    @Test
    void jarsAndFilesAreShippedOncePerContent() throws Exception {
        Path jar = dir.resolve("lib-" + System.nanoTime() + ".jar");
        byte[] bytes = new byte[(3 << 20) + 17]; // more than one upload piece
        new java.util.Random(7).nextBytes(bytes);
        Files.write(jar, bytes);
        int before = service.jars().stored();
        try (SessionClientEngine first = attachHere(List.of(jar.toFile()))) {
            assertThat(service.jars().stored()).isEqualTo(before + 1);
            assertThat(tinyJob(first, 10)).isEqualTo(110);
        }
        try (SessionClientEngine second = attachHere(List.of(jar.toFile()))) {
            assertThat(service.jars().stored()).as("same bytes: nothing shipped").isEqualTo(before + 1);
            Path file = dir.resolve("data-" + System.nanoTime() + ".txt");
            Files.writeString(file, "shipped");
            second.addFile(file.toString());
            assertThat(service.jars().stored()).isEqualTo(before + 2);
            assertThat(tinyJob(second, 10)).isEqualTo(110);
        }
    }

    @Test
    void theEndpointFileIsTheOwnersOnlyAndKeepsItsSecretOutOfLogs() throws Exception {
        Path file = dir.resolve("endpoint-copy");
        SessionEndpoint endpoint = service.endpoint();
        endpoint.writeTo(FileSystem.getLocal(new Configuration()), new org.apache.hadoop.fs.Path(file.toString()));
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(SessionEndpoint.readFrom(FileSystem.getLocal(new Configuration()),
                new org.apache.hadoop.fs.Path(file.toString()))).isEqualTo(endpoint);
        assertThat(endpoint.toString()).doesNotContain(java.util.Base64.getEncoder()
                .encodeToString(endpoint.clientSecret())).contains("redacted");
    }

    @Test
    void idleWaitsForNoAttachmentAndNoJob() throws Exception {
        java.util.concurrent.CompletableFuture<Boolean> idle = new java.util.concurrent.CompletableFuture<>();
        try (SessionClientEngine attached = attachHere(List.of())) {
            assertThat(attached.defaultParallelism()).isEqualTo(2);
            Thread waiter = new Thread(() -> {
                try {
                    idle.complete(service.awaitIdle(java.time.Duration.ofMillis(100)));
                } catch (Throwable t) {
                    idle.completeExceptionally(t);
                }
            }, "await-idle");
            waiter.start();
            assertThat(tinyJob(attached, 10)).isEqualTo(110);
            assertThat(tinyJob(attached, 10)).isEqualTo(110);
            assertThat(idle).as("not idle while a program is attached").isNotDone();
        }
        assertThat(idle.get(WAIT_MILLIS, TimeUnit.MILLISECONDS)).isTrue();
    }

    @Test
    void tinyJobLatencyThroughTheSessionVersusAFreshLocalClusterSession() throws Exception {
        long[] session = new long[20];
        try (SessionClientEngine attached = attachHere(List.of())) {
            tinyJob(attached, 10);
            for (int i = 0; i < session.length; i++) {
                long start = System.nanoTime();
                tinyJob(attached, 10);
                session[i] = System.nanoTime() - start;
            }
        }
        long start = System.nanoTime();
        long firstResult;
        try (io.weft.api.spi.Engine local = new io.weft.driver.backend.LocalEngineFactory().create("fresh",
                "local-cluster[2,1,512]", Map.of())) {
            assertThat(tinyJob(local, 10)).isEqualTo(110);
            firstResult = System.nanoTime() - start;
        }
        long fresh = System.nanoTime() - start;
        java.util.Arrays.sort(session);
        System.out.printf("Tiny job (2 partitions): through the session median %.1f ms (min %.1f, max %.1f, 20 runs);"
                + " fresh local-cluster[2,1,512] session: start to first result %.0f ms, with close %.0f ms%n",
                session[10] / 1e6, session[0] / 1e6, session[19] / 1e6, firstResult / 1e6, fresh / 1e6);
    }
}
