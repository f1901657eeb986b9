package io.weft.runtime.shuffle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.Pair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cap on open segment files per shuffle ({@code weft.shuffle.segmentFilesPerExecutor}): committers at the cap
 * wait, first come first served and interruptibly, for a file to come back; a failed write frees its place. Driven
 * with latches and no sleeps.
 */
class SegmentFilesCapTest extends SegmentFilesFixture {

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
        writePastTheStreamsBuffer(writer);
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
