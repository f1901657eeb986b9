package io.weft.runtime.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esotericsoftware.kryo.io.Output;
import io.netty.buffer.Unpooled;
import io.weft.api.RemoteTaskException;
import io.weft.planner.MapStatus;
import io.weft.planner.ShuffleBlock;
import io.weft.planner.StageBinary;
import io.weft.planner.TaskDescription;
import io.weft.planner.TaskMetrics;
import io.weft.planner.TaskOutcome;
import io.weft.runtime.channel.Messages.Heartbeat;
import io.weft.runtime.channel.Messages.LaunchTask;
import io.weft.runtime.channel.Messages.Message;
import io.weft.runtime.channel.Messages.Registered;
import io.weft.runtime.channel.Messages.StatusUpdate;
import io.weft.runtime.executor.RemoteExceptions;
import io.weft.runtime.serial.WeftKryo;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The message codec requires registration: every message the protocol sends round-trips (with the JDK
 * collections that real messages hold), application objects stay opaque until used, and a frame naming any class
 * outside {@link Messages#REGISTERED}, by number or by name, closes its connection with nothing instantiated.
 */
@Timeout(60)
class MessageRegistrationTest {

    /** A class a hostile peer would like the driver to build. */
    static final class Canary {
        static final AtomicInteger BUILT = new AtomicInteger();
        int payload = 42;

        Canary() {
            BUILT.incrementAndGet();
        }
    }

    private final ChannelFixture fixture = new ChannelFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    private static Object roundTrip(Object message) {
        MessageKryo kryo = new MessageKryo(ChannelFixture.KRYO);
        return new MessageKryo(ChannelFixture.KRYO).deserialize(kryo.serialize(message));
    }

    @Test
    void sessionMessagesRoundTripWithTheirOpaquePayloads() {
        Messages.ShippedJar jar = new Messages.ShippedJar("app.jar", 10, "ab".repeat(32));
        assertThat(roundTrip(new Messages.SessionAttach("p", new LinkedHashMap<>(Map.of("weft.a", "1")), List.of(jar))))
                .isEqualTo(new Messages.SessionAttach("p", Map.of("weft.a", "1"), List.of(jar)));
        assertThat(roundTrip(new Messages.SessionNeeds(0, List.of(jar.sha256()))))
                .isEqualTo(new Messages.SessionNeeds(0, List.of(jar.sha256())));
        assertThat(roundTrip(new Messages.SessionAttached("attachment-1", 4)))
                .isEqualTo(new Messages.SessionAttached("attachment-1", 4));
        Messages.SessionUpload upload = (Messages.SessionUpload) roundTrip(
                new Messages.SessionUpload(jar.sha256(), new byte[] {1, 2, 3}, true));
        assertThat(upload.bytes()).containsExactly(1, 2, 3);
        assertThat(upload.last()).isTrue();
        Messages.SessionCall call = (Messages.SessionCall) roundTrip(new Messages.SessionCall(7, "runJob",
                Map.of("weft.jobGroup.id", "g"), new byte[] {9}));
        assertThat(call.properties()).isEqualTo(Map.of("weft.jobGroup.id", "g"));
        assertThat(call.payload()).containsExactly(9);
        Messages.SessionReply reply = (Messages.SessionReply) roundTrip(new Messages.SessionReply(7, null, "failed",
                "Job for collect failed: boom", 5, Map.of(3L, new byte[] {4})));
        assertThat(reply.message()).isEqualTo("Job for collect failed: boom");
        assertThat(reply.accumulators().get(3L)).containsExactly(4);
        assertThat(reply.snapshot()).isEqualTo(5);
    }

    @Test
    void everyKindOfMessageRoundTripsWithTheCollectionsRealMessagesHold() {
        TaskDescription task = new TaskDescription(9, 1, 0, 3, 0, new StageBinary(5, new byte[] {1, 2}),
                Collections.unmodifiableMap(new TreeMap<>(Map.of(0, List.of(new ShuffleBlock(0, "/p", 0, 10))))),
                new TaskDescription.ShuffleOutput(2, 4), Arrays2.asList("h1", "h2"));
        LaunchTask launched = (LaunchTask) roundTrip(new LaunchTask(task));
        assertThat(launched.task().shuffleInputs()).isEqualTo(Map.of(0, List.of(new ShuffleBlock(0, "/p", 0, 10))));
        assertThat(launched.task().preferredHosts()).containsExactly("h1", "h2");
        assertThat(launched.task().binary().bytes()).containsExactly(1, 2);

        Map<String, String> settings = new LinkedHashMap<>(Map.of("weft.a", "1", "weft.b", "2"));
        assertThat(roundTrip(new Registered("app", Collections.unmodifiableMap(settings), "/s")))
                .isEqualTo(new Registered("app", settings, "/s"));
        assertThat(roundTrip(new Heartbeat("e", 1, 2, 3, 4, 5))).isEqualTo(new Heartbeat("e", 1, 2, 3, 4, 5));
        for (Message simple : List.<Message>of(new Messages.KillTask(1), new Messages.Unpersist(2),
                new Messages.UnpersistBroadcast(3), new Messages.Shutdown(),
                new Messages.ExecutorExited("e", "why", true), new Messages.RegisterExecutor("e", "h", 2, 3, null, null),
                new StatusUpdate(1, new TaskOutcome.FetchFailed(1, 2, "gone")),
                new StatusUpdate(1, new TaskOutcome.ExecutorLost("lost", false)),
                new StatusUpdate(1, new TaskOutcome.Killed()))) {
            assertThat(roundTrip(simple)).isEqualTo(simple);
        }

        assertThat(((Messages.TokensUpdated) roundTrip(new Messages.TokensUpdated(new byte[] {4, 2}))).credentials())
                .containsExactly(4, 2);

        MapStatus status = new MapStatus(1, 9, "e", "/out", new long[] {0, 5}, new long[] {5, 6});
        StatusUpdate success = (StatusUpdate) roundTrip(new StatusUpdate(9, new TaskOutcome.Success(null, status,
                Map.of(7L, new java.util.ArrayList<>(List.of("acc"))), TaskMetrics.EMPTY)));
        TaskOutcome.Success outcome = (TaskOutcome.Success) success.outcome();
        assertThat(outcome.mapStatus().partitionLengths()).containsExactly(5, 6);
        assertThat(outcome.accumulatorUpdates()).as("kept as bytes until used, then the application's objects")
                .isInstanceOf(MessageKryo.DeferredUpdates.class).isEqualTo(Map.of(7L, List.of("acc")));

        RemoteTaskException error = RemoteExceptions.of(new IllegalStateException("outer",
                new java.io.UncheckedIOException(new java.io.IOException("inner"))));
        TaskOutcome.Failed failed = (TaskOutcome.Failed) ((StatusUpdate) roundTrip(
                new StatusUpdate(2, new TaskOutcome.Failed(error)))).outcome();
        assertThat(failed.error().originalClassName()).isEqualTo("java.lang.IllegalStateException");
        assertThat(failed.error().getMessage()).isEqualTo("outer");
        assertThat(frames(failed.error().getStackTrace())).isEqualTo(frames(error.getStackTrace())).isNotEmpty();
        assertThat(((RemoteTaskException) failed.error().getCause()).originalClassName())
                .isEqualTo("java.io.UncheckedIOException");
        assertThat(((RemoteTaskException) failed.error().getCause().getCause()).getMessage()).isEqualTo("inner");
    }

    @Test
    void aMapStatusTravelsInAFewBytesAPartitionAndArrivesExact() {
        java.util.Random random = new java.util.Random(14);
        int partitions = 10_000;
        long[] offsets = new long[partitions];
        long[] lengths = new long[partitions];
        for (int p = 0, next = 0; p < partitions; next += lengths[p], p++) {
            offsets[p] = next;
            lengths[p] = random.nextInt(3) == 0 ? 0 : random.nextInt(50_000);
        }
        MapStatus status = new MapStatus(7, 123, "e", "/shuffle_0/map_7_123.data", offsets, lengths);
        MessageKryo kryo = new MessageKryo(ChannelFixture.KRYO);
        byte[] frame = kryo.serialize(status);
        assertThat(frame.length).as("two long arrays took 16 bytes a partition").isLessThan(3 * partitions);
        MapStatus arrived = (MapStatus) kryo.deserialize(frame);
        assertThat(arrived).isEqualTo(status);
        assertThat(arrived.partitionOffsets()).containsExactly(offsets);
        assertThat(arrived.partitionLengths()).containsExactly(lengths);

        frame[frame.length - 1] = (byte) 0x80; // the last length now runs past the end
        assertThatThrownBy(() -> kryo.deserialize(frame)).isInstanceOf(com.esotericsoftware.kryo.KryoException.class)
                .hasMessageContaining("Map status: truncated");
    }

    @Test
    void aReduceTaskWritesTheShuffleDirectoryOncePerMessageNotOncePerBlock() {
        String dir = "hdfs://nn.example.com:8020/user/weft/.weft/application_1764680000000_0001/shuffle/shuffle_3/";
        java.util.List<ShuffleBlock> blocks = new java.util.ArrayList<>();
        for (int m = 0; m < 10_000; m++) {
            blocks.add(new ShuffleBlock(m, dir + "map_" + m + "_" + (70_000 + m) + ".data", 1000L * m, 4000 + m));
        }
        // Consecutive blocks in one file (several map outputs per file), and an odd one with no path.
        blocks.add(new ShuffleBlock(10_000, dir + "executor_7.data", 0, 10));
        blocks.add(new ShuffleBlock(10_001, dir + "executor_7.data", 10, 10));
        blocks.add(new ShuffleBlock(10_002, null, 0, 1));
        blocks.add(new ShuffleBlock(10_003, "/elsewhere", 0, 1));
        LaunchTask launch = new LaunchTask(new TaskDescription(9, 1, 0, 3, 0, new StageBinary(5, null),
                Map.of(3, blocks), null, List.of()));
        MessageKryo writer = new MessageKryo(ChannelFixture.KRYO);
        byte[] first = writer.serialize(launch);
        byte[] second = writer.serialize(launch);
        assertThat(second).as("nothing carries over from one message to the next").isEqualTo(first);
        assertThat(first.length).as("a full path per block would take over 100 bytes each")
                .isLessThan(30 * blocks.size());

        List<ShuffleBlock> arrived = ((LaunchTask) new MessageKryo(ChannelFixture.KRYO).deserialize(second)).task()
                .shuffleInputs().get(3);
        assertThat(arrived).isEqualTo(blocks);
        assertThat(arrived.get(10_001).path()).as("one string for one file").isSameAs(arrived.get(10_000).path());
    }

    @Test
    void anUnregisteredClassCannotBeSentEither() {
        MessageKryo kryo = new MessageKryo(ChannelFixture.KRYO);
        assertThatThrownBy(() -> kryo.serialize(new Canary())).hasMessageContaining("Class is not registered");
    }

    @Test
    void aFrameNamingAClassByNameClosesTheConnectionAndBuildsNothing() throws Exception {
        // What an unrestricted Kryo writes for an unregistered class: its name, then its fields.
        WeftKryo lax = new WeftKryo(getClass().getClassLoader());
        Output out = new Output(256, -1);
        lax.writeClassAndObject(out, new Canary());
        assertRefusedWithNothingBuilt(out.toBytes(), "by name");
    }

    @Test
    void aFrameNamingAnUnregisteredClassNumberClosesTheConnection() throws Exception {
        Output out = new Output(16, -1);
        out.writeVarInt(500 + 2, true); // class id 500: nothing is registered under it
        out.writeInt(42);
        assertRefusedWithNothingBuilt(out.toBytes(), "unregistered class ID");
    }

    private void assertRefusedWithNothingBuilt(byte[] frame, String reason) throws Exception {
        int before = Canary.BUILT.get();
        int port = fixture.startServer(ChannelOptions.defaults());
        ChannelFixture.Client bystander = fixture.executor(port, ChannelOptions.defaults());
        ChannelFixture.Client hostile = fixture.executor(port, ChannelOptions.defaults());
        assertThat(bystander.awaitAuthenticated()).isTrue();
        assertThat(hostile.awaitAuthenticated()).isTrue();
        try (LogCapture log = new LogCapture(Channels.class)) {
            hostile.channel.writeAndFlush(Unpooled.wrappedBuffer(frame)).sync(); // encrypted like any frame
            assertThat(hostile.awaitClosed()).isTrue();
            assertThat(log.lines()).anyMatch(l -> l.contains("malformed message") && l.contains(reason));
        }
        assertThat(Canary.BUILT.get()).as("no Canary was built on the driver").isEqualTo(before);
        assertThat(fixture.serverReceived).isEmpty();
        bystander.channel.writeAndFlush(new Messages.KillTask(1)).sync();
        assertThat(fixture.serverReceived.poll(10, TimeUnit.SECONDS)).isEqualTo(new Messages.KillTask(1));
    }

    private static List<String> frames(StackTraceElement[] trace) {
        return java.util.Arrays.stream(trace).map(f -> f.getClassName() + "." + f.getMethodName() + "("
                + f.getFileName() + ":" + f.getLineNumber() + ")").toList();
    }

    /** {@code Arrays.asList}: a JDK list class Kryo would not rebuild by itself. */
    private static final class Arrays2 {
        static <T> List<T> asList(T... items) {
            return java.util.Arrays.asList(items);
        }
    }
}
