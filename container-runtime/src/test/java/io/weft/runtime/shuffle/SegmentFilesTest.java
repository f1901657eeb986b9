package io.weft.runtime.shuffle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.Pair;
import io.weft.runtime.serial.KryoPool;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consolidated layout on the raw local file system, whose streams can {@code hflush} as HDFS's do: map outputs
 * of one store share segment files, read back exactly, each file opened once per reader; failed writes, rolling,
 * idle closing (never while a map task of the shuffle runs, so long tasks keep appending to one file) and the
 * fallback to one file per map where streams cannot flush; the cap on open files per shuffle (committers wait,
 * first come first served and interruptibly, driven with latches and no sleeps). What a reader sees of a file whose
 * writer died is tested on HDFS itself ({@code SegmentFileWriterDeathTest} in integration-tests).
 */
class SegmentFilesTest {

    private static final KryoPool KRYO = new KryoPool(SegmentFilesTest.class.getClassLoader());
    private static final int PARTITIONS = 4;

    @TempDir
    File temp;

    private final Map<String, Integer> opens = new ConcurrentHashMap<>();
    private final AtomicInteger creates = new AtomicInteger();
    private final AtomicBoolean failWrites = new AtomicBoolean();
    /** Files whose streams fail every write from now on, as if their DataNode had died. */
    private final java.util.Set<String> broken = ConcurrentHashMap.newKeySet();
    private final AtomicLong clock = new AtomicLong();
    private FileSystem raw;
    private FileSystem fs;
    private Path appDir;
    /** Each store writes under its own name, as executor JVMs do. */
    private int stores;

