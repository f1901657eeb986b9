package io.weft.runtime.spill;

import com.esotericsoftware.kryo.Kryo;
import io.weft.api.Pair;
import java.util.Iterator;

/**
 * Up to {@value CombineMap#BATCH} records read ahead of combining them (see {@link CombineMap#combineBatch}), and
 * their keys' combiners after it. A record waits in a batch only when its key and value cannot change: an input
 * such as a Hadoop reader reuses its objects and refills them in {@code hasNext()}, so a record of any other type
 * ends its batch and is combined before the next is read.
 *
 * <p>Reading and combining are separate small methods, shared by the map-side probe and the aggregator, so the
 * compiler sees one stable loop per job instead of one per caller. One task's thread.
 */
final class RecordBatch {

    final Object[] keys = new Object[CombineMap.BATCH];
    final Object[] values = new Object[CombineMap.BATCH];
    final Object[] combined = new Object[CombineMap.BATCH];
    int size;

    /**
     * Reads the next records.
     *
     * @param records the input
     * @param max at most this many, at most {@link CombineMap#BATCH}
     * @return whether any record was read ({@link #size} of them)
     */
    boolean fill(Iterator<? extends Pair<?, ?>> records, int max) {
        int n = 0;
        boolean mayWait = true;
        while (mayWait && n < max && records.hasNext()) {
            Pair<?, ?> record = records.next();
            Object key = record.key();
            Object value = record.value();
            keys[n] = key;
            values[n] = value;
            mayWait = immutable(key) && immutable(value);
            n++;
        }
        size = n;
        return n > 0;
    }

    /** Feeds the batch's keys and their combiners to a size estimator, as if one record at a time. */
    void sample(SizeEstimator estimator, Kryo kryo) {
        for (int i = 0; i < size; i++) {
            estimator.update(kryo, keys[i], combined[i]);
        }
    }

    /**
     * Whether an object is of a type whose instances never change (strings and boxed primitives), so that it may
     * wait in a batch after its iterator has moved on.
     */
    static boolean immutable(Object o) {
        if (o == null) {
            return true;
        }
        Class<?> type = o.getClass();
        return type == String.class || type == Long.class || type == Integer.class || type == Double.class
                || type == Boolean.class || type == Short.class || type == Byte.class || type == Character.class
                || type == Float.class;
    }
}
