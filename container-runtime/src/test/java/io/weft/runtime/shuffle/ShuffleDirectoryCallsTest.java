package io.weft.runtime.shuffle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.Pair;
import io.weft.runtime.serial.KryoPool;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How often a {@link ShuffleStore} makes its directories: on HDFS each is two NameNode calls (mkdirs,
 * setPermission), paid by every executor for every shuffle, so they are made once per store, however many task
 * threads commit their first map output at the same moment.
 */
class ShuffleDirectoryCallsTest {

    private static final KryoPool KRYO = new KryoPool(ShuffleDirectoryCallsTest.class.getClassLoader());

    @TempDir
    File temp;

    private final Map<String, Integer> mkdirs = new ConcurrentHashMap<>();
    private final AtomicBoolean failNextMkdirs = new AtomicBoolean();
    private FileSystem counting;
    private Path appDir;

    @BeforeEach
    void setUp() throws IOException {
        FileSystem local = FileSystem.getLocal(new Configuration());
        counting = new FilterFileSystem(local) {
            @Override
            public boolean mkdirs(Path f, FsPermission permission) throws IOException {
                if (failNextMkdirs.getAndSet(false)) {
                    throw new IOException("injected: the NameNode is unreachable");
                }
                mkdirs.merge(local.makeQualified(f).toString(), 1, Integer::sum);
                return super.mkdirs(f, permission);
            }
        };
        counting.setConf(local.getConf());
        appDir = local.makeQualified(new Path(new File(temp, "app").toURI()));
    }

    private ShuffleStore store() {
        return new ShuffleStore(counting, appDir, (short) 1, KRYO, new File(temp, "spill"), 1 << 20);
    }

    private static MapOutputCommit commitOne(ShuffleStore store, int shuffleId, int mapIndex) {
        MapOutputWriter writer = store.newMapOutputWriter(shuffleId, mapIndex, 100L + mapIndex, 2);
        writer.write(mapIndex % 2, mapIndex, "value" + mapIndex);
        return writer.commit();
    }

    @Test
    void aCommitAfterTheApplicationsDirectoryWasDeletedFailsAndDoesNotMakeItAgain() throws IOException {
        // A killed application: its ApplicationMaster deletes the shuffle directory while an executor still runs.
        ShuffleStore store = store();
        commitOne(store, 0, 0);
        assertThat(counting.delete(appDir, true)).isTrue();
        assertThatThrownBy(() -> commitOne(store, 0, 1)).hasRootCauseInstanceOf(java.io.FileNotFoundException.class);
        assertThat(counting.exists(appDir)).as("the deleted directory stays deleted").isFalse();
        store.close();
        assertThat(counting.exists(appDir)).isFalse();
    }

    @Test
    void anExecutorsFirstCommitOfAShuffleAfterTheApplicationsDirectoryWasDeletedDoesNotMakeItAgain()
            throws IOException {
        // As above, but the executor had not written this shuffle yet: its directory is new, its parent gone.
        ShuffleStore store = store().applicationDirMadeByDriver();
        counting.mkdirs(appDir);
        commitOne(store, 0, 0);
        assertThat(counting.delete(appDir, true)).isTrue();
        assertThatThrownBy(() -> commitOne(store, 1, 0)).hasRootCauseInstanceOf(java.io.FileNotFoundException.class);
        assertThat(counting.exists(appDir)).as("the deleted directory stays deleted").isFalse();
        store.close();
        assertThat(counting.exists(appDir)).isFalse();

        // A standalone store (no driver) makes the whole path, as before.
        ShuffleStore standalone = store();
        commitOne(standalone, 1, 0);
        assertThat(counting.exists(appDir)).isTrue();
        standalone.close();
    }

    @Test
    void concurrentFirstCommitsMakeEachDirectoryOnce() throws Exception {
        ShuffleStore store = store();
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<MapOutputCommit>> commits = new ArrayList<>();
            for (int map = 0; map < threads; map++) {
                int mapIndex = map;
                commits.add(pool.submit(() -> {
                    start.await();
                    return commitOne(store, 0, mapIndex);
                }));
            }
            start.countDown();
            List<ShuffleSegment> segments = new ArrayList<>();
            for (int map = 0; map < threads; map++) {
                MapOutputCommit commit = commits.get(map).get();
                segments.add(commit.segment(map, 0));
                segments.add(commit.segment(map, 1));
            }
            List<Pair<Integer, String>> read = new ArrayList<>();
            store.<Integer, String>read(0, 0, segments).forEachRemaining(read::add);
            assertThat(read).extracting(Pair::key).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7);
        } finally {
            pool.shutdownNow();
        }
        commitOne(store, 1, 0);
        commitOne(store, 1, 1);
        assertThat(mkdirs).containsExactlyInAnyOrderEntriesOf(Map.of(
                appDir.toString(), 1,
                store.shuffleDir(0).toString(), 1,
                store.shuffleDir(1).toString(), 1));
    }

    @Test
    void aFailedMkdirsIsTriedAgainByTheNextCommit() {
        ShuffleStore store = store();
        failNextMkdirs.set(true);
        assertThatThrownBy(() -> commitOne(store, 0, 0)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("the NameNode is unreachable");
        commitOne(store, 0, 1);
        assertThat(mkdirs).containsEntry(appDir.toString(), 1).containsEntry(store.shuffleDir(0).toString(), 1);
    }

    @Test
    void directoriesAreMadeAgainAfterDeleteAllAndRemoveShuffle() throws IOException {
        ShuffleStore store = store();
        commitOne(store, 0, 0);
        store.removeShuffle(0);
        commitOne(store, 0, 1);
        store.deleteAll();
        commitOne(store, 0, 2);
        assertThat(mkdirs).containsEntry(appDir.toString(), 2).containsEntry(store.shuffleDir(0).toString(), 3);
        assertThat(new File(temp, "app/shuffle_0").list()).filteredOn(name -> !name.endsWith(".crc"))
                .containsExactly("map_2_102.data");
    }
}
