package io.weft.runtime.spill;

import com.esotericsoftware.kryo.Kryo;
import io.weft.api.HashPartitioner;
import io.weft.api.Pair;
import io.weft.api.lineage.Aggregator;
import io.weft.runtime.serial.KryoPool;
import java.io.File;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.PriorityQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Combines values by key within a memory budget: a hash map of combiners that, when its estimated size
 * ({@link SizeEstimator}) exceeds the budget, is written to a local spill file sorted by key hash and emptied.
 * At the end, without spills, the map's entries are returned; otherwise the spill files and the sorted in-memory
 * entries are merged lazily: records with the smallest hash are taken from every source, grouped by
 * {@code equals} (unequal keys may share a hash) and their combiners merged. Keys are hashed with
 * {@link HashPartitioner#stableHash} ({@code null} keys hash to 0). At most 64 spill files are merged at once:
 * with more, the oldest are first merged into bigger spill files, so open files and read buffers stay bounded.
 *
 * <p>Records are combined in batches ({@link RecordBatch}, {@link CombineMap#combineBatch}), so their hash-map
 * cache misses overlap; a record whose key or value may be a reused object is combined before the next is read.
 *
 * <p>One aggregation per instance, on one thread. Each spill file is deleted as soon as it is fully read;
 * {@link #close()} deletes the rest when the output is abandoned. Output order is unspecified.
 *
 * @param <K> the key type
 * @param <V> the value type
 * @param <C> the combiner type
 */
public final class ExternalAggregator<K, V, C> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExternalAggregator.class);

    private final Aggregator<V, C> aggregator;
    private final boolean inputIsCombiners;
    private final MemoryBudget budget;
    private final File spillDir;
    private final KryoPool kryoPool;

    private final SizeEstimator estimator = new SizeEstimator();
    private final List<SpillFile> spills = new ArrayList<>();
    private final List<SpillFile.Reader> readers = new ArrayList<>();
    private Kryo kryo;
    private boolean started;
    private boolean closed;
    private int spillCount;
    private long spilledRecords;

    /**
     * @param aggregator how to combine values
     * @param inputIsCombiners whether the input values are already combiners (merged with
     *     {@code mergeCombiners}) rather than values
     * @param budget heap the in-memory map may use
     * @param spillDir local directory for spill files
     * @param kryoPool the application's Kryo instances
     */
    public ExternalAggregator(Aggregator<V, C> aggregator, boolean inputIsCombiners, MemoryBudget budget,
            File spillDir, KryoPool kryoPool) {
        this.aggregator = Objects.requireNonNull(aggregator, "aggregator");
        this.inputIsCombiners = inputIsCombiners;
        this.budget = Objects.requireNonNull(budget, "budget");
        this.spillDir = Objects.requireNonNull(spillDir, "spillDir");
        this.kryoPool = Objects.requireNonNull(kryoPool, "kryoPool");
    }

    /**
     * Consumes the input and returns the combined records, one per distinct key. The input is read fully before
     * this returns; the output is produced lazily.
     *
     * @param records the input, values or combiners per {@code inputIsCombiners}
     * @return one record per key with its combiner
     * @throws IllegalStateException if called twice
     * @throws java.io.UncheckedIOException if a spill file cannot be written or read
     */
    public Iterator<Pair<K, C>> aggregate(Iterator<? extends Pair<K, ?>> records) {
        return aggregate(new CombineMap<>(), records);
    }

    /**
     * As {@link #aggregate(Iterator)}, continuing from a map that already holds some records' combiners (a
     * map-side combine's probe): they are spilled and merged like the rest.
     *
     * @param map the map to continue with; this aggregator owns it from now on
     * @param records the rest of the input
     * @return one record per key with its combiner
     */
    @SuppressWarnings("unchecked")
    Iterator<Pair<K, C>> aggregate(CombineMap<K, C> map, Iterator<? extends Pair<K, ?>> records) {
        if (started || closed) {
            throw new IllegalStateException("An ExternalAggregator aggregates once");
        }
        started = true;
        kryo = kryoPool.borrow();
        try {
            long limit = budget.bytes();
            RecordBatch batch = new RecordBatch();
            while (batch.fill(records, CombineMap.BATCH)) {
                map.combineBatch(batch, aggregator, inputIsCombiners);
                batch.sample(estimator, kryo);
                if (estimator.estimate(map.size()) > limit) {
                    spill(map);
                    estimator.reset();
                }
            }
            if (spills.isEmpty()) {
                releaseKryo();
                return map.iterator();
            }
            reduceSpillsToFanIn();
            Object[][] sorted = map.drainSortedByHash();
            return new MergedOutput(List.copyOf(spills), sorted);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** @return the number of times the in-memory map was spilled */
    public int spillCount() {
        return spillCount;
    }

    /** @return the number of records written to spill files */
    public long spilledRecords() {
        return spilledRecords;
    }

    /** Deletes all spill files and returns the Kryo instance; the output then must not be used. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        SpillFile.deleteAll(readers, spills);
        releaseKryo();
    }

    private void releaseKryo() {
        if (kryo != null) {
            kryoPool.release(kryo);
            kryo = null;
        }
    }

    private void spill(CombineMap<K, C> map) {
        Object[][] sorted = map.drainSortedByHash();
        SpillFile.Writer writer = SpillFile.create(spillDir, "weft-aggregate-", SpillFile.bufferSize(budget, 1));
        Object[] keys = sorted[0];
        Object[] combiners = sorted[1];
        for (int i = 0; i < keys.length; i++) {
            writer.append(kryo, keys[i], combiners[i]);
        }
        SpillFile spill = writer.finish();
        spills.add(spill);
        spillCount++;
        spilledRecords += keys.length;
        LOG.debug("Spilled {} combined records to {}", keys.length, spill.file());
    }

    /** Merges the oldest spill files into one until at most {@link SpillFile#MAX_FAN_IN} remain. */
    private void reduceSpillsToFanIn() {
        while (spills.size() > SpillFile.MAX_FAN_IN) {
            List<SpillFile> batch = List.copyOf(spills.subList(0, SpillFile.MAX_FAN_IN));
            SpillFile.Writer writer = SpillFile.create(spillDir, "weft-aggregate-merged-",
                    SpillFile.bufferSize(budget, 1));
            try {
                MergedOutput merged = new MergedOutput(batch, null);
                while (merged.hasNext()) {
                    Pair<K, C> record = merged.next();
                    writer.append(kryo, record.key(), record.value());
                }
            } catch (RuntimeException | Error e) {
                writer.abort();
                throw e;
            }
            // The batch's readers deleted their files when exhausted; drop them with their buffers.
            readers.clear();
            spills.subList(0, SpillFile.MAX_FAN_IN).clear();
            spills.add(writer.finish());
        }
    }

    static int hash(Object key) {
        return key == null ? 0 : HashPartitioner.stableHash(key);
    }

    /** A stream of (hash, key, combiner) in non-decreasing hash order. */
    private abstract static class Source {
        int hash;
        Object key;
        Object combiner;

        /** @return whether a record was loaded; false at the end */
        abstract boolean advance();
    }

    private static final class ArraySource extends Source {
        private final Object[] keys;
        private final Object[] combiners;
        private int next;

        ArraySource(Object[] keys, Object[] combiners) {
            this.keys = keys;
            this.combiners = combiners;
        }

        @Override
        boolean advance() {
            if (next == keys.length) {
                key = null;
                combiner = null;
                return false;
            }
            key = keys[next];
            combiner = combiners[next];
            keys[next] = null;
            combiners[next] = null;
            next++;
            hash = hash(key);
            return true;
        }
    }

    private static final class SpillSource extends Source {
        private final SpillFile.Reader reader;

        SpillSource(SpillFile.Reader reader) {
            this.reader = reader;
        }

        @Override
        boolean advance() {
            if (!reader.advance()) {
                key = null;
                combiner = null;
                return false;
            }
            key = reader.key;
            combiner = reader.value;
            hash = hash(key);
            return true;
        }
    }

    /**
     * Merges spill files and possibly the in-memory rest. The final output (with the in-memory rest) closes the
     * aggregator when exhausted; an intermediate merge only deletes its inputs (each reader does at its end).
     */
    private final class MergedOutput implements Iterator<Pair<K, C>> {
        private final PriorityQueue<Source> heap;
        private final boolean last;
        private final ArrayDeque<Pair<K, C>> ready = new ArrayDeque<>();
        private final List<Object> groupKeys = new ArrayList<>();
        private final List<C> groupCombiners = new ArrayList<>();

        /**
         * @param files spill files, each sorted by hash
         * @param inMemory the in-memory rest sorted by hash (keys, combiners) for the final output; null for an
         *     intermediate merge
         */
        MergedOutput(List<SpillFile> files, Object[][] inMemory) {
            last = inMemory != null;
            heap = new PriorityQueue<>(files.size() + 1, (a, b) -> Integer.compare(a.hash, b.hash));
            int bufferSize = SpillFile.bufferSize(budget, files.size() + 1);
            for (SpillFile spill : files) {
                SpillFile.Reader reader = spill.open(kryo, bufferSize);
                readers.add(reader);
                offer(new SpillSource(reader));
            }
            if (inMemory != null) {
                offer(new ArraySource(inMemory[0], inMemory[1]));
            }
        }

        private void offer(Source source) {
            if (source.advance()) {
                heap.add(source);
            }
        }

        @Override
        public boolean hasNext() {
            if (!ready.isEmpty()) {
                return true;
            }
            if (closed) {
                return false;
            }
            if (heap.isEmpty()) {
                if (last) {
                    close();
                }
                return false;
            }
            try {
                mergeSmallestHash();
            } catch (RuntimeException | Error e) {
                close();
                throw e;
            }
            return true;
        }

        @SuppressWarnings("unchecked")
        private void mergeSmallestHash() {
            int hash = heap.peek().hash;
            while (!heap.isEmpty() && heap.peek().hash == hash) {
                Source source = heap.poll();
                boolean more;
                do {
                    add(source.key, (C) source.combiner);
                    more = source.advance();
                } while (more && source.hash == hash);
                if (more) {
                    heap.add(source);
                }
            }
            for (int i = 0; i < groupKeys.size(); i++) {
                ready.add(new Pair<>((K) groupKeys.get(i), groupCombiners.get(i)));
            }
            groupKeys.clear();
            groupCombiners.clear();
        }

        private void add(Object key, C combiner) {
            for (int i = 0; i < groupKeys.size(); i++) {
                if (Objects.equals(groupKeys.get(i), key)) {
                    groupCombiners.set(i, aggregator.mergeCombiners().apply(groupCombiners.get(i), combiner));
                    return;
                }
            }
            groupKeys.add(key);
            groupCombiners.add(combiner);
        }

        @Override
        public Pair<K, C> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.poll();
        }
    }
}