    @BeforeEach
    void setUp() throws IOException {
        raw = FileSystem.getLocal(new Configuration()).getRawFileSystem();
        fs = new FilterFileSystem(raw) {
            @Override
            public FSDataInputStream open(Path f, int bufferSize) throws IOException {
                opens.merge(f.getName(), 1, Integer::sum);
                return super.open(f, bufferSize);
            }

            @Override
            public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
                    short replication, long blockSize, Progressable progress) throws IOException {
                creates.incrementAndGet();
                return failing(super.create(f, permission, overwrite, bufferSize, replication, blockSize,
                        progress), f);
            }

            @Override
            public FSDataOutputStream createNonRecursive(Path f, FsPermission permission,
                    java.util.EnumSet<org.apache.hadoop.fs.CreateFlag> flags, int bufferSize, short replication,
                    long blockSize, Progressable progress) throws IOException {
                creates.incrementAndGet();
                return failing(super.createNonRecursive(f, permission, flags, bufferSize, replication, blockSize,
                        progress), f);
            }

            private FSDataOutputStream failing(FSDataOutputStream real, Path f) throws IOException {
                return new FSDataOutputStream(new FailingStream(real, f.getName()), null) {
                    @Override
                    public boolean hasCapability(String capability) {
                        return real.hasCapability(capability);
                    }

                    @Override
                    public void hflush() throws IOException {
                        real.hflush();
                    }
                };
            }
        };
        fs.setConf(raw.getConf());
        appDir = raw.makeQualified(new Path(new File(temp, "app").toURI()));
    }

    /** Passes bytes through, or fails every write while {@link #failWrites} is set or its file is broken. */
    private final class FailingStream extends OutputStream {
        private final FSDataOutputStream out;
        private final String name;

        FailingStream(FSDataOutputStream out, String name) {
            this.out = out;
            this.name = name;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (failWrites.get() || broken.contains(name)) {
                throw new IOException("injected: the DataNode pipeline broke");
            }
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    private ShuffleStore store(long rollBytes, long idleMillis) {
        return cappedStore(rollBytes, idleMillis, 0);
    }

    ShuffleStore cappedStore(long rollBytes, long idleMillis, int filesPerShuffle) {
        return new ShuffleStore(fs, appDir, (short) 1, KRYO, new File(temp, "spill"), 1 << 20,
                new ShuffleStore.Consolidation("exec1_test" + stores++, rollBytes, idleMillis, filesPerShuffle));
    }

    /** Map {@code m} writes {@code 10 + m} records to every partition. */
    private static MapOutputCommit writeMap(ShuffleStore store, int m) {
        return filledWriter(store, m).commit();
    }

    /** Map {@code m}'s writer with its records written, not committed. */
    static MapOutputWriter filledWriter(ShuffleStore store, int m) {
        MapOutputWriter writer = store.newMapOutputWriter(3, m, 100L + m, PARTITIONS);
        for (int p = 0; p < PARTITIONS; p++) {
            for (int i = 0; i < 10 + m; i++) {
                writer.write(p, "k" + m + "-" + i, "v" + p);
            }
        }
        return writer;
    }

    static List<Pair<Object, Object>> expected(int m, int p) {
        List<Pair<Object, Object>> records = new ArrayList<>();
        for (int i = 0; i < 10 + m; i++) {
            records.add(Pair.of("k" + m + "-" + i, "v" + p));
        }
        return records;
    }

    static List<Pair<Object, Object>> read(ShuffleStore store, List<MapOutputCommit> commits, int p) {
        List<ShuffleSegment> segments = new ArrayList<>();
        for (int m = 0; m < commits.size(); m++) {
            segments.add(commits.get(m).segment(m, p));
        }
        List<Pair<Object, Object>> records = new ArrayList<>();
        store.<Object, Object>read(3, p, segments).forEachRemaining(records::add);
        return records;
    }

    @Test
    void outputsOfOneStoreShareAFileReadBackExactlyAndTheFileIsOpenedOncePerReader() throws IOException {
        ShuffleStore store = store(1L << 30, 0);
        List<MapOutputCommit> commits = new ArrayList<>();
        for (int m = 0; m < 5; m++) {
            commits.add(writeMap(store, m));
        }
        String path = commits.get(0).path();
        assertThat(path).contains("/shuffle_3/seg_exec1_test0_");
        assertThat(commits).allSatisfy(c -> assertThat(c.path()).isEqualTo(path));
        for (int m = 1; m < 5; m++) {
            long previousEnd = commits.get(m - 1).partitionOffsets()[PARTITIONS - 1]
                    + commits.get(m - 1).partitionLengths()[PARTITIONS - 1] + ShuffleFormat.footerBytes(PARTITIONS);
            assertThat(commits.get(m).partitionOffsets()[0]).as("map %d starts after map %d's footer", m, m - 1)
                    .isEqualTo(previousEnd);
        }
        for (int p = 0; p < PARTITIONS; p++) {
            opens.clear();
            List<Pair<Object, Object>> expected = new ArrayList<>();
            for (int m = 0; m < 5; m++) {
                expected.addAll(expected(m, p));
            }
            assertThat(read(store, commits, p)).as("partition %d, in map order", p)
                    .containsExactlyElementsOf(expected);
            assertThat(opens).as("opens of partition %d's reader", p).containsExactly(Map.entry(
                    new Path(path).getName(), 1));
        }
        for (MapOutputCommit c : commits) {
            long footerStart = c.partitionOffsets()[PARTITIONS - 1] + c.partitionLengths()[PARTITIONS - 1];
            long[] index = ShuffleStore.readIndex(raw, new Path(c.path()), footerStart, PARTITIONS);
            assertThat(Arrays.copyOf(index, PARTITIONS)).containsExactly(c.partitionOffsets());
        }
        MapOutputCommit first = commits.get(0);
        long wrongStart = first.partitionOffsets()[PARTITIONS - 1];
        assertThatThrownBy(() -> ShuffleStore.readIndex(raw, new Path(path), wrongStart, PARTITIONS))
                .isInstanceOf(IOException.class).hasMessageContaining("No map output footer at offset " + wrongStart);
        store.close();
    }

    @Test
    void twoTasksCommittingAtOnceGetAFileEachAndFreeFilesAreReused() throws IOException {
        ShuffleStore store = store(1L << 30, 0);
        SegmentFiles pool = store.segmentFiles();
        Segment a = pool.borrow(3, false);
        Segment b = pool.borrow(3, false);
        assertThat(a.path).isNotEqualTo(b.path);
        pool.giveBack(a);
        pool.giveBack(b);
        assertThat(pool.freeFiles()).isEqualTo(2);
        MapOutputCommit next = writeMap(store, 0);
        assertThat(next.path()).as("the most recently used free file").isEqualTo(b.path.toString());
        assertThat(pool.freeFiles()).isEqualTo(2);
        store.close();
        assertThat(pool.freeFiles()).isZero();
        assertThat(writeMap(store, 1).path()).as("after close: a file of its own").endsWith("/map_1_101.data");
    }

    @Test
    void aFailedWriteDiscardsTheStreamAndOutputsCommittedBeforeStayReadable() {
        ShuffleStore store = store(1L << 30, 0);
        MapOutputCommit before = writeMap(store, 0);
        failWrites.set(true);
        MapOutputWriter failing = store.newMapOutputWriter(3, 1, 101, PARTITIONS);
        for (int i = 0; i < 50_000; i++) {
            failing.write(i % PARTITIONS, "key" + i, "a value long enough to pass the stream's buffer " + i);
        }
        assertThatThrownBy(failing::commit).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("injected: the DataNode pipeline broke");
        failWrites.set(false);
        assertThat(store.segmentFiles().freeFiles()).as("the broken stream is not pooled").isZero();
        MapOutputCommit after = writeMap(store, 1);
        assertThat(after.path()).as("a new file after the discarded one").isNotEqualTo(before.path());
        for (int p = 0; p < PARTITIONS; p++) {
            assertThat(read(store, List.of(before, after), p)).containsExactlyElementsOf(
                    concat(expected(0, p), expected(1, p)));
        }
        store.close();
    }

    @Test
    void aPooledFileWhoseStreamWentBadIsReplacedWithoutFailingTheTask() throws IOException {
        ShuffleStore store = store(1L << 30, 0);
        MapOutputCommit before = writeMap(store, 0);
        // Two free files, both on a DataNode that died since: the second try goes to a new file, not the other.
        Segment other = store.segmentFiles().borrow(3, true);
        store.segmentFiles().giveBack(other);
        broken.add(new Path(before.path()).getName());
        broken.add(other.path.getName());
        MapOutputCommit after = writeMap(store, 1);
        assertThat(after.path()).isNotEqualTo(before.path()).isNotEqualTo(other.path.toString());
        assertThat(after.partitionOffsets()[0]).isZero();
        for (int p = 0; p < PARTITIONS; p++) {
            assertThat(read(store, List.of(before, after), p)).containsExactlyElementsOf(
                    concat(expected(0, p), expected(1, p)));
        }
        store.close();
    }

    private static List<Pair<Object, Object>> concat(List<Pair<Object, Object>> a, List<Pair<Object, Object>> b) {
        List<Pair<Object, Object>> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @Test
    void aFileIsClosedOnceItPassesTheRollSizeAndTheNextOutputStartsAnother() {
        long firstOutputBytes = writeMap(store(1L << 30, 0), 0).totalBytes() + ShuffleFormat.footerBytes(PARTITIONS);
        ShuffleStore store = store(firstOutputBytes + 1, 0);
        MapOutputCommit first = writeMap(store, 0);
        MapOutputCommit second = writeMap(store, 1);
        MapOutputCommit third = writeMap(store, 2);
        assertThat(second.path()).as("the first output stays below the roll size").isEqualTo(first.path());
        assertThat(third.path()).as("the file passed the roll size with the second").isNotEqualTo(first.path());
        assertThat(third.partitionOffsets()[0]).isZero();
        for (int p = 0; p < PARTITIONS; p++) {
            assertThat(read(store, List.of(first, second, third), p)).containsExactlyElementsOf(
                    concat(concat(expected(0, p), expected(1, p)), expected(2, p)));
        }
        store.close();
    }

    @Test
    void filesIdleForTheTimeoutAreClosedAndBusyOnesAreNot() throws IOException {
        SegmentFiles pool = new SegmentFiles(fs, id -> {
            Path dir = new Path(appDir, "shuffle_" + id);
            raw.mkdirs(dir);
            return dir;
        }, "exec1_test", (short) 1, 1L << 30, 60_000, 0, clock::get);
        Segment a = pool.borrow(3, false);
        Segment b = pool.borrow(3, false);
        clock.set(0);
        pool.giveBack(a);
        clock.set(50_000_000_000L);
        pool.giveBack(b);
        clock.set(61_000_000_000L);
        assertThat(pool.closeIdle()).as("only the file unused for 61 s").isEqualTo(1);
        assertThat(pool.freeFiles()).isEqualTo(1);
        assertThat(pool.borrow(3, false).path).isEqualTo(b.path);
        pool.close();
    }

    private SegmentFiles pool(long idleMillis) {
        return new SegmentFiles(fs, id -> {
            Path dir = new Path(appDir, "shuffle_" + id);
            raw.mkdirs(dir);
            return dir;
        }, "exec1_test", (short) 1, 1L << 30, idleMillis, 0, clock::get);
    }

    /** A map task's writer of shuffle 3 on the pool, as {@link ShuffleStore#newMapOutputWriter} makes it. */
    private MapOutputWriter writer(SegmentFiles pool, int m) {
        PerMapFileTarget fallback = new PerMapFileTarget(fs, new Path(appDir, "shuffle_3/map_" + m + ".data"),
                () -> raw.mkdirs(new Path(appDir, "shuffle_3")), (short) 1);
        return new MapOutputWriter(pool.writerTarget(3, fallback), KRYO, new File(temp, "spill"), "m" + m + "-",
                1 << 20, PARTITIONS);
    }

    private static MapOutputCommit commitRecords(MapOutputWriter writer, int m) {
        for (int p = 0; p < PARTITIONS; p++) {
            for (int i = 0; i < 10 + m; i++) {
                writer.write(p, "k" + m + "-" + i, "v" + p);
            }
        }
        return writer.commit();
    }

    private static final long SECOND = 1_000_000_000L;

    @Test
    void mapTasksLongerThanTheTimeoutKeepAppendingToTheSameFile() {
        SegmentFiles pool = pool(1_000);
        clock.set(0);
        MapOutputWriter first = writer(pool, 0);
        clock.set(10 * SECOND);
        MapOutputCommit one = commitRecords(first, 0);
        clock.set(10 * SECOND + SECOND / 2);
        MapOutputWriter second = writer(pool, 1); // the slot's next task, half a second later
        clock.set(3_600 * SECOND);
        assertThat(pool.closeIdle()).as("a task of the shuffle runs: its free file is kept, however long").isZero();
        assertThat(pool.liveWriters(3)).isEqualTo(1);
        MapOutputCommit two = commitRecords(second, 1);
        assertThat(two.path()).as("appended to the first task's file").isEqualTo(one.path());
        assertThat(pool.liveWriters(3)).isZero();
        clock.set(3_601 * SECOND - 1);
        assertThat(pool.closeIdle()).as("idle since the last writer ended, for just under the timeout").isZero();
        clock.set(3_601 * SECOND);
        assertThat(pool.closeIdle()).as("the timeout after the executor stopped writing the shuffle").isEqualTo(1);
        assertThat(pool.freeFiles()).isZero();
        pool.close();
    }

    @Test
    void theIdleTimeCountsFromTheLastWritersEndAndOtherShufflesAreUnaffected() throws IOException {
        SegmentFiles pool = pool(60_000);
        clock.set(0);
        pool.writerOpened(3);
        pool.writerOpened(3);
        Segment busy = pool.borrow(3, false);
        pool.giveBack(busy);
        pool.writerOpened(4);
        Segment other = pool.borrow(4, false);
        pool.giveBack(other);
        pool.writerClosed(4);
        clock.set(100 * SECOND);
        assertThat(pool.closeIdle()).as("only shuffle 4's file: no writer of it is live").isEqualTo(1);
        assertThat(pool.freeFiles()).isEqualTo(1);
        pool.writerClosed(3);
        clock.set(150 * SECOND);
        assertThat(pool.closeIdle()).as("one writer of shuffle 3 still runs").isZero();
        pool.writerClosed(3);
        clock.set(150 * SECOND + 60 * SECOND - 1);
        assertThat(pool.closeIdle()).as("idle from the last writer's end (150 s), not from the last use (0 s)")
                .isZero();
        clock.set(210 * SECOND);
        assertThat(pool.closeIdle()).isEqualTo(1);
        assertThat(pool.freeFiles()).isZero();
        assertThatThrownBy(() -> pool.writerClosed(3)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ended twice");
        pool.close();
    }

    @Test
    void failedAbortedAndCommittedWritersEachReleaseTheirCountOnce() {
        SegmentFiles pool = pool(1_000);
        clock.set(0);
        MapOutputWriter committed = writer(pool, 0);
        MapOutputWriter aborted = writer(pool, 1);
        MapOutputWriter failing = writer(pool, 2);
        assertThat(pool.liveWriters(3)).isEqualTo(3);
        failWrites.set(true);
        for (int i = 0; i < 50_000; i++) {
            failing.write(i % PARTITIONS, "key" + i, "a value long enough to pass the stream's buffer " + i);
        }
        assertThatThrownBy(failing::commit).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("injected: the DataNode pipeline broke");
        failing.abort(); // the task's finally
        failWrites.set(false);
        assertThat(pool.liveWriters(3)).as("the failed commit released its writer").isEqualTo(2);
        aborted.write(0, "k", "v");
        aborted.abort();
        aborted.abort();
        assertThat(pool.liveWriters(3)).isEqualTo(1);
        commitRecords(committed, 0);
        committed.abort(); // the task's finally: nothing after a commit
        assertThat(pool.liveWriters(3)).isZero();
        clock.set(SECOND);
        assertThat(pool.closeIdle()).as("the committed output's file closes once the shuffle has no writer")
                .isEqualTo(1);
        pool.close();
    }

    @Test
    void theStoresWritersCountUntilTheyEnd() {
        ShuffleStore store = store(1L << 30, 60_000);
        MapOutputWriter writer = store.newMapOutputWriter(3, 0, 100, PARTITIONS);
        assertThat(store.segmentFiles().liveWriters(3)).isEqualTo(1);
        assertThatThrownBy(() -> store.newMapOutputWriter(3, 1, 101, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.segmentFiles().liveWriters(3)).as("a writer that could not be made does not count")
                .isEqualTo(1);
        writer.abort();
        assertThat(store.segmentFiles().liveWriters(3)).isZero();
        store.close();
    }

    @Test
    void aRerunOfAMapStageWritesFilesOfItsOwnNotThePooledSegmentFile() throws IOException {
        ShuffleStore store = store(1L << 30, 60_000);
        MapOutputCommit first = writeMap(store, 0);
        assertThat(new Path(first.path()).getName()).startsWith("seg_");
        // The file is lost (here: deleted) while this executor still holds it open in its pool.
        fs.delete(new Path(first.path()), false);
        MapOutputWriter rerun = store.newMapOutputWriter(3, 0, 200, PARTITIONS, true);
        for (int p = 0; p < PARTITIONS; p++) {
            for (int i = 0; i < 10; i++) {
                rerun.write(p, "k0-" + i, "v" + p);
            }
        }
        MapOutputCommit again = rerun.commit();
        assertThat(again.path()).as("not the lost file").isNotEqualTo(first.path())
                .endsWith("/shuffle_3/map_0_200.data");
        assertThat(fs.exists(new Path(again.path()))).isTrue();
        assertThat(read(store, List.of(again), 2)).containsExactlyElementsOf(expected(0, 2));
        assertThat(store.segmentFiles().liveWriters(3)).as("a rerun is not a writer of the pool").isZero();
        store.close();
    }

    @Test
    void aFileSystemWhoseStreamsCannotFlushGetsOneFilePerMapOutput() {
        FileSystem checksummed = fs;
        try {
            checksummed = FileSystem.getLocal(new Configuration());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ShuffleStore store = new ShuffleStore(checksummed, appDir, (short) 1, KRYO, new File(temp, "spill"),
                1 << 20, new ShuffleStore.Consolidation("exec1_test", 1L << 30, 0));
        MapOutputCommit commit = writeMap(store, 0);
        assertThat(commit.path()).endsWith("/shuffle_3/map_0_100.data");
        assertThat(writeMap(store, 1).path()).endsWith("/shuffle_3/map_1_101.data");
        assertThat(read(store, List.of(commit), 2)).containsExactlyElementsOf(expected(0, 2));
    }

    // ---- The cap on open files per shuffle (weft.shuffle.segmentFilesPerExecutor) ----

    /** A map task's commit on a thread of its own; its records are written before the thread starts. */
    private static final class Committer extends Thread {
        private final MapOutputWriter writer;
        private final CountDownLatch start;
        volatile MapOutputCommit commit;
        volatile Throwable failure;

        Committer(MapOutputWriter writer, CountDownLatch start, int m) {
            super("committer-" + m);
            this.writer = writer;
            this.start = start;
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                start.await();
                commit = writer.commit();
            } catch (Throwable t) {
                failure = t;
            } finally {
                writer.abort(); // the task's finally
            }
        }
    }

    private static List<Committer> startCommitters(ShuffleStore store, int first, int count) {
        CountDownLatch start = new CountDownLatch(1);
        List<Committer> committers = new ArrayList<>();
        for (int m = first; m < first + count; m++) {
            Committer c = new Committer(filledWriter(store, m), start, m);
            c.start();
            committers.add(c);
        }
        start.countDown();
        return committers;
    }

    /** Spins (the class timeout bounds it) until {@code n} tasks wait at the cap for a file of shuffle 3. */
    private static void awaitWaiters(SegmentFiles pool, int n) {
        while (pool.openFiles(3, true) < n) {
            Thread.onSpinWait();
        }
    }

    private static void joinAll(List<Committer> committers) throws InterruptedException {
        for (Committer c : committers) {
            c.join();
            assertThat(c.failure).as(c.getName()).isNull();
        }
    }

    @Test
    @Timeout(30)
    void atCapOneFourConcurrentCommittersShareOneFileAndEveryOutputReadsBack() throws Exception {
        ShuffleStore store = cappedStore(1L << 30, 0, 1);
        SegmentFiles pool = store.segmentFiles();
        MapOutputTarget.Slot held = pool.writerTarget(3, null).open(0); // the one file, borrowed by "another task"
        creates.set(0);
        List<Committer> committers = startCommitters(store, 0, 4);
        awaitWaiters(pool, 4);
        assertThat(pool.openFiles(3, false)).as("all four wait instead of creating files").isEqualTo(1);
        String path = held.commit();
        joinAll(committers);
        assertThat(creates).as("no file created while the one open file was borrowed").hasValue(0);
        List<MapOutputCommit> commits = committers.stream().map(c -> c.commit).toList();
        assertThat(commits).allSatisfy(c -> assertThat(c.path()).isEqualTo(path));
        assertThat(commits.stream().map(c -> c.partitionOffsets()[0]).distinct()).as("disjoint ranges").hasSize(4);
        for (int p = 0; p < PARTITIONS; p++) {
            List<Pair<Object, Object>> expected = new ArrayList<>();
            for (int m = 0; m < 4; m++) {
                expected.addAll(expected(m, p));
            }
            assertThat(read(store, commits, p)).as("partition %d", p).containsExactlyElementsOf(expected);
        }
        assertThat(pool.openFiles(3, false)).isEqualTo(1);
        assertThat(pool.openFiles(3, true)).isZero();
        store.close();
    }

    @Test
    @Timeout(30)
    void atCapOneConcurrentCommittersFromNothingCreateExactlyOneFile() throws Exception {
        ShuffleStore store = cappedStore(1L << 30, 0, 1);
        creates.set(0);
        List<Committer> committers = startCommitters(store, 0, 4);
        joinAll(committers);
        assertThat(creates).as("one segment file, whatever the interleaving").hasValue(1);
        assertThat(committers).allSatisfy(c -> assertThat(c.commit.path())
                .isEqualTo(committers.get(0).commit.path()));
        store.close();
    }

    @Test
    @Timeout(30)
    void aWaiterIsWokenWhenTheFileComesBack() throws Exception {
        ShuffleStore store = cappedStore(1L << 30, 0, 1);
        SegmentFiles pool = store.segmentFiles();
        Segment held = pool.borrow(3, false);
        List<Committer> waiter = startCommitters(store, 0, 1);
        awaitWaiters(pool, 1);
        assertThat(waiter.get(0).commit).isNull();
        pool.giveBack(held);
        joinAll(waiter);
        assertThat(waiter.get(0).commit.path()).isEqualTo(held.path.toString());
        assertThat(pool.freeFiles()).isEqualTo(1);
        store.close();
    }

    @Test
    @Timeout(30)
    void aFailedWriteFreesItsPlaceAndTheNextCommitterOpensANewFile() throws Exception {
        ShuffleStore store = cappedStore(1L << 30, 0, 1);
        SegmentFiles pool = store.segmentFiles();
        MapOutputTarget target = pool.writerTarget(3, null);
        MapOutputTarget.Slot failing = target.open(0);
        org.apache.hadoop.fs.FileStatus[] files = raw.listStatus(new Path(appDir, "shuffle_3"));
        assertThat(files).hasSize(1);
        String discarded = files[0].getPath().getName();
        List<Committer> waiter = startCommitters(store, 0, 1);
        awaitWaiters(pool, 1);
        failing.abandon(); // its write failed: the stream is discarded
        target.writerEnded();
        joinAll(waiter);
        MapOutputCommit after = waiter.get(0).commit;
        assertThat(new Path(after.path()).getName()).as("a new file in the discarded one's place")
                .isNotEqualTo(discarded);
        assertThat(after.partitionOffsets()[0]).isZero();
        assertThat(pool.openFiles(3, false)).isEqualTo(1);
        // The same through a real failed commit, with nobody waiting: the count drops and the next output
        // starts another file.
        failWrites.set(true);
        MapOutputWriter writer = filledWriter(store, 1);
        for (int i = 0; i < 50_000; i++) {
            writer.write(i % PARTITIONS, "key" + i, "a value long enough to pass the stream's buffer " + i);
        }
        assertThatThrownBy(writer::commit).isInstanceOf(UncheckedIOException.class);
        failWrites.set(false);
        assertThat(pool.openFiles(3, false)).as("both tries' files were discarded").isZero();
        MapOutputCommit next = writeMap(store, 2);
        assertThat(next.path()).isNotEqualTo(after.path());
        for (int p = 0; p < PARTITIONS; p++) {
            assertThat(read(store, List.of(after, next), p)).containsExactlyElementsOf(
                    concat(expected(0, p), expected(2, p)));
        }
        store.close();
    }

    @Test
    @Timeout(30)
    void anInterruptedWaiterThrowsAndLeavesThePoolConsistent() throws Exception {
        ShuffleStore store = cappedStore(1L << 30, 0, 1);
        SegmentFiles pool = store.segmentFiles();
        Segment held = pool.borrow(3, false);
        List<Committer> committers = startCommitters(store, 0, 2);
        awaitWaiters(pool, 2);
        Committer killed = committers.get(0);
        killed.interrupt();
        killed.join();
        assertThat(killed.failure).isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(java.io.InterruptedIOException.class)
                .hasMessageContaining("waiting for a segment file of shuffle 3");
        assertThat(pool.openFiles(3, true)).as("the killed task left the queue").isEqualTo(1);
        assertThat(pool.liveWriters(3)).as("its writer ended").isEqualTo(1);
        pool.giveBack(held);
        Committer other = committers.get(1);
        other.join();
        assertThat(other.failure).isNull();
        assertThat(other.commit.path()).as("the file went to the task still waiting").isEqualTo(
                held.path.toString());
        assertThat(pool.openFiles(3, false)).isEqualTo(1);
        assertThat(writeMap(store, 2).path()).isEqualTo(held.path.toString());
        store.close();
    }

    @Test
    @Timeout(30)
    void whatAWaiterWasHandedPassesToTheNextWhenItLeaves() {
        SegmentCap cap = new SegmentCap(1);
        assertThat(cap.tryReserve(3)).isTrue();
        assertThat(cap.tryReserve(3)).as("at the cap").isFalse();
        SegmentCap.Waiter first = cap.enqueue(3);
        SegmentCap.Waiter second = cap.enqueue(3);
        Segment segment = new Segment(3, new Path("/seg"), null);
        assertThat(cap.handOver(segment)).isTrue();
        assertThat(first.segment).as("first come, first served").isSameAs(segment);
        java.util.ArrayDeque<Segment> free = new java.util.ArrayDeque<>();
        assertThat(cap.leave(first, free)).as("interrupted after being handed the file").isTrue();
        assertThat(second.segment).isSameAs(segment);
        assertThat(cap.leave(second, free)).as("nobody else waits").isFalse();
        assertThat(free).containsExactly(segment);
        SegmentCap.Waiter third = cap.enqueue(3);
        SegmentCap.Waiter fourth = cap.enqueue(3);
        assertThat(cap.release(3)).as("a file closed: leave to create").isTrue();
        assertThat(third.mayCreate).isTrue();
        assertThat(cap.leave(third, free)).isTrue();
        assertThat(fourth.mayCreate).isTrue();
        assertThat(cap.openFiles(3)).isEqualTo(1);
        assertThat(cap.leave(fourth, free)).isFalse();
        assertThat(cap.openFiles(3)).as("the place was given up").isZero();
        assertThat(cap.waiting(3)).isZero();
        assertThatThrownBy(() -> new SegmentCap(-1)).hasMessageContaining("0 (no cap)");
    }

    @Test
    @Timeout(30)
    void withoutACapEachConcurrentCommitterGetsAFileOfItsOwn() throws IOException {
        ShuffleStore store = cappedStore(1L << 30, 0, 0);
        SegmentFiles pool = store.segmentFiles();
        List<Segment> borrowed = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            borrowed.add(pool.borrow(3, false));
        }
        assertThat(borrowed.stream().map(b -> b.path).distinct()).hasSize(4);
        assertThat(pool.openFiles(3, false)).isEqualTo(4);
        assertThat(pool.openFiles(3, true)).isZero();
        borrowed.forEach(pool::giveBack);
        assertThat(pool.freeFiles()).isEqualTo(4);
        store.close();
        assertThat(pool.openFiles(3, false)).as("closing frees every place").isZero();
    }

    @Test
    @Timeout(30)
    void atTheCapAPooledFileThatWentBadIsReplacedInItsPlace() {
        ShuffleStore store = cappedStore(1L << 30, 0, 1);
        MapOutputCommit before = writeMap(store, 0);
        broken.add(new Path(before.path()).getName());
        MapOutputCommit after = writeMap(store, 1);
        assertThat(after.path()).isNotEqualTo(before.path());
        assertThat(store.segmentFiles().openFiles(3, false)).isEqualTo(1);
        for (int p = 0; p < PARTITIONS; p++) {
            assertThat(read(store, List.of(before, after), p)).containsExactlyElementsOf(
                    concat(expected(0, p), expected(1, p)));
        }
        store.close();
    }
}
