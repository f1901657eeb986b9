package io.weft.runtime.spill;

import com.esotericsoftware.kryo.Kryo;
import io.weft.api.Pair;
import io.weft.runtime.serial.KryoPool;
import java.io.File;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.PriorityQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sorts records by key within a memory budget: records are buffered in a list; when its estimated size
 * ({@link SizeEstimator}) exceeds the budget it is sorted and written to a local spill file as a run. At the end
 * the runs and the sorted in-memory rest are merged lazily with a priority queue. At most 64 runs are merged at
 * once: with more, the oldest are first merged into longer runs, so open files and read buffers stay bounded. The
 * order of records with equal keys is unspecified.
 *
 * <p>One sort per instance, on one thread. Each run file is deleted as soon as it is fully read;
 * {@link #close()} deletes the rest when the output is abandoned.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class ExternalSorter<K, V> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExternalSorter.class);

    private final Comparator<? super K> ordering;
    private final Comparator<Pair<K, V>> recordOrdering;
    private final MemoryBudget budget;
    private final File spillDir;
    private final KryoPool kryoPool;

    private final SizeEstimator estimator = new SizeEstimator();
    private final List<SpillFile> runs = new ArrayList<>();
    private final List<SpillFile.Reader> readers = new ArrayList<>();
    private Kryo kryo;
    private boolean started;
    private boolean closed;
    private int spillCount;

    /**
     * @param ordering the key order; must handle {@code null} keys if there are any
     * @param budget heap the buffered records may use
     * @param spillDir local directory for run files
     * @param kryoPool the application's Kryo instances
     */
    public ExternalSorter(Comparator<? super K> ordering, MemoryBudget budget, File spillDir, KryoPool kryoPool) {
        this.ordering = Objects.requireNonNull(ordering, "ordering");
        this.recordOrdering = (a, b) -> ordering.compare(a.key(), b.key());
        this.budget = Objects.requireNonNull(budget, "budget");
        this.spillDir = Objects.requireNonNull(spillDir, "spillDir");
        this.kryoPool = Objects.requireNonNull(kryoPool, "kryoPool");
    }

    /**
     * Consumes the input and returns it sorted by key. The input is read fully before this returns; the output
     * is produced lazily.
     *
     * @param records the input
     * @return the records in key order
     * @throws IllegalStateException if called twice
     * @throws java.io.UncheckedIOException if a run file cannot be written or read
     */
    public Iterator<Pair<K, V>> sort(Iterator<Pair<K, V>> records) {
        if (started || closed) {
            throw new IllegalStateException("An ExternalSorter sorts once");
        }
        started = true;
        kryo = kryoPool.borrow();
        try {
            ArrayList<Pair<K, V>> buffer = new ArrayList<>();
            long limit = budget.bytes();
            while (records.hasNext()) {
                Pair<K, V> record = records.next();
                buffer.add(record);
                estimator.update(kryo, record.key(), record.value());
                if (estimator.estimate(buffer.size()) > limit) {
                    spill(buffer);
                    buffer = new ArrayList<>();
                    estimator.reset();
                }
            }
            sortInMemory(buffer);
            if (runs.isEmpty()) {
                releaseKryo();
                return buffer.iterator();
            }
            reduceRunsToFanIn();
            return new MergedOutput(List.copyOf(runs), buffer);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** Sorts a buffer: by key prefixes where {@link PrefixSort} applies, else with the ordering (both stable). */
    private void sortInMemory(List<Pair<K, V>> buffer) {
        if (!PrefixSort.trySort(buffer, ordering)) {
            buffer.sort(recordOrdering);
        }
    }

    /** @return the number of times the buffer was spilled as a sorted run */
    public int spillCount() {
        return spillCount;
    }

    /** Deletes all run files and returns the Kryo instance; the output then must not be used. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        SpillFile.deleteAll(readers, runs);
        releaseKryo();
    }

    private void releaseKryo() {
        if (kryo != null) {
            kryoPool.release(kryo);
            kryo = null;
        }
    }

    private void spill(List<Pair<K, V>> buffer) {
        sortInMemory(buffer);
        SpillFile.Writer writer = SpillFile.create(spillDir, "weft-sort-", SpillFile.bufferSize(budget, 1));
        for (Pair<K, V> record : buffer) {
            writer.append(kryo, record.key(), record.value());
        }
        SpillFile run = writer.finish();
        runs.add(run);
        spillCount++;
        LOG.debug("Spilled a sorted run of {} records to {}", buffer.size(), run.file());
    }

    /** Merges the oldest runs into one until at most {@link SpillFile#MAX_FAN_IN} remain. */
    private void reduceRunsToFanIn() {
        while (runs.size() > SpillFile.MAX_FAN_IN) {
            List<SpillFile> batch = List.copyOf(runs.subList(0, SpillFile.MAX_FAN_IN));
            SpillFile.Writer writer = SpillFile.create(spillDir, "weft-sort-merged-", SpillFile.bufferSize(budget, 1));
            try {
                MergedOutput merged = new MergedOutput(batch, null);
                while (merged.hasNext()) {
                    Pair<K, V> record = merged.next();
                    writer.append(kryo, record.key(), record.value());
                }
            } catch (RuntimeException | Error e) {
                writer.abort();
                throw e;
            }
            // The batch's readers deleted their files when exhausted; drop them with their buffers.
            readers.clear();
            runs.subList(0, SpillFile.MAX_FAN_IN).clear();
            runs.add(writer.finish());
        }
    }

    /** The head of one sorted run. */
    private static final class Source<K, V> {
        private final Iterator<Pair<K, V>> memory;
        private final SpillFile.Reader reader;
        Pair<K, V> head;

        Source(Iterator<Pair<K, V>> memory, SpillFile.Reader reader) {
            this.memory = memory;
            this.reader = reader;
        }

        @SuppressWarnings("unchecked")
        boolean advance() {
            if (memory != null) {
                head = memory.hasNext() ? memory.next() : null;
            } else {
                head = reader.advance() ? new Pair<>((K) reader.key, (V) reader.value) : null;
            }
            return head != null;
        }
    }

    /**
     * Merges runs and possibly the in-memory rest. The final output (with the in-memory rest) closes the sorter
     * when exhausted; an intermediate merge only deletes its inputs (each reader does at its end).
     */
    private final class MergedOutput implements Iterator<Pair<K, V>> {
        private final PriorityQueue<Source<K, V>> heap;
        private final boolean last;

        /**
         * @param files sorted runs
         * @param inMemory the sorted in-memory rest for the final output; null for an intermediate merge
         */
        MergedOutput(List<SpillFile> files, List<Pair<K, V>> inMemory) {
            last = inMemory != null;
            heap = new PriorityQueue<>(files.size() + 1, (a, b) -> ordering.compare(a.head.key(), b.head.key()));
            int bufferSize = SpillFile.bufferSize(budget, files.size() + 1);
            for (SpillFile run : files) {
                SpillFile.Reader reader = run.open(kryo, bufferSize);
                readers.add(reader);
                offer(new Source<>(null, reader));
            }
            if (inMemory != null) {
                offer(new Source<>(inMemory.iterator(), null));
            }
        }

        private void offer(Source<K, V> source) {
            if (source.advance()) {
                heap.add(source);
            }
        }

        @Override
        public boolean hasNext() {
            if (closed) {
                return false;
            }
            if (heap.isEmpty()) {
                if (last) {
                    close();
                }
                return false;
            }
            return true;
        }

        @Override
        public Pair<K, V> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Source<K, V> source = heap.poll();
            Pair<K, V> result = source.head;
            try {
                offer(source);
            } catch (RuntimeException | Error e) {
                close();
                throw e;
            }
            return result;
        }
    }
}
