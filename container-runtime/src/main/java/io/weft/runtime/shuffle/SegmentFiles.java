package io.weft.runtime.shuffle;

import io.weft.runtime.files.OwnerOnly;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StreamCapabilities;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consolidated map outputs: the segment files of one executor JVM, {@code shuffle_<id>/seg_<writer>_<n>.data},
 * each holding the outputs of several of its map tasks one after the other, each output followed by its own index
 * footer (format in {@link MapOutputWriter}, offsets absolute in the file). Per shuffle there is a small pool of
 * open streams, at most one per map task committing at the same moment (so at most the executor's task threads),
 * or at most the cap (below).
 *
 * <h2>Commit</h2>
 * A committing map task borrows a free stream (or creates a file), appends its whole output, calls
 * {@code hflush()} and gives the stream back; its {@code MapStatus} then names the file and the output's absolute
 * offsets. With a cap ({@code weft.shuffle.segmentFilesPerExecutor}, {@link SegmentCap}) a shuffle has at most that
 * many files open here: a task committing when all are borrowed waits, first come first served, for one to be
 * given back (roughly one other output's copy and {@code hflush}: outputs are spilled locally before and only
 * copied at commit) or for a place freed by a file rolled or discarded. It waits holding no file and releasing the
 * pool's lock; interrupting it (a killed task) ends the wait at once with an {@link InterruptedIOException}, and
 * anything handed to it meanwhile passes to the next waiter. After {@code hflush} the bytes are on the DataNodes and readable by any reader that opens the file
 * afterwards, while the file is still being written, and after its writer died without closing it: the NameNode
 * keeps such a file under construction (its lease expires, and recovery closes it, keeping every flushed byte).
 * Reducers only open a file after the outputs they read in it were reported, so they never read past what was
 * flushed. A write that fails midway discards the stream (the task fails as before); its bytes, like those of a
 * speculative attempt that lost, are unreferenced garbage in the file, and outputs committed to it before stay
 * readable. A pooled stream can go bad while idle (its DataNode died); an output whose write to one fails is
 * written once more to a new file before the task is failed.
 *
 * <h2>Closing</h2>
 * A file is closed (its block completed on the NameNode) when it passes the roll size on giving back, when the
 * executor stopped writing its shuffle for the idle timeout (a daemon thread, {@code weft-shuffle-segment-closer},
 * checks), when its shuffle is removed and when the store closes with the executor. A file system whose streams
 * cannot {@code hflush} (the local file system's checksummed files) gets one file per map output instead
 * ({@link PerMapFileTarget}).
 *
 * <h2>Idle time</h2>
 * The pool counts each shuffle's live writers: a {@link MapOutputWriter} counts from
 * {@link ShuffleStore#newMapOutputWriter} (which calls {@link #writerTarget}) until its commit or abort
 * ({@link MapOutputTarget#writerEnded()}, exactly once, also when the commit fails). While a shuffle has a live
 * writer its free files are never closed for idleness, however long its map tasks run between two commits;
 * otherwise a task slot whose map tasks take longer than the timeout would find its file closed at every commit and
 * create a new one, one file per map output again. A free file's idle time counts from the later of its last use
 * and the moment its shuffle's last writer ended, so the timeout means "this long after the executor stopped
 * writing the shuffle" and covers the short gaps between one map task and the next (the driver's round trip, a
 * locality wait). A writer that is never committed nor aborted (a caller bug; every task path in
 * {@code TaskRunner} aborts in a {@code finally}) keeps its shuffle's free files open until they roll, the shuffle
 * is removed or the executor stops: more open files and blocks completed later, nothing lost or unreadable.
 *
 * <h2>Losing a file</h2>
 * A lost or unreadable segment file costs exactly the outputs in it: the driver forgets every map output of the
 * shuffle that names the file when a reducer reports it unreadable, and those maps run again.
 *
 * <p>Thread-safe: task threads borrow and give back concurrently; the pool is guarded by one lock, and streams
 * are created and closed outside it.
 */
final class SegmentFiles implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentFiles.class);
    private static final int FS_BUFFER = 128 * 1024;
    /**
     * Block size of segment files. A reader's open fetches the locations of the first 10 blocks
     * ({@code dfs.client.read.prefetch.size}), so a file of up to 1.25 GiB costs one NameNode call per reader; the
     * roll size (1g by default) keeps files within that.
     */
    private static final long SEGMENT_BLOCK_SIZE = 128L << 20;

    /** Makes a shuffle's directory (once) and returns it; throws {@link IOException} when it cannot. */
    @FunctionalInterface
    interface ShuffleDirs {
        Path ensure(int shuffleId) throws IOException;
    }

    private final FileSystem fs;
    private final ShuffleDirs dirs;
    private final String namePrefix;
    private final short replication;
    private final long rollBytes;
    private final long idleNanos;
    private final LongSupplier nanoClock;
    private final Object lock = new Object();
    /** Free streams per shuffle, most recently used last; guarded by {@link #lock}. */
    private final Map<Integer, ArrayDeque<Segment>> free = new HashMap<>();
    /** Live writers per shuffle, only shuffles with at least one; guarded by {@link #lock}. */
    private final Map<Integer, Integer> liveWriters = new HashMap<>();
    /** Open files and waiters per shuffle; guarded by {@link #lock}. */
    private final SegmentCap cap;
    /** Guarded by {@link #lock}. */
    private long nextFile;
    /** Guarded by {@link #lock}. */
    private boolean closed;
    /** Guarded by {@link #lock}; started with the first file. */
    private ScheduledExecutorService closer;
    private volatile boolean unsupported;

    /**
     * @param fs the shuffle file system
     * @param dirs makes shuffle directories
     * @param writerName unique among the application's executor JVMs (file names start {@code seg_<writerName>_})
     * @param replication replication of the files
     * @param rollBytes a file given back with at least this many bytes is closed, and the next output starts a new
     *     one
     * @param idleMillis a free file is closed once unused this long with no live writer of its shuffle (counted
     *     from the later of its last use and the end of the shuffle's last writer); 0 or less: only on roll,
     *     removal and close
     * @param filesPerShuffle most files open per shuffle, at which committing tasks wait; 0: no cap
     * @param nanoClock {@link System#nanoTime()} outside tests
     */
    SegmentFiles(FileSystem fs, ShuffleDirs dirs, String writerName, short replication, long rollBytes,
            long idleMillis, int filesPerShuffle, LongSupplier nanoClock) {
        this.cap = new SegmentCap(filesPerShuffle);
        this.fs = fs;
        this.dirs = dirs;
        this.namePrefix = "seg_" + writerName + "_";
        this.replication = replication;
        this.rollBytes = rollBytes;
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(idleMillis);
        this.nanoClock = nanoClock;
    }

    /**
     * Registers a live writer of the shuffle (see "Idle time") and returns its target. The writer must call the
     * target's {@link MapOutputTarget#writerEnded()} when it ends; later calls do nothing.
     *
     * @param shuffleId the shuffle
     * @param fallback where outputs go when this file system cannot flush (or the pool is closed)
     * @return a target that appends to this pool's files
     */
    MapOutputTarget writerTarget(int shuffleId, MapOutputTarget fallback) {
        writerOpened(shuffleId);
        AtomicBoolean ended = new AtomicBoolean();
        return new MapOutputTarget() {
            @Override
            public void writerEnded() {
                if (ended.compareAndSet(false, true)) {
                    writerClosed(shuffleId);
                }
            }

            @Override
            public Slot open(long outputBytes) throws IOException {
                Segment segment = borrow(shuffleId, false);
                return segment == null ? fallback.open(outputBytes) : slot(segment);
            }

            @Override
            public Slot openNew(long outputBytes) throws IOException {
                Segment segment = borrow(shuffleId, true);
                return segment == null ? fallback.open(outputBytes) : slot(segment);
            }

            @Override
            public String describe() {
                return fallback.describe() + " (to be appended to a segment file)";
            }
        };
    }

    private MapOutputTarget.Slot slot(Segment segment) {
        long base = segment.out.getPos();
        boolean reused = segment.givenBack > 0;
        return new MapOutputTarget.Slot() {
            @Override
            public FSDataOutputStream stream() {
                return segment.out;
            }

            @Override
            public long base() {
                return base;
            }

            @Override
            public boolean reusedStream() {
                return reused;
            }

            @Override
            public String commit() throws IOException {
                segment.out.hflush();
                giveBack(segment);
                return segment.path.toString();
            }

            @Override
            public void abandon() {
                LOG.info("Discarding segment file {} after a failed write; its committed outputs stay readable",
                        segment.path);
                segment.closeQuietly();
                release(segment.shuffleId);
            }
        };
    }

    /**
     * Counts a live writer of the shuffle: its free files are not closed for idleness until the count is back to 0.
     * Any thread.
     *
     * @param shuffleId the shuffle
     */
    void writerOpened(int shuffleId) {
        synchronized (lock) {
            liveWriters.merge(shuffleId, 1, Integer::sum);
        }
    }

    /**
     * Ends a live writer of the shuffle counted by {@link #writerOpened}; call exactly once per writer. When it was
     * the last, the shuffle's free files start their idle time now. Any thread.
     *
     * @param shuffleId the shuffle
     * @throws IllegalStateException if the shuffle has no live writer (a writer ended twice)
     */
    void writerClosed(int shuffleId) {
        long now = nanoClock.getAsLong();
        synchronized (lock) {
            Integer live = liveWriters.get(shuffleId);
            if (live == null) {
                throw new IllegalStateException("Shuffle " + shuffleId + " has no live map output writer to end:"
                        + " a writer was ended twice");
            }
            if (live > 1) {
                liveWriters.put(shuffleId, live - 1);
                return;
            }
            liveWriters.remove(shuffleId);
            ArrayDeque<Segment> shuffleFree = free.get(shuffleId);
            if (shuffleFree != null) {
                for (Segment s : shuffleFree) {
                    s.lastUsedNanos = now; // idle from the end of the shuffle's last writer, not from its last use
                }
            }
        }
    }

    /** @return the shuffle's live writers, for tests */
    int liveWriters(int shuffleId) {
        synchronized (lock) { return liveWriters.getOrDefault(shuffleId, 0); }
    }

    /**
     * Borrows a free file of the shuffle, or creates one; at the cap, waits (see "Commit"). On the committing
     * task's thread, which must hold no file of the pool.
     *
     * @param shuffleId the shuffle
     * @param fresh whether to open a new file even if a free one exists (at the cap a free or handed file is
     *     closed to make its place)
     * @return a free or new stream, or {@code null} if this file system cannot flush or the pool is closed
     * @throws InterruptedIOException if the thread is interrupted while waiting (it stays interrupted; the pool
     *     keeps nothing for it)
     * @throws IOException if a new file cannot be made (its place is freed)
     */
    Segment borrow(int shuffleId, boolean fresh) throws IOException {
        long number;
        Segment replaced = null;
        synchronized (lock) {
            SegmentCap.Waiter me = null;
            while (true) {
                if (me != null && me.segment != null) {
                    if (!fresh) {
                        return me.segment;
                    }
                    replaced = me.segment; // its place is ours: close it and create a file in it
                    break;
                }
                if (closed || unsupported) {
                    if (me != null && cap.leave(me, freeOf(shuffleId))) {
                        lock.notifyAll();
                    }
                    return null;
                }
                if (me != null && me.mayCreate) {
                    break;
                }
                if (me == null) {
                    ArrayDeque<Segment> shuffleFree = free.get(shuffleId);
                    boolean anyFree = shuffleFree != null && !shuffleFree.isEmpty();
                    if (!fresh && anyFree) {
                        return shuffleFree.pollLast();
                    }
                    if (cap.tryReserve(shuffleId)) {
                        break;
                    }
                    if (anyFree) {
                        replaced = shuffleFree.pollFirst(); // fresh at the cap: the oldest free file makes room
                        break;
                    }
                    me = cap.enqueue(shuffleId);
                }
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    if (cap.leave(me, freeOf(shuffleId))) {
                        lock.notifyAll();
                    }
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("Interrupted (the task was killed) while waiting for a segment"
                            + " file of shuffle " + shuffleId + " to be given back");
                }
            }
            number = nextFile++;
            startCloser();
        }
        if (replaced != null) {
            replaced.closeQuietly();
        }
        try {
            return create(shuffleId, number);
        } catch (IOException | RuntimeException e) {
            release(shuffleId);
            throw e;
        }
    }

    private ArrayDeque<Segment> freeOf(int shuffleId) {
        return free.computeIfAbsent(shuffleId, id -> new ArrayDeque<>());
    }

    /** Starts the idle closer with the first file; under {@link #lock}. */
    private void startCloser() {
        if (closer == null && idleNanos > 0) {
            closer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "weft-shuffle-segment-closer");
                t.setDaemon(true);
                return t;
            });
            long period = Math.max(TimeUnit.MILLISECONDS.toNanos(100), idleNanos / 2);
            closer.scheduleWithFixedDelay(() -> {
                try {
                    closeIdle();
                } catch (RuntimeException e) { // a throwing task would never run again
                    LOG.warn("Closing idle segment files failed", e);
                }
            }, period, period, TimeUnit.NANOSECONDS);
        }
    }

    /** Creates file {@code number} of the shuffle in a place already counted; {@code null} if it cannot flush. */
    private Segment create(int shuffleId, long number) throws IOException {
        Path path = new Path(dirs.ensure(shuffleId), namePrefix + number + ".data");
        FSDataOutputStream out = OwnerOnly.createInExistingDirectory(fs, path, false, FS_BUFFER, replication,
                SEGMENT_BLOCK_SIZE);
        if (!out.hasCapability(StreamCapabilities.HFLUSH)) {
            unsupported = true;
            LOG.debug("{} cannot hflush, so map outputs are written one file each, not consolidated", fs.getUri());
            out.close();
            fs.delete(path, false);
            release(shuffleId);
            return null;
        }
        LOG.debug("Opened segment file {}", path);
        return new Segment(shuffleId, path, out);
    }

    /** Frees the place of a closed (or never created) file of the shuffle; any thread, not under the lock. */
    private void release(int shuffleId) {
        synchronized (lock) {
            if (cap.release(shuffleId) || closed || unsupported) {
                lock.notifyAll();
            }
        }
    }

    /** @return the shuffle's open files (free, borrowed or being created) and, if {@code waiters}, its waiters */
    int openFiles(int shuffleId, boolean waiters) {
        synchronized (lock) {
            return waiters ? cap.waiting(shuffleId) : cap.openFiles(shuffleId);
        }
    }

    /**
     * Returns a stream after a commit: pooled, or closed if it reached the roll size or the pool is closed. A close
     * that fails loses nothing committed (the bytes were flushed), so it is only logged.
     */
    void giveBack(Segment segment) {
        segment.lastUsedNanos = nanoClock.getAsLong();
        segment.givenBack++;
        if (segment.out.getPos() < rollBytes) {
            synchronized (lock) {
                if (!closed) {
                    if (cap.handOver(segment)) {
                        lock.notifyAll();
                    } else {
                        freeOf(segment.shuffleId).addLast(segment);
                    }
                    return;
                }
            }
        }
        segment.closeQuietly();
        release(segment.shuffleId);
        LOG.debug("Closed segment file {} at {} bytes", segment.path, segment.out.getPos());
    }

    /**
     * Closes the free files of shuffles without live writers that were unused for the idle timeout, counted from
     * the later of their last use and the end of their shuffle's last writer. Called by the closer thread (and by
     * tests).
     *
     * @return how many were closed
     */
    int closeIdle() {
        long now = nanoClock.getAsLong();
        List<Segment> idle = new ArrayList<>();
        synchronized (lock) {
            for (Map.Entry<Integer, ArrayDeque<Segment>> shuffle : free.entrySet()) {
                if (liveWriters.containsKey(shuffle.getKey())) {
                    continue; // its map tasks are running: the next commit appends to these files
                }
                for (Iterator<Segment> it = shuffle.getValue().iterator(); it.hasNext(); ) {
                    Segment s = it.next();
                    if (now - s.lastUsedNanos >= idleNanos) {
                        it.remove();
                        idle.add(s);
                    }
                }
            }
        }
        closeAndRelease(idle);
        return idle.size();
    }

    /** @return the number of free (open, not borrowed) files, for tests */
    int freeFiles() {
        synchronized (lock) { return free.values().stream().mapToInt(ArrayDeque::size).sum(); }
    }

    /**
     * Closes a shuffle's free files, before its directory is deleted.
     *
     * @param shuffleId the shuffle
     */
    void closeShuffle(int shuffleId) {
        ArrayDeque<Segment> shuffleFree;
        synchronized (lock) {
            shuffleFree = free.remove(shuffleId);
        }
        if (shuffleFree != null) {
            closeAndRelease(shuffleFree);
        }
    }

    /** Closes every free file, e.g. before the application's shuffle directory is deleted; the pool stays usable. */
    void closeFree() {
        List<Segment> all = new ArrayList<>();
        synchronized (lock) {
            free.values().forEach(all::addAll);
            free.clear();
        }
        closeAndRelease(all);
    }

    /**
     * Closes every free file, stops the closer and makes later outputs files of their own; files borrowed now are
     * closed when given back. Called when the executor stops. Idempotent.
     */
    @Override
    public void close() {
        List<Segment> all = new ArrayList<>();
        synchronized (lock) {
            closed = true;
            free.values().forEach(all::addAll);
            free.clear();
            if (closer != null) {
                closer.shutdownNow();
            }
            lock.notifyAll(); // waiters at the cap give up: their outputs get files of their own
        }
        closeAndRelease(all);
    }

    private void closeAndRelease(java.util.Collection<Segment> segments) {
        for (Segment s : segments) {
            s.closeQuietly();
            release(s.shuffleId);
        }
    }
}
