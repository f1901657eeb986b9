package io.weft.runtime.checkpoint;

import io.weft.api.SerializableFunction;
import java.util.Iterator;

/**
 * Consumes a partition and counts it: the job that materializes a locally checkpointed node in the executors'
 * block stores.
 *
 * @param <T> record type
 */
public final class PartitionCounter<T> implements SerializableFunction<Iterator<T>, Long> {

    private static final long serialVersionUID = 1L;

    @Override
    public Long call(Iterator<T> records) {
        long n = 0;
        while (records.hasNext()) {
            records.next();
            n++;
        }
        return n;
    }
}
