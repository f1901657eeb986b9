package io.weft.runtime.shuffle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.Pair;
import io.weft.runtime.serial.KryoPool;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShuffleStoreTest {

    private static final KryoPool KRYO = new KryoPool(ShuffleStoreTest.class.getClassLoader());

    @TempDir
    File temp;

    private FileSystem fs;
    private File spillDir;
    private Path appDir;

    @BeforeEach
    void setUp() throws IOException {
        fs = FileSystem.getLocal(new Configuration());
        spillDir = new File(temp, "spill");
        appDir = new Path(new File(temp, "app").toURI());
    }

    private ShuffleStore store(FileSystem fileSystem, long writeBuffer) {
        return new ShuffleStore(fileSystem, appDir, (short) 1, KRYO, spillDir, writeBuffer);
    }

    /** Writes random records to one map output; returns them per partition in write order. */
    private static List<List<Pair<Object, Object>>> writeRandom(MapOutputWriter writer, Random random,
            int numPartitions, int records) {
        List<List<Pair<Object, Object>>> expected = new ArrayList<>();
        for (int p = 0; p < numPartitions; p++) {
            expected.add(new ArrayList<>());
        }
        // Skewed: half the records go to partition 0, the rest to the even partitions; odd ones stay empty.
        for (int i = 0; i < records; i++) {
            int partition = random.nextBoolean() ? 0 : 2 * random.nextInt((numPartitions + 1) / 2);
            Object key = ShuffleTestData.randomKey(random);
            Object value = ShuffleTestData.randomValue(random);
            writer.write(partition, key, value);
            expected.get(partition).add(Pair.of(key, value));
        }
        return expected;
    }

    private static <T> List<T> drain(java.util.Iterator<T> it) {
        List<T> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @ParameterizedTest(name = "seed {0}, write buffer {1}")
    @CsvSource({"1, 1024", "2, 8192", "3, 2048", "4, 67108864", "5, 67108864", "6, 4096"})
    void roundTripsRandomRecordsOfSeveralMapsPerPartition(long seed, long writeBuffer) throws IOException {
        Random random = new Random(seed);
        ShuffleStore store = store(fs, writeBuffer);
        int numPartitions = 1 + random.nextInt(12);
        int maps = 3;
        List<List<List<Pair<Object, Object>>>> expectedPerMap = new ArrayList<>();
        List<MapOutputCommit> commits = new ArrayList<>();
        for (int m = 0; m < maps; m++) {
            MapOutputWriter writer = store.newMapOutputWriter(7, m, 100 + m, numPartitions);
            expectedPerMap.add(writeRandom(writer, random, numPartitions, random.nextInt(2000)));
            if (writeBuffer <= 4096) {
                assertThat(writer.spillCount()).as("spills with a %d-byte buffer", writeBuffer).isPositive();
            }
            commits.add(writer.commit());
        }
        assertThat(spillDir.list()).isNullOrEmpty();
        assertNoTemporaryFiles(store.shuffleDir(7));

        for (int p = 0; p < numPartitions; p++) {
            List<ShuffleSegment> segments = new ArrayList<>();
            List<Pair<Object, Object>> expected = new ArrayList<>();
            for (int m = 0; m < maps; m++) {
                segments.add(commits.get(m).segment(m, p));
                expected.addAll(expectedPerMap.get(m).get(p));
            }
            List<Pair<Object, Object>> actual = drain(store.<Object, Object>read(7, p, segments));
            assertThat(actual).as("partition %d", p).containsExactlyElementsOf(expected);
        }
        for (int m = 0; m < maps; m++) {
            MapOutputCommit commit = commits.get(m);
            assertThat(commit.path()).endsWith("/shuffle_7/map_" + m + "_" + (100 + m) + ".data");
            long[] index = ShuffleStore.readIndex(fs, new Path(commit.path()));
            assertThat(Arrays.copyOf(index, numPartitions)).containsExactly(commit.partitionOffsets());
            assertThat(index[numPartitions]).isEqualTo(commit.totalBytes());
            for (int p = 1; p < numPartitions; p += 2) {
                assertThat(commit.partitionLengths()[p]).as("odd partitions are empty").isZero();
            }
        }
    }

    @Test
    void largeRecordsAndPartitionsLargerThanTheReadChunk() {
        ShuffleStore store = store(fs, 256 * 1024);
        MapOutputWriter writer = store.newMapOutputWriter(1, 0, 1, 2);
        List<Pair<Object, Object>> expected = new ArrayList<>();
        Random random = new Random(42);
        for (int i = 0; i < 3000; i++) {
            // Mostly ~1 KB values, a few far larger than a block (32 KiB) and one larger than the 1 MiB read chunk.
            int size = i == 1500 ? 1_500_000 : i % 500 == 0 ? 100_000 : random.nextInt(2000);
            Pair<Object, Object> record = Pair.of((long) i, "v".repeat(size));
            expected.add(record);
            writer.write(1, record.key(), record.value());
        }
        MapOutputCommit commit = writer.commit();
        assertThat(commit.partitionLengths()[1]).isGreaterThan(3L << 20);
        List<Pair<Object, Object>> actual = drain(store.<Object, Object>read(1, 1, List.of(commit.segment(0, 1))));
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void opensEachMapFileOnceForAdjacentSegmentsAndSkipsEmptySegments() {
        AtomicInteger opens = new AtomicInteger();
        FileSystem counting = new FilterFileSystem(fs) {
            @Override
            public FSDataInputStream open(Path f, int bufferSize) throws IOException {
                opens.incrementAndGet();
                return super.open(f, bufferSize);
            }
        };
        counting.setConf(fs.getConf());
        ShuffleStore store = store(counting, 1024);
        MapOutputWriter writer = store.newMapOutputWriter(2, 0, 9, 4);
        for (int i = 0; i < 400; i++) {
            writer.write(i % 3, i, "value" + i);
        }
        MapOutputCommit commit = writer.commit();
        List<ShuffleSegment> segments = List.of(
                new ShuffleSegment(5, "file:/does/not/exist", 0, 0),
                commit.segment(0, 0), commit.segment(0, 1), commit.segment(0, 2), commit.segment(0, 3));
        List<Pair<Integer, String>> actual = drain(store.<Integer, String>read(2, 0, segments));
        assertThat(actual).hasSize(400);
        assertThat(actual).extracting(Pair::key).containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.range(0, 400).boxed().toList());
        assertThat(opens).hasValue(1);
    }

    @Test
    void buffersStayWithinTheWriteBufferPlusOnePage() {
        long writeBuffer = 256 * 1024;
        ShuffleStore store = store(fs, writeBuffer);
        MapOutputWriter writer = store.newMapOutputWriter(9, 0, 1, 50);
        Random random = new Random(9);
        long maxHeld = 0;
        for (int i = 0; i < 20_000; i++) {
            writer.write(random.nextInt(50), (long) i, "value-" + "y".repeat(random.nextInt(200)));
            maxHeld = Math.max(maxHeld, writer.heldBytes());
        }
        assertThat(writer.spillCount()).isGreaterThan(5);
        assertThat(maxHeld).isGreaterThan(writeBuffer / 2).isLessThanOrEqualTo(writeBuffer + writer.pageSize());
        writer.abort();
        assertThat(spillDir.list()).isEmpty();
    }

    @Test
    void moreSpillsThanMayBeOpenAtOnceAreMergedAndRecordsKeepTheirWriteOrder() {
        ShuffleStore store = store(fs, 1024);
        MapOutputWriter writer = store.newMapOutputWriter(11, 0, 1, 2);
        List<List<Pair<Object, Object>>> expected = List.of(new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < 4_000; i++) {
            int partition = i % 2;
            String value = "v" + i + "-" + "z".repeat(i % 40);
            writer.write(partition, (long) i, value);
            expected.get(partition).add(Pair.of((long) i, value));
        }
        assertThat(writer.spillCount()).as("spills, beyond the 64 open at once").isGreaterThan(64);
        MapOutputCommit commit = writer.commit();
        assertThat(spillDir.list()).isNullOrEmpty();
        for (int p = 0; p < 2; p++) {
            assertThat(drain(store.<Object, Object>read(11, p, List.of(commit.segment(0, p)))))
                    .as("partition %d", p).containsExactlyElementsOf(expected.get(p));
        }
    }

    @Test
    void emptyMapOutputIsAValidTinyFile() throws IOException {
        ShuffleStore store = store(fs, 1024);
        MapOutputCommit commit = store.newMapOutputWriter(3, 4, 5, 6).commit();
        Path path = new Path(commit.path());
        assertThat(commit.partitionLengths()).containsOnly(0L).hasSize(6);
        assertThat(commit.partitionOffsets()).containsOnly(0L).hasSize(6);
        assertThat(fs.getFileStatus(path).getLen()).isEqualTo(8 * 7 + 12);
        assertThat(ShuffleStore.readIndex(fs, path)).containsOnly(0L).hasSize(7);
        List<ShuffleSegment> segments = List.of(commit.segment(4, 0), commit.segment(4, 5));
        assertThat(store.read(3, 0, segments).hasNext()).isFalse();
    }

    @Test
    void createsWithoutOverwriteWithReplicationAndOneBlockThenRenames() {
        List<String> created = new ArrayList<>();
        FileSystem recording = new FilterFileSystem(fs) {
            @Override
            public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
                    short replication, long blockSize, Progressable progress) throws IOException {
                created.add(f.getName() + " with parents");
                return super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
            }

            @Override
            public FSDataOutputStream createNonRecursive(Path f, FsPermission permission,
                    java.util.EnumSet<org.apache.hadoop.fs.CreateFlag> flags, int bufferSize, short replication,
                    long blockSize, Progressable progress) throws IOException {
                // Without parents: a deleted application directory is never made again (ShuffleDirectoryCallsTest).
                created.add(f.getName() + " overwrite=" + flags.contains(org.apache.hadoop.fs.CreateFlag.OVERWRITE)
                        + " replication=" + replication + " blockSize=" + blockSize);
                return super.createNonRecursive(f, permission, flags, bufferSize, replication, blockSize, progress);
            }
        };
        recording.setConf(fs.getConf());
        ShuffleStore store = new ShuffleStore(recording, appDir, (short) 2, KRYO, spillDir, 1024);
        MapOutputWriter writer = store.newMapOutputWriter(0, 1, 2, 3);
        writer.write(0, "k", "v");
        MapOutputCommit commit = writer.commit();
        assertThat(created).singleElement().asString()
                .matches("\\.map_1_2\\.data\\.tmp-[0-9a-f-]{36} overwrite=false replication=2 blockSize="
                        + (128L << 20));
        assertThat(new File(java.net.URI.create(commit.path()))).isFile();
        assertThat(MapOutputWriter.blockSizeFor(1)).isEqualTo(128L << 20);
        assertThat(MapOutputWriter.blockSizeFor(128L << 20)).isEqualTo(128L << 20);
        assertThat(MapOutputWriter.blockSizeFor((128L << 20) + 1)).isEqualTo(129L << 20);
        assertThat(MapOutputWriter.blockSizeFor(5L << 30) % 512).isZero();
    }

    @Test
    void renameReturningFalseFailsTheCommitAndLeavesNoFiles() throws IOException {
        FileSystem refusing = new FilterFileSystem(fs) {
            @Override
            public boolean rename(Path src, Path dst) {
                return false;
            }
        };
        refusing.setConf(fs.getConf());
        ShuffleStore store = store(refusing, 1024);
        MapOutputWriter writer = store.newMapOutputWriter(0, 3, 4, 2);
        writeRandom(writer, new Random(1), 2, 500);
        assertThat(writer.spillCount()).isPositive();
        assertThatThrownBy(writer::commit).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("map_3_4.data").hasMessageContaining("returned false");
        assertThat(spillDir.list()).isEmpty();
        assertThat(listNames(store.shuffleDir(0))).isEmpty();
        writer.abort();
    }

    @Test
    void failureToCreateTheFileDeletesSpills() throws IOException {
        Files.writeString(new File(temp, "app").toPath(), "a file where the directory should be");
        ShuffleStore store = store(fs, 1024);
        MapOutputWriter writer = store.newMapOutputWriter(0, 0, 1, 2);
        writeRandom(writer, new Random(2), 2, 500);
        assertThatThrownBy(writer::commit).isInstanceOf(UncheckedIOException.class);
        assertThat(spillDir.list()).isEmpty();
    }

    @Test
    void abortDeletesSpillsAndWritesNothing() throws IOException {
        ShuffleStore store = store(fs, 1024);
        MapOutputWriter writer = store.newMapOutputWriter(0, 0, 1, 5);
        writeRandom(writer, new Random(3), 5, 1000);
        assertThat(writer.spillCount()).isPositive();
        assertThat(spillDir.list()).isNotEmpty();
        writer.abort();
        writer.abort();
        assertThat(spillDir.list()).isEmpty();
        assertThat(fs.exists(store.shuffleDir(0))).isFalse();
        assertThatThrownBy(() -> writer.write(0, "k", "v")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(writer::commit).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void rejectsPartitionsOutOfRangeAndKeepsNoPartOfUnserializableRecords() {
        ShuffleStore store = store(fs, 1 << 20);
        MapOutputWriter writer = store.newMapOutputWriter(0, 0, 1, 2);
        assertThatThrownBy(() -> writer.write(2, "k", "v")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Partition 2 out of range");
        writer.write(0, "before", 1);
        assertThatThrownBy(() -> writer.write(0, "bad", new Thread())).isInstanceOf(RuntimeException.class);
        writer.write(0, "after", 2);
        MapOutputCommit commit = writer.commit();
        assertThat(drain(store.read(0, 0, List.of(commit.segment(0, 0)))))
                .containsExactly(Pair.of("before", 1), Pair.of("after", 2));
    }

    @Test
    void missingFileIsAFetchFailureNamingTheMapOutput() throws IOException {
        ShuffleStore store = store(fs, 1024);
        MapOutputWriter writer = store.newMapOutputWriter(4, 7, 70, 2);
        writeRandom(writer, new Random(4), 2, 100);
        MapOutputCommit commit = writer.commit();
        MapOutputWriter other = store.newMapOutputWriter(4, 8, 80, 2);
        other.write(0, "x", "y");
        MapOutputCommit otherCommit = other.commit();
        fs.delete(new Path(commit.path()), false);

        ShuffleReader<Object, Object> reader = store.read(4, 0, List.of(otherCommit.segment(8, 0),
                commit.segment(7, 0)));
        assertThat(reader.next()).isEqualTo(Pair.of("x", "y"));
        assertThatThrownBy(reader::hasNext).isInstanceOfSatisfying(FetchFailedException.class, e -> {
            assertThat(e.shuffleId()).isEqualTo(4);
            assertThat(e.mapIndex()).isEqualTo(7);
            assertThat(e.reducePartition()).isZero();
            assertThat(e.path()).isEqualTo(commit.path());
            assertThat(e.getMessage()).contains("shuffle 4", "map 7", "reduce partition 0", commit.path());
        });
        assertThat(reader.hasNext()).isFalse();
    }

    @Test
    void truncatedFileIsAFetchFailure() throws IOException {
        ShuffleStore store = store(fs, 1024);
        MapOutputWriter writer = store.newMapOutputWriter(5, 3, 30, 1);
        writeRandom(writer, new Random(5), 1, 2000);
        MapOutputCommit commit = writer.commit();
        File file = new File(java.net.URI.create(commit.path()));
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw")) {
            raf.setLength(commit.partitionLengths()[0] / 2);
        }
        assertThatThrownBy(() -> drain(store.read(5, 0, List.of(commit.segment(3, 0)))))
                .isInstanceOfSatisfying(FetchFailedException.class, e -> assertThat(e.mapIndex()).isEqualTo(3))
                .hasMessageContaining("map 3");
        assertThatThrownBy(() -> ShuffleStore.readIndex(fs, new Path(commit.path())))
                .isInstanceOf(IOException.class);
    }

    @Test
    void segmentLongerThanTheDataIsAFetchFailure() throws IOException {
        FileSystem raw = FileSystem.getLocal(new Configuration()).getRawFileSystem();
        ShuffleStore store = store(raw, 1024);
        MapOutputWriter writer = store.newMapOutputWriter(6, 2, 20, 1);
        writer.write(0, "k", "v");
        MapOutputCommit commit = writer.commit();
        // The driver asks for more bytes than the partition holds: the footer is read as a block header.
        ShuffleSegment tooLong = new ShuffleSegment(2, commit.path(), 0, commit.partitionLengths()[0] + 20);
        assertThatThrownBy(() -> drain(store.read(6, 0, List.of(tooLong))))
                .isInstanceOf(FetchFailedException.class).hasMessageContaining("map 2");
        ShuffleSegment pastEnd = new ShuffleSegment(2, commit.path(), 10_000, 100);
        assertThatThrownBy(() -> drain(store.read(6, 0, List.of(pastEnd))))
                .isInstanceOf(FetchFailedException.class).hasMessageContaining("map 2");
    }

    @Test
    void corruptBlockLengthAndCorruptRecordAreFetchFailures() throws IOException {
        FileSystem raw = FileSystem.getLocal(new Configuration()).getRawFileSystem();
        ShuffleStore store = store(raw, 1 << 20);
        MapOutputWriter writer = store.newMapOutputWriter(8, 1, 10, 1);
        for (int i = 0; i < 50; i++) {
            writer.write(0, "key" + i, (long) i);
        }
        MapOutputCommit commit = writer.commit();
        File file = new File(java.net.URI.create(commit.path()));
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw")) {
            raf.seek(0);
            raf.writeInt(1 << 30);
        }
        assertThatThrownBy(() -> drain(store.read(8, 0, List.of(commit.segment(1, 0)))))
                .isInstanceOf(FetchFailedException.class).hasMessageContaining("bad block length");
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw")) {
            raf.seek(0);
            raf.writeInt((int) commit.partitionLengths()[0] - 4);
            raf.seek(4);
            raf.writeByte(99);
        }
        assertThatThrownBy(() -> drain(store.read(8, 0, List.of(commit.segment(1, 0)))))
                .isInstanceOf(FetchFailedException.class).hasMessageContaining("undecodable record");
    }

    @Test
    void readIndexRejectsFilesThatAreNotMapOutputs() throws IOException {
        Path path = new Path(new File(temp, "other.txt").toURI());
        try (FSDataOutputStream out = fs.create(path)) {
            out.write("just some text that is long enough".getBytes());
        }
        assertThatThrownBy(() -> ShuffleStore.readIndex(fs, path)).isInstanceOf(IOException.class)
                .hasMessageContaining("bad magic");
    }

    @Test
    void removeShuffleAndDeleteAll() throws IOException {
        ShuffleStore store = store(fs, 1024);
        for (int shuffle = 0; shuffle < 2; shuffle++) {
            MapOutputWriter writer = store.newMapOutputWriter(shuffle, 0, 1, 1);
            writer.write(0, 1, 2);
            writer.commit();
        }
        store.removeShuffle(0);
        assertThat(fs.exists(store.shuffleDir(0))).isFalse();
        assertThat(fs.exists(store.shuffleDir(1))).isTrue();
        store.deleteAll();
        assertThat(fs.exists(appDir)).isFalse();
    }

    private List<String> listNames(Path dir) throws IOException {
        if (!fs.exists(dir)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (FileStatus status : fs.listStatus(dir)) {
            names.add(status.getPath().getName());
        }
        return names;
    }

    private void assertNoTemporaryFiles(Path dir) throws IOException {
        File local = new File(dir.toUri());
        assertThat(local.list()).allSatisfy(name -> assertThat(name).doesNotContain(".tmp-"));
        assertThat(listNames(dir)).allSatisfy(name -> assertThat(name).matches("map_\\d+_\\d+\\.data"));
    }
}
