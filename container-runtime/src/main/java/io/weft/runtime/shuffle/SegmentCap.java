package io.weft.runtime.shuffle;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The per-shuffle cap on open segment files of one executor ({@code weft.shuffle.segmentFilesPerExecutor}): how
 * many files each shuffle has open (free or borrowed, counting a file being created) and, at the cap, the
 * committing tasks waiting for one, first come first served.
 *
 * <p>Places are handed over, never raced for: a file given back while tasks wait goes straight to the first waiter
 * ({@link #handOver}), and a place freed by a file closed (rolled, discarded after a failed write, idle) goes to
 * the first waiter as leave to create a file ({@link #release}); only when nobody waits does the file become free
 * or the count drop. So a task arriving later never overtakes one that waits.
 *
 * <p>Not thread-safe on its own: every method is called under {@link SegmentFiles}' lock, which waiters wait on
 * (releasing it) and which is notified whenever a waiter was handed something.
 */
final class SegmentCap {

    /** One committing task waiting at the cap; its fields are written and read under the pool's lock. */
    static final class Waiter {
        final int shuffleId;
        /** A file handed to it, now its own. */
        Segment segment;
        /** Leave to create a file: a place was counted for it. */
        boolean mayCreate;

        Waiter(int shuffleId) {
            this.shuffleId = shuffleId;
        }

        boolean served() {
            return segment != null || mayCreate;
        }
    }

    private final int perShuffle;
    /** Open files per shuffle, only shuffles with at least one. */
    private final Map<Integer, Integer> open = new HashMap<>();
    /** Waiting tasks per shuffle, oldest first; only shuffles with at least one. */
    private final Map<Integer, ArrayDeque<Waiter>> waiting = new HashMap<>();

    /** @param perShuffle most open files per shuffle; 0: no cap */
    SegmentCap(int perShuffle) {
        if (perShuffle < 0) {
            throw new IllegalArgumentException("Segment files per executor must be 0 (no cap) or more, got "
                    + perShuffle);
        }
        this.perShuffle = perShuffle;
    }

    /**
     * Counts a new file of the shuffle if the cap allows one and nobody waits.
     *
     * @return whether the caller may create a file
     */
    boolean tryReserve(int shuffleId) {
        int now = open.getOrDefault(shuffleId, 0);
        if ((perShuffle > 0 && now >= perShuffle) || waiting.containsKey(shuffleId)) {
            return false;
        }
        open.put(shuffleId, now + 1);
        return true;
    }

    /** @return a new waiter, queued last */
    Waiter enqueue(int shuffleId) {
        Waiter w = new Waiter(shuffleId);
        waiting.computeIfAbsent(shuffleId, id -> new ArrayDeque<>()).addLast(w);
        return w;
    }

    /**
     * Gives a file being given back to the shuffle's first waiter, if any.
     *
     * @return whether it was handed over (the caller then notifies the lock)
     */
    boolean handOver(Segment segment) {
        Waiter first = poll(segment.shuffleId);
        if (first == null) {
            return false;
        }
        first.segment = segment;
        return true;
    }

    /**
     * Frees the place of a file of the shuffle that was closed (or never created): the first waiter gets leave to
     * create one, or the count drops.
     *
     * @return whether a waiter was served (the caller then notifies the lock)
     */
    boolean release(int shuffleId) {
        Waiter first = poll(shuffleId);
        if (first != null) {
            first.mayCreate = true;
            return true;
        }
        open.computeIfPresent(shuffleId, (id, n) -> n > 1 ? n - 1 : null);
        return false;
    }

    /**
     * Takes a waiter that stops waiting (interrupted, or the pool closed) out of the queue and passes on whatever
     * it had been handed, so its place is not lost: a file to the next waiter or back to {@code free}, leave to
     * create to the next waiter or off the count.
     *
     * @param free the shuffle's free files, where a handed file goes if nobody else waits
     * @return whether another waiter was served (the caller then notifies the lock)
     */
    boolean leave(Waiter w, ArrayDeque<Segment> free) {
        ArrayDeque<Waiter> queue = waiting.get(w.shuffleId);
        if (queue != null && queue.remove(w) && queue.isEmpty()) {
            waiting.remove(w.shuffleId);
        }
        if (w.segment != null) {
            Segment s = w.segment;
            w.segment = null;
            if (handOver(s)) {
                return true;
            }
            free.addLast(s);
            return false;
        }
        if (w.mayCreate) {
            w.mayCreate = false;
            return release(w.shuffleId);
        }
        return false;
    }

    /** @return the shuffle's open files, counting those being created */
    int openFiles(int shuffleId) {
        return open.getOrDefault(shuffleId, 0);
    }

    /** @return the tasks waiting for a file of the shuffle */
    int waiting(int shuffleId) {
        ArrayDeque<Waiter> queue = waiting.get(shuffleId);
        return queue == null ? 0 : queue.size();
    }

    private Waiter poll(int shuffleId) {
        ArrayDeque<Waiter> queue = waiting.get(shuffleId);
        if (queue == null) {
            return null;
        }
        Waiter first = queue.pollFirst();
        if (queue.isEmpty()) {
            waiting.remove(shuffleId);
        }
        return first;
    }
}
