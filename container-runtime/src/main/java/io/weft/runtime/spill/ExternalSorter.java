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
 * the runs and the sorted in-memory rest are merged lazily with a priority queue. The order of records with equal
 * keys is unspecified.
 *
 * <p>One sort per instance, on one thread. Each run file is deleted as soon as it is fully read;
 * {@link #close()} deletes the rest when the output is abandoned.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class ExternalSorter<K, V> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExternalSorter.class);
    private static final int MIN_READ_BUFFER = 4 * 1024;
    private static final int MAX_READ_BUFFER = 64 * 1024;

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
            buffer.sort(recordOrdering);
            if (runs.isEmpty()) {
                releaseKryo();
                return buffer.iterator();
            }
            return new MergedOutput(buffer);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** @return the number of run files written */
    public int spillCount() {
        return runs.size();
    }

    /** Deletes all run files and returns the Kryo instance; the output then must not be used. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (SpillFile.Reader reader : readers) {
            try {
                reader.close();
            } catch (RuntimeException e) {
                LOG.warn("Could not delete a sort run file", e);
            }
        }
        readers.clear();
        for (SpillFile run : runs) {
            if (run.file().exists() && !run.file().delete()) {
                LOG.warn("Could not delete sort run file {}", run.file());
            }
        }
        if (kryo != null) {
            releaseKryo();
        }
    }

    private void releaseKryo() {
        if (kryo != null) {
            kryoPool.release(kryo);
            kryo = null;
        }
    }

    private void spill(List<Pair<K, V>> buffer) {
        buffer.sort(recordOrdering);
        SpillFile.Writer writer = SpillFile.create(spillDir, "weft-sort-");
        for (Pair<K, V> record : buffer) {
            writer.append(kryo, record.key(), record.value());
        }
        SpillFile run = writer.finish();
        runs.add(run);
        LOG.debug("Spilled a sorted run of {} records to {}", buffer.size(), run.file());
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

    private final class MergedOutput implements Iterator<Pair<K, V>> {
        private final PriorityQueue<Source<K, V>> heap;

        MergedOutput(List<Pair<K, V>> inMemory) {
            heap = new PriorityQueue<>(runs.size() + 1, (a, b) -> ordering.compare(a.head.key(), b.head.key()));
            int bufferSize = (int) Math.max(MIN_READ_BUFFER,
                    Math.min(MAX_READ_BUFFER, budget.bytes() / (runs.size() + 1)));
            for (SpillFile run : runs) {
                SpillFile.Reader reader = run.open(kryo, bufferSize);
                readers.add(reader);
                offer(new Source<>(null, reader));
            }
            offer(new Source<>(inMemory.iterator(), null));
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
                close();
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
