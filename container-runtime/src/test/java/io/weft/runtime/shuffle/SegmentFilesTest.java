package io.weft.runtime.shuffle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.Pair;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

/**
 * The consolidated layout: map outputs of one store share segment files, read back exactly, each file opened once
 * per reader; failed writes, rolling, reruns and the fallback to one file per map where streams cannot flush. Idle
 * closing is in {@link SegmentFilesIdleTest}, the cap on open files per shuffle in {@link SegmentFilesCapTest}.
 * What a reader sees of a file whose writer died is tested on HDFS itself ({@code SegmentFileWriterDeathTest} in
 * integration-tests).
 */
class SegmentFilesTest extends SegmentFilesFixture {

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
        writePastTheStreamsBuffer(failing);
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
}
