package io.weft.runtime.spill;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Output;
import io.weft.runtime.serial.RecordCodec;

/**
 * Cheap estimate of the heap used by a collection of records, by sampling: at the 1st, 2nd, ... update, then at
 * update counts growing by 10%, the just-updated entry is serialized with Kryo and its size folded into a moving
 * average. An entry is assumed to take {@code 2 * serializedBytes + 48} bytes of heap (object headers, references,
 * the map or list slot). Between samples an estimate is one multiplication.
 *
 * <p>Not thread-safe; one per collection.
 */
public final class SizeEstimator {

    /** Heap bytes per entry beyond twice its serialized size. */
    static final int ENTRY_OVERHEAD = 48;
    private static final double SAMPLE_GROWTH = 1.1;
    private static final int MAX_KEPT_SCRATCH = 64 * 1024;

    private Output scratch = new Output(256, -1);
    private long updates;
    private long nextSample = 1;
    private double bytesPerEntry;

    /**
     * Records one insert or update; samples its entry when due.
     *
     * @param kryo the calling thread's Kryo
     * @param key the entry's key
     * @param value the entry's value (after the update)
     */
    public void update(Kryo kryo, Object key, Object value) {
        if (++updates < nextSample) {
            return;
        }
        nextSample = Math.max(updates + 1, (long) (updates * SAMPLE_GROWTH));
        scratch.reset();
        RecordCodec.writeField(kryo, scratch, key);
        RecordCodec.writeField(kryo, scratch, value);
        double sample = 2.0 * scratch.position() + ENTRY_OVERHEAD;
        // Weigh recent samples more: combiners (lists, sets) grow as values are merged into them.
        bytesPerEntry = bytesPerEntry == 0 ? sample : 0.75 * bytesPerEntry + 0.25 * sample;
        if (scratch.getBuffer().length > MAX_KEPT_SCRATCH) {
            scratch = new Output(256, -1);
        }
    }

    /**
     * @param entries the number of entries in the collection
     * @return its estimated heap size in bytes
     */
    public long estimate(long entries) {
        return (long) (entries * bytesPerEntry);
    }

    /** Restarts the sampling schedule (after the collection was emptied); keeps the per-entry size as a prior. */
    public void reset() {
        updates = 0;
        nextSample = 1;
    }
}
