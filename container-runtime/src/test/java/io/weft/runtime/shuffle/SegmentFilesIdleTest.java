package io.weft.runtime.shuffle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

/**
 * Idle segment files are closed after the timeout, counted from the end of the shuffle's last live writer, never
 * while a map task of the shuffle runs, so long tasks keep appending to one file; every writer, committed, aborted
 * or failed, releases its count once. Driven by an injected clock.
 */
class SegmentFilesIdleTest extends SegmentFilesFixture {

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
        writePastTheStreamsBuffer(failing);
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
}
