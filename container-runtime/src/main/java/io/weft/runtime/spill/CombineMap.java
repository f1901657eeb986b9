package io.weft.runtime.spill;

import io.weft.api.Pair;
import io.weft.api.lineage.Aggregator;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * An open-addressing hash map for combining values by key: one probe per record (a {@code HashMap} needs a
 * get and a put), keys, combiners and hashes in flat arrays (no entry objects to chase), linear probing.
 * Hashes are {@link ExternalAggregator#hash(Object)}, stored so spills can sort by them without rehashing.
 * Not thread-safe: one task's thread.
 *
 * <h2>Few reference stores</h2>
 * Once the map is large its arrays live in the old generation, and every store of a young object's reference
 * into them costs a garbage-collector write barrier (with G1: a memory fence and a dirty card to process
 * later). That was most of the time of a {@code reduceByKey(Long::sum)} over a million keys, because every
 * merge made a new {@code Long} and stored it. So: a {@code Long} combiner is kept unboxed in a parallel
 * {@code long[]} (the slot's reference is a marker, stored once) and boxed again when the aggregator or a reader
 * asks for it, which gives an equal {@code Long} (its identity is not kept, as boxing never promised one); and a
 * combiner the aggregator returns unchanged (a list or set merged in place) is not stored again.
 *
 * @param <K> key type
 * @param <C> combiner type
 */
final class CombineMap<K, C> {

    private static final Object NULL_KEY = new Object();
    /** In {@link #values}: the slot's combiner is the {@code Long} whose value is in {@link #longs}. */
    private static final Object LONG_COMBINER = new Object();
    private static final double LOAD = 0.7;

    private Object[] keys;
    private Object[] values;
    private int[] hashes;
    /** Unboxed {@code Long} combiners, where {@link #values} holds {@link #LONG_COMBINER}; made on first use. */
    private long[] longs;
    private int mask;
    private int size;
    private int growAt;

    CombineMap() {
        allocate(64);
    }

    private void allocate(int capacity) {
        keys = new Object[capacity];
        values = new Object[capacity];
        hashes = new int[capacity];
        longs = null;
        mask = capacity - 1;
        growAt = (int) (capacity * LOAD);
    }

    private static int slotOf(int hash, int mask) {
        // Spread the bits: String and Integer hashes of similar keys differ mostly in low bits.
        int h = hash * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    /**
     * Folds a value (or a combiner) into the key's combiner, creating it on the key's first record.
     *
     * @param key the key (may be null)
     * @param value the value, or a combiner when {@code valueIsCombiner}
     * @param aggregator how to combine
     * @param valueIsCombiner whether {@code value} is already a combiner
     * @return the key's combiner after the update
     */
    @SuppressWarnings("unchecked")
    <V> C combine(K key, Object value, Aggregator<V, C> aggregator, boolean valueIsCombiner) {
        Object stored = key == null ? NULL_KEY : key;
        int hash = ExternalAggregator.hash(key);
        int slot = slotOf(hash, mask);
        while (true) {
            Object present = keys[slot];
            if (present == null) {
                C created = valueIsCombiner ? (C) value : aggregator.createCombiner().apply((V) value);
                keys[slot] = stored;
                hashes[slot] = hash;
                store(slot, null, created);
                if (++size > growAt) {
                    grow();
                }
                return created;
            }
            if (hashes[slot] == hash && (present == stored || present.equals(stored))) {
                Object raw = values[slot];
                C old = (C) (raw == LONG_COMBINER ? Long.valueOf(longs[slot]) : raw);
                C merged = valueIsCombiner ? aggregator.mergeCombiners().apply(old, (C) value)
                        : aggregator.mergeValue().apply(old, (V) value);
                store(slot, raw, merged);
                return merged;
            }
            slot = (slot + 1) & mask;
        }
    }

    /**
     * @param key a key (may be null)
     * @return its combiner, or {@code null} when the key is absent
     */
    C get(K key) {
        Object stored = key == null ? NULL_KEY : key;
        int hash = ExternalAggregator.hash(key);
        int slot = slotOf(hash, mask);
        while (true) {
            Object present = keys[slot];
            if (present == null) {
                return null;
            }
            if (hashes[slot] == hash && (present == stored || present.equals(stored))) {
                return valueAt(slot);
            }
            slot = (slot + 1) & mask;
        }
    }

    /** Puts a combiner in a slot whose current content is {@code raw}, with as few reference stores as it can. */
    private void store(int slot, Object raw, Object combiner) {
        if (combiner instanceof Long l) {
            if (longs == null) {
                longs = new long[keys.length];
            }
            longs[slot] = l;
            if (raw != LONG_COMBINER) {
                values[slot] = LONG_COMBINER;
            }
        } else if (combiner != raw) {
            values[slot] = combiner;
        }
    }

    private void grow() {
        Object[] oldKeys = keys;
        Object[] oldValues = values;
        int[] oldHashes = hashes;
        long[] oldLongs = longs;
        allocate(oldKeys.length * 2);
        if (oldLongs != null) {
            longs = new long[keys.length];
        }
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                int slot = slotOf(oldHashes[i], mask);
                while (keys[slot] != null) {
                    slot = (slot + 1) & mask;
                }
                keys[slot] = oldKeys[i];
                values[slot] = oldValues[i];
                hashes[slot] = oldHashes[i];
                if (oldValues[i] == LONG_COMBINER) {
                    longs[slot] = oldLongs[i];
                }
            }
        }
    }

    int size() {
        return size;
    }

    @SuppressWarnings("unchecked")
    private C valueAt(int slot) {
        Object raw = values[slot];
        return (C) (raw == LONG_COMBINER ? Long.valueOf(longs[slot]) : raw);
    }

    @SuppressWarnings("unchecked")
    private K keyAt(int slot) {
        Object key = keys[slot];
        return key == NULL_KEY ? null : (K) key;
    }

    /** @return the entries in no particular order; the map must not change while iterating */
    @SuppressWarnings("unchecked")
    Iterator<Pair<K, C>> iterator() {
        return new Iterator<>() {
            private int slot = advance(0);

            private int advance(int from) {
                int s = from;
                while (s < keys.length && keys[s] == null) {
                    s++;
                }
                return s;
            }

            @Override
            public boolean hasNext() {
                return slot < keys.length;
            }

            @Override
            public Pair<K, C> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Pair<K, C> out = new Pair<>(keyAt(slot), valueAt(slot));
                slot = advance(slot + 1);
                return out;
            }
        };
    }

    /**
     * Empties the map into arrays ordered by key hash.
     *
     * @return {keys, combiners}
     */
    Object[][] drainSortedByHash() {
        long[] order = new long[size];
        int n = 0;
        for (int slot = 0; slot < keys.length; slot++) {
            if (keys[slot] != null) {
                order[n++] = ((long) hashes[slot] << 32) | slot;
            }
        }
        Arrays.sort(order);
        Object[] sortedKeys = new Object[n];
        Object[] sortedValues = new Object[n];
        for (int i = 0; i < n; i++) {
            int slot = (int) order[i];
            sortedKeys[i] = keyAt(slot);
            sortedValues[i] = valueAt(slot);
        }
        allocate(64);
        size = 0;
        return new Object[][] {sortedKeys, sortedValues};
    }
}
