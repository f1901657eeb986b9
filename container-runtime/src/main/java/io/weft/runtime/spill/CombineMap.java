package io.weft.runtime.spill;

import io.weft.api.Pair;
import io.weft.api.lineage.Aggregator;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * An open-addressing hash map for combining values by key: one probe per record (a {@code HashMap} needs a
 * get and a put), keys, combiners and hashes in flat arrays (no entry objects to chase), linear probing. A slot's
 * hash, its state and an unboxed {@code Long} combiner sit side by side in one {@code long[]} (three longs a slot),
 * so a probe reads one cache line of it before it touches a key, and a {@code Long} combiner's update touches
 * nothing else: with a large map every array touched is a cache miss.
 * Hashes are {@link ExternalAggregator#hash(Object)}, stored so spills can sort by them without rehashing.
 * Not thread-safe: one task's thread.
 *
 * <h2>Few reference stores</h2>
 * Once the map is large its arrays live in the old generation, and every store of a young object's reference
 * into them costs a garbage-collector write barrier (with G1: a memory fence and a dirty card to process
 * later). That was most of the time of a {@code reduceByKey(Long::sum)} over a million keys, because every
 * merge made a new {@code Long} and stored it. So: a {@code Long} combiner is kept unboxed in its slot's third
 * word (a state bit says so; the slot's value reference stays null) and boxed again when the aggregator or a reader
 * asks for it, which gives an equal {@code Long} (its identity is not kept, as boxing never promised one); and a
 * combiner the aggregator returns unchanged (a list or set merged in place) is not stored again.
 *
 * <h2>Short string keys inline</h2>
 * A {@code String} key of at most {@value #INLINE_CHARS} Latin-1 characters (most words, most short ids) is packed
 * into its slot's state word (its length and first 7 characters, in place of the hash) and tail word (the next 8),
 * so a probe decides equality by comparing those two adjacent words: it never follows the key reference to the
 * key's bytes, which with a large map are two cache misses per record (the {@code String}, then its array). The
 * packing is a function of the string's value, so equal strings always pack equally and a packed key never equals
 * an unpacked one; the hash is recomputed from the packed characters (it is {@code String.hashCode()}'s) when the
 * map grows or spills. It costs a third long per slot. The key object itself is not kept: iteration and draining
 * rebuild an equal string from the two words. So a word's {@code String} dies young, as every other per-record
 * object does, and the map stores no reference to it: no garbage-collector write barrier on its large, old
 * {@code keys} array, and nothing for a young collection to copy.
 *
 * <h2>Probes in batches</h2>
 * With a large map nearly every probe's first read (the home slot's state word) is a cache miss, and one record at
 * a time the processor waits for each in turn. {@link #combineBatch} first works out up to {@value #BATCH} keys'
 * home slots, then reads their state words in one tight loop of independent loads, so their misses overlap, and
 * only then combines, against slots now in cache. The caller decides which records may wait in a batch (see
 * {@link ExternalAggregator}): a record whose key or value may be a reused, mutable object must be combined before
 * the next record is read.
 *
 * @param <K> key type
 * @param <C> combiner type
 */
final class CombineMap<K, C> {

    private static final Object NULL_KEY = new Object();
    /** In a slot's state word: the slot holds an entry. */
    private static final long OCCUPIED = 1L << 63;
    /** In a slot's state word: the combiner is the {@code Long} in the slot's second word, not in {@link #values}. */
    private static final long LONG_COMBINER = 1L << 62;
    /**
     * In a slot's state word: the key is a short Latin-1 string packed into the word (bits 56-59 its length, bits
     * 0-55 its first 7 characters, the first highest) and the slot's tail word (the next 8) instead of its hash.
     */
    private static final long INLINE = 1L << 61;
    /** The longest string packed: 7 characters in the state word, 8 more in the slot's tail word. */
    private static final int INLINE_CHARS = 15;
    private static final int HEAD_CHARS = 7;
    private static final int LENGTH_SHIFT = 56;
    private static final int STRIDE = 3;
    private static final long HASH_BITS = 0xFFFF_FFFFL;
    private static final double LOAD = 0.7;
    /** Records per {@link #combineBatch}: enough misses in flight to overlap, few enough to stay in L1. */
    static final int BATCH = 32;

    private Object[] keys;
    private Object[] values;
    /**
     * Per slot: {@code [3s]} = state bits and hash (or a packed short key's length and first characters),
     * {@code [3s + 1]} = a packed key's further characters, {@code [3s + 2]} = the unboxed {@code Long} combiner.
     */
    private long[] meta;
    /** The tail word of the key {@link #stateOf} last packed (0 when it packed none, or 7 characters or fewer). */
    private long probeTail;
    /** The hash of the key {@link #stateOf} last saw: {@link #hashOf} of its state and tail, computed on the way. */
    private int probeHash;
    private final long[] batchStates = new long[BATCH];
    private final long[] batchTails = new long[BATCH];
    private final int[] batchHashes = new int[BATCH];
    /** The sum of a batch's prefetched state words, kept so the compiler cannot drop the loads. */
    private long prefetched;
    private int mask;
    private int size;
    private int growAt;

    CombineMap() {
        allocate(64);
    }

    private void allocate(int capacity) {
        keys = new Object[capacity];
        values = new Object[capacity];
        meta = new long[STRIDE * capacity];
        mask = capacity - 1;
        growAt = (int) (capacity * LOAD);
    }

    private static int slotOf(int hash, int mask) {
        // Spread the bits: String and Integer hashes of similar keys differ mostly in low bits.
        int h = hash * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    /**
     * The state word an entry for {@code key} has (without {@link #LONG_COMBINER}): the key packed when it is a
     * short Latin-1 string, else its {@link ExternalAggregator#hash(Object) hash}. Leaves the packed key's tail
     * word in {@link #probeTail}.
     */
    private long stateOf(Object key) {
        probeTail = 0;
        if (key instanceof String s) {
            int length = s.length();
            if (length <= INLINE_CHARS) {
                long head = 0;
                long tail = 0;
                int hash = 0;
                for (int i = 0; i < length; i++) {
                    char c = s.charAt(i);
                    if (c > 0xFF) {
                        probeHash = s.hashCode();
                        return OCCUPIED | (probeHash & HASH_BITS);
                    }
                    hash = 31 * hash + c; // String.hashCode(), as hashOf computes it from the packed characters
                    if (i < HEAD_CHARS) {
                        head = (head << 8) | c;
                    } else {
                        tail = (tail << 8) | c;
                    }
                }
                probeTail = tail;
                probeHash = hash;
                return OCCUPIED | INLINE | ((long) length << LENGTH_SHIFT) | head;
            }
        }
        probeHash = ExternalAggregator.hash(key);
        return OCCUPIED | (probeHash & HASH_BITS);
    }

    /**
     * @param state a slot's state word
     * @param tail the slot's tail word
     * @return the key's hash: stored, or {@code String.hashCode()} of the packed characters
     */
    private static int hashOf(long state, long tail) {
        if ((state & INLINE) == 0) {
            return (int) state;
        }
        int length = (int) (state >>> LENGTH_SHIFT) & 0xF;
        int h = 0;
        for (int shift = 8 * (Math.min(length, HEAD_CHARS) - 1); shift >= 0; shift -= 8) {
            h = 31 * h + (int) ((state >>> shift) & 0xFF);
        }
        for (int shift = 8 * (length - HEAD_CHARS - 1); shift >= 0; shift -= 8) {
            h = 31 * h + (int) ((tail >>> shift) & 0xFF);
        }
        return h;
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
    <V> C combine(K key, Object value, Aggregator<V, C> aggregator, boolean valueIsCombiner) {
        long wanted = stateOf(key);
        return combine(key, value, aggregator, valueIsCombiner, wanted, probeTail, probeHash);
    }

    /**
     * Folds {@code n} records into the map, as {@link #combine} one after another would, with their home slots'
     * cache misses overlapped (see "Probes in batches").
     *
     * @param batch the records; receives each record's key's combiner after its update
     * @param aggregator how to combine
     * @param valueIsCombiner whether the values are already combiners
     */
    @SuppressWarnings("unchecked")
    <V> void combineBatch(RecordBatch batch, Aggregator<V, C> aggregator, boolean valueIsCombiner) {
        Object[] batchKeys = batch.keys;
        Object[] batchValues = batch.values;
        Object[] combined = batch.combined;
        int n = batch.size;
        for (int i = 0; i < n; i++) {
            batchStates[i] = stateOf(batchKeys[i]);
            batchTails[i] = probeTail;
            batchHashes[i] = probeHash;
        }
        // Independent loads: the processor has them all in flight at once. A map that grows during the batch
        // only makes the later records' loads wasted, not wrong.
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += meta[STRIDE * slotOf(batchHashes[i], mask)];
        }
        prefetched += sum;
        for (int i = 0; i < n; i++) {
            combined[i] = combine((K) batchKeys[i], batchValues[i], aggregator, valueIsCombiner, batchStates[i],
                    batchTails[i], batchHashes[i]);
        }
    }

    @SuppressWarnings("unchecked")
    private <V> C combine(K key, Object value, Aggregator<V, C> aggregator, boolean valueIsCombiner, long wanted,
            long tail, int hash) {
        Object stored = key == null ? NULL_KEY : key;
        int slot = slotOf(hash, mask);
        while (true) {
            long state = meta[STRIDE * slot];
            if (state == 0) {
                C created = valueIsCombiner ? (C) value : aggregator.createCombiner().apply((V) value);
                if ((wanted & INLINE) == 0) {
                    keys[slot] = stored;
                }
                meta[STRIDE * slot] = wanted;
                meta[STRIDE * slot + 1] = tail;
                store(slot, wanted, created);
                if (++size > growAt) {
                    grow();
                }
                return created;
            }
            if ((state & ~LONG_COMBINER) == wanted) {
                Object present;
                if ((wanted & INLINE) != 0 ? meta[STRIDE * slot + 1] == tail
                        : (present = keys[slot]) == stored || present.equals(stored)) {
                    C old = valueAt(slot, state);
                    C merged = valueIsCombiner ? aggregator.mergeCombiners().apply(old, (C) value)
                            : aggregator.mergeValue().apply(old, (V) value);
                    if (merged != old || (state & LONG_COMBINER) != 0) {
                        store(slot, state, merged);
                    }
                    return merged;
                }
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
        long wanted = stateOf(key);
        long tail = probeTail;
        int slot = slotOf(probeHash, mask);
        while (true) {
            long state = meta[STRIDE * slot];
            if (state == 0) {
                return null;
            }
            if ((state & ~LONG_COMBINER) == wanted) {
                Object present;
                if ((wanted & INLINE) != 0 ? meta[STRIDE * slot + 1] == tail
                        : (present = keys[slot]) == stored || present.equals(stored)) {
                    return valueAt(slot, state);
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    /**
     * Puts a combiner in a slot whose state word is {@code state}, with as few reference stores as it can: a
     * {@code Long} goes unboxed into the slot's second word (an old-generation reference store costs a GC write
     * barrier; a long store does not).
     */
    private void store(int slot, long state, Object combiner) {
        if (combiner instanceof Long l) {
            meta[STRIDE * slot + 2] = l;
            if ((state & LONG_COMBINER) == 0) {
                meta[STRIDE * slot] = state | LONG_COMBINER;
                values[slot] = null;
            }
        } else {
            if ((state & LONG_COMBINER) != 0) {
                meta[STRIDE * slot] = state & ~LONG_COMBINER;
            }
            values[slot] = combiner;
        }
    }

    private void grow() {
        Object[] oldKeys = keys;
        Object[] oldValues = values;
        long[] oldMeta = meta;
        allocate(oldKeys.length * 2);
        for (int i = 0; i < oldKeys.length; i++) {
            long state = oldMeta[STRIDE * i];
            if (state != 0) {
                int slot = slotOf(hashOf(state, oldMeta[STRIDE * i + 1]), mask);
                while (meta[STRIDE * slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                keys[slot] = oldKeys[i];
                values[slot] = oldValues[i];
                meta[STRIDE * slot] = state;
                meta[STRIDE * slot + 1] = oldMeta[STRIDE * i + 1];
                meta[STRIDE * slot + 2] = oldMeta[STRIDE * i + 2];
            }
        }
    }

    int size() {
        return size;
    }

    @SuppressWarnings("unchecked")
    private C valueAt(int slot, long state) {
        return (C) ((state & LONG_COMBINER) != 0 ? Long.valueOf(meta[STRIDE * slot + 2]) : values[slot]);
    }

    @SuppressWarnings("unchecked")
    private K keyAt(int slot) {
        long state = meta[STRIDE * slot];
        if ((state & INLINE) != 0) {
            return (K) unpack(state, meta[STRIDE * slot + 1]);
        }
        Object key = keys[slot];
        return key == NULL_KEY ? null : (K) key;
    }

    /** The string a packed state and tail word hold: an equal copy of the key first combined. */
    private static String unpack(long state, long tail) {
        int length = (int) (state >>> LENGTH_SHIFT) & 0xF;
        int head = Math.min(length, HEAD_CHARS);
        byte[] latin1 = new byte[length];
        for (int i = 0; i < head; i++) {
            latin1[i] = (byte) (state >>> (8 * (head - 1 - i)));
        }
        for (int i = head; i < length; i++) {
            latin1[i] = (byte) (tail >>> (8 * (length - 1 - i)));
        }
        return new String(latin1, StandardCharsets.ISO_8859_1);
    }

    /** @return the entries in no particular order; the map must not change while iterating */
    Iterator<Pair<K, C>> iterator() {
        return new Iterator<>() {
            private int slot = advance(0);

            private int advance(int from) {
                int s = from;
                while (s < keys.length && meta[STRIDE * s] == 0) {
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
                Pair<K, C> out = new Pair<>(keyAt(slot), valueAt(slot, meta[STRIDE * slot]));
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
            long state = meta[STRIDE * slot];
            if (state != 0) {
                order[n++] = ((long) hashOf(state, meta[STRIDE * slot + 1]) << 32) | slot;
            }
        }
        Arrays.sort(order);
        Object[] sortedKeys = new Object[n];
        Object[] sortedValues = new Object[n];
        for (int i = 0; i < n; i++) {
            int slot = (int) order[i];
            sortedKeys[i] = keyAt(slot);
            sortedValues[i] = valueAt(slot, meta[STRIDE * slot]);
        }
        allocate(64);
        size = 0;
        return new Object[][] {sortedKeys, sortedValues};
    }
}
