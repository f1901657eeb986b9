package io.weft.runtime.shuffle;

import io.weft.runtime.files.OwnerOnly;
import java.io.IOException;
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
 * open streams, at most one per map task committing at the same moment (so at most the executor's task threads).
 *
 * <h2>Commit</h2>
 * A committing map task borrows a free stream (or creates a file), appends its whole output, calls
 * {@code hflush()} and gives the stream back; its {@code MapStatus} then names the file and the output's absolute
 * offsets. After {@code hflush} the bytes are on the DataNodes and readable by any reader that opens the file
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

    /** Makes a shuffle's directory (once) and returns it. */
    @FunctionalInterface
    interface ShuffleDirs {
        /**
         * @param shuffleId the shuffle
         * @return its directory, made
         * @throws IOException when it cannot be made
         */
        Path ensure(int shuffleId) throws IOException;
    }

    /** One open segment file; owned by the pool while free, by one task while borrowed. */
    static final class Segment {
        final int shuffleId;
        final Path path;
        final FSDataOutputStream out;
        long lastUsedNanos;
        /** Times it was given back to the pool: 0 for a stream just created. */
        int givenBack;

        Segment(int shuffleId, Path path, FSDataOutputStream out) {
            this.shuffleId = shuffleId;
            this.path = path;
            this.out = out;
        }
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
     * @param nanoClock {@link System#nanoTime()} outside tests
     */
    SegmentFiles(FileSystem fs, ShuffleDirs dirs, String writerName, short replication, long rollBytes,
            long idleMillis, LongSupplier nanoClock) {
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
                closeQuietly(segment);
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
        synchronized (lock) {
            return liveWriters.getOrDefault(shuffleId, 0);
        }
    }

    /**
     * @param shuffleId the shuffle
     * @param fresh whether to open a new file even if a free one exists
     * @return a free or new stream, or {@code null} if this file system cannot flush or the pool is closed
     * @throws IOException if a new file cannot be made
     */
    Segment borrow(int shuffleId, boolean fresh) throws IOException {
        long number;
        synchronized (lock) {
            if (closed || unsupported) {
                return null;
            }
            ArrayDeque<Segment> shuffleFree = free.get(shuffleId);
            if (!fresh && shuffleFree != null && !shuffleFree.isEmpty()) {
                return shuffleFree.pollLast();
            }
            number = nextFile++;
            if (closer == null && idleNanos > 0) {
                closer = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "weft-shuffle-segment-closer");
                    t.setDaemon(true);
                    return t;
                });
                long period = Math.max(TimeUnit.MILLISECONDS.toNanos(100), idleNanos / 2);
                closer.scheduleWithFixedDelay(this::closeIdleQuietly, period, period, TimeUnit.NANOSECONDS);
            }
        }
        Path path = new Path(dirs.ensure(shuffleId), namePrefix + number + ".data");
        FSDataOutputStream out = OwnerOnly.create(fs, path, false, FS_BUFFER, replication,
                SEGMENT_BLOCK_SIZE);
        if (!out.hasCapability(StreamCapabilities.HFLUSH)) {
            unsupported = true;
            LOG.debug("{} cannot hflush, so map outputs are written one file each, not consolidated", fs.getUri());
            out.close();
            fs.delete(path, false);
            return null;
        }
        LOG.debug("Opened segment file {}", path);
        return new Segment(shuffleId, path, out);
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
                    free.computeIfAbsent(segment.shuffleId, id -> new ArrayDeque<>()).addLast(segment);
                    return;
                }
            }
        }
        closeQuietly(segment);
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
        idle.forEach(SegmentFiles::closeQuietly);
        return idle.size();
    }

    private void closeIdleQuietly() {
        try {
            closeIdle();
        } catch (RuntimeException e) {
            LOG.warn("Closing idle segment files failed", e);
        }
    }

    /** @return the number of free (open, not borrowed) files, for tests */
    int freeFiles() {
        synchronized (lock) {
            return free.values().stream().mapToInt(ArrayDeque::size).sum();
        }
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
            shuffleFree.forEach(SegmentFiles::closeQuietly);
        }
    }

    /** Closes every free file, e.g. before the application's shuffle directory is deleted; the pool stays usable. */
    void closeFree() {
        List<Segment> all = new ArrayList<>();
        synchronized (lock) {
            free.values().forEach(all::addAll);
            free.clear();
        }
        all.forEach(SegmentFiles::closeQuietly);
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
        }
        all.forEach(SegmentFiles::closeQuietly);
    }

    private static void closeQuietly(Segment segment) {
        try {
            segment.out.close();
        } catch (IOException | RuntimeException e) {
            LOG.info("Could not close segment file {} (its flushed outputs stay readable; the NameNode recovers"
                    + " it): {}", segment.path, e.toString());
        }
    }
}
