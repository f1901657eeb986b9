package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.Pair;
import io.weft.runtime.serial.KryoPool;
import io.weft.runtime.shuffle.MapOutputCommit;
import io.weft.runtime.shuffle.MapOutputWriter;
import io.weft.runtime.shuffle.ShuffleStore;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a reducer sees of a consolidated segment file whose writer died before closing it: an executor JVM that is
 * killed leaves its segment files under construction on the NameNode, their last block being written. The writer
 * here is a {@link FileSystem} instance of its own (its own HDFS client and lease) whose client is aborted without
 * completing its files, as a killed JVM leaves them: no {@code complete}, the lease left to expire. Every output it
 * committed (appended and {@code hflush}ed) must read back exactly, before and after the NameNode recovers the
 * file, and the AM-restart journal's footer check must accept them. The cluster (one DataNode) is this class's own.
 */
class SegmentFileWriterDeathTest {

    private static final KryoPool KRYO = new KryoPool(SegmentFileWriterDeathTest.class.getClassLoader());
    private static final int PARTITIONS = 3;

    private static MiniDFSCluster dfs;
    private static java.nio.file.Path base;

    @BeforeAll
    static void start() throws IOException {
        base = Files.createTempDirectory("weft-segment-death-");
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, new File(base.toFile(), "dfs").getAbsolutePath());
        conf.set("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", "10");
        dfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        dfs.waitActive();
    }

    @AfterAll
    static void stop() throws IOException {
        if (dfs != null) {
            dfs.shutdown();
        }
        try (var paths = Files.walk(base)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static MapOutputCommit writeMap(ShuffleStore store, int m) {
        MapOutputWriter writer = store.newMapOutputWriter(0, m, 10L + m, PARTITIONS);
        for (int i = 0; i < 200; i++) {
            writer.write(i % PARTITIONS, "map" + m + "-key" + i, "value " + i);
        }
        return writer.commit();
    }

    private static List<Pair<Object, Object>> expected(int m, int p) {
        List<Pair<Object, Object>> records = new ArrayList<>();
        for (int i = p; i < 200; i += PARTITIONS) {
            records.add(Pair.of("map" + m + "-key" + i, "value " + i));
        }
        return records;
    }

    private static List<Pair<Object, Object>> read(ShuffleStore store, MapOutputCommit commit, int m, int p) {
        List<Pair<Object, Object>> records = new ArrayList<>();
        store.<Object, Object>read(0, p, List.of(commit.segment(m, p))).forEachRemaining(records::add);
        return records;
    }

    private static void assertReadable(ShuffleStore reader, List<MapOutputCommit> commits) throws IOException {
        for (int m = 0; m < commits.size(); m++) {
            MapOutputCommit c = commits.get(m);
            for (int p = 0; p < PARTITIONS; p++) {
                assertThat(read(reader, c, m, p)).as("map %d, partition %d", m, p)
                        .containsExactlyElementsOf(expected(m, p));
            }
            long footerStart = c.partitionOffsets()[PARTITIONS - 1] + c.partitionLengths()[PARTITIONS - 1];
            long[] index = ShuffleStore.readIndex(dfs.getFileSystem(), new Path(c.path()), footerStart, PARTITIONS);
            assertThat(java.util.Arrays.copyOf(index, PARTITIONS)).containsExactly(c.partitionOffsets());
        }
    }

    @Test
    void outputsAWriterFlushedBeforeItDiedReadBackExactlyBeforeAndAfterLeaseRecovery() throws Exception {
        DistributedFileSystem readerFs = dfs.getFileSystem();
        Path appDir = readerFs.makeQualified(new Path("/shuffle/app-death"));
        File scratch = Files.createTempDirectory(base, "scratch").toFile();
        DistributedFileSystem writerFs = (DistributedFileSystem) FileSystem.newInstance(readerFs.getUri(),
                dfs.getConfiguration(0));
        ShuffleStore writer = new ShuffleStore(writerFs, appDir, (short) 1, KRYO, scratch, 1 << 20,
                new ShuffleStore.Consolidation("exec1_dead", 128L << 20, 0));
        List<MapOutputCommit> commits = new ArrayList<>();
        for (int m = 0; m < 3; m++) {
            commits.add(writeMap(writer, m));
        }
        Path segment = new Path(commits.get(0).path());
        assertThat(segment.getName()).startsWith("seg_exec1_dead_");
        assertThat(commits).allSatisfy(c -> assertThat(c.path()).isEqualTo(segment.toString()));

        // The writer dies: its client stops without completing the file or renewing the lease.
        writerFs.getClient().closeAllFilesBeingWritten(true);
        assertThat(readerFs.isFileClosed(segment)).as("left under construction").isFalse();

        ShuffleStore reader = new ShuffleStore(readerFs, appDir, (short) 1, KRYO, scratch, 1 << 20);
        assertReadable(reader, commits);

        // The NameNode closes the file on recovering the dead writer's lease, keeping every flushed byte.
        // (Recovery takes a DataNode round trip: poll for it within a deadline.)
        assertThat(io.weft.driver.Poll.until(() -> {
            try {
                return readerFs.recoverLease(segment);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, 60_000, 200)).as("the dead writer's lease is recovered").isTrue();
        assertThat(readerFs.isFileClosed(segment)).isTrue();
        long lastEnd = commits.get(2).partitionOffsets()[PARTITIONS - 1]
                + commits.get(2).partitionLengths()[PARTITIONS - 1];
        assertThat(readerFs.getFileStatus(segment).getLen()).as("the recovered length covers every committed output")
                .isGreaterThanOrEqualTo(lastEnd);
        assertReadable(reader, commits);
        writerFs.close();
    }

    @Test
    void aFileStillBeingWrittenIsReadableUpToItsLastCommittedOutputWhileMoreIsAppended() throws Exception {
        DistributedFileSystem fs = dfs.getFileSystem();
        Path appDir = fs.makeQualified(new Path("/shuffle/app-live"));
        File scratch = Files.createTempDirectory(base, "scratch").toFile();
        ShuffleStore writer = new ShuffleStore(fs, appDir, (short) 1, KRYO, scratch, 1 << 20,
                new ShuffleStore.Consolidation("exec2_live", 128L << 20, 0));
        ShuffleStore reader = new ShuffleStore(fs, appDir, (short) 1, KRYO, scratch, 1 << 20);
        List<MapOutputCommit> commits = new ArrayList<>();
        for (int m = 0; m < 4; m++) {
            commits.add(writeMap(writer, m));
            // A reducer reading now sees every output committed so far, though the file stays open.
            assertReadable(reader, commits);
        }
        assertThat(fs.isFileClosed(new Path(commits.get(0).path()))).isFalse();
        assertThat(fs.getFileStatus(new Path(commits.get(0).path())).getPermission().toShort())
                .as("owner-only, like a map output file of its own").isEqualTo((short) 0600);
        assertThat(fs.getFileStatus(new Path(commits.get(0).path()).getParent()).getPermission().toShort())
                .isEqualTo((short) 0700);
        writer.close();
        assertThat(fs.isFileClosed(new Path(commits.get(0).path()))).as("closed with the executor").isTrue();
        assertReadable(reader, commits);
    }
}
