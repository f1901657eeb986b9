package io.weft.api.lineage;

import java.math.BigInteger;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The longs {@code start, start + step, ...} up to but excluding {@code end}, as Spark's {@code SparkContext.range}:
 * each partition computes its own slice from its bounds, so nothing is materialized on the driver. Bounds are
 * computed with {@link BigInteger} and clamped to the long range, and iteration stops on overflow, so ranges near
 * {@link Long#MIN_VALUE} or {@link Long#MAX_VALUE} are exact.
 */
public final class RangeNode extends Node<Long> {

    private static final long serialVersionUID = 1L;

    private final long step;
    private final long first;
    /** How many values the whole range holds; at most 2^64, so a {@link BigInteger}. */
    private final BigInteger count;
    private final int numSlices;

    /**
     * @param id node id
     * @param name operator and call site
     * @param start the first value
     * @param end the bound, exclusive
     * @param step the increment, not zero; negative for a descending range
     * @param numSlices the number of partitions, at least 1
     */
    public RangeNode(int id, String name, long start, long end, long step, int numSlices) {
        super(id, name);
        if (step == 0) {
            throw new IllegalArgumentException("range: step cannot be 0");
        }
        if (numSlices < 1) {
            throw new IllegalArgumentException("range needs at least 1 partition, got " + numSlices);
        }
        this.step = step;
        this.first = start;
        this.numSlices = numSlices;
        BigInteger span = BigInteger.valueOf(end).subtract(BigInteger.valueOf(start));
        BigInteger by = BigInteger.valueOf(step);
        // Elements: ceil(span / step) when span and step have the same sign, else none.
        BigInteger[] qr = span.divideAndRemainder(by);
        this.count = span.signum() != by.signum() ? BigInteger.ZERO
                : qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
    }

    /**
     * The first value of slice {@code i}, which is also the bound of slice {@code i - 1}. Computed when a task
     * asks rather than stored per slice, so the node (which every task of the stage deserializes) stays the same
     * size however many partitions it has.
     */
    private long bound(long i) {
        return clamp(count.multiply(BigInteger.valueOf(i)).divide(BigInteger.valueOf(numSlices))
                .multiply(BigInteger.valueOf(step)).add(BigInteger.valueOf(first)));
    }

    private static long clamp(BigInteger value) {
        if (value.bitLength() < 64) {
            return value.longValue();
        }
        return value.signum() > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }

    @Override
    public int numPartitions() {
        return numSlices;
    }

    @Override
    public List<Dependency<?>> dependencies() {
        return List.of();
    }

    @Override
    protected Iterator<Long> compute(int partition, TaskContext context) {
        long from = bound(partition);
        long to = bound(partition + 1L);
        Iterator<Long> values = new Iterator<>() {
            private long next = from;
            private boolean overflowed;

            @Override
            public boolean hasNext() {
                return !overflowed && (step > 0 ? next < to : next > to);
            }

            @Override
            public Long next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                long value = next;
                next += step;
                // Wrapped past the end of the long range: the slice is over.
                overflowed = (next < value) != (step < 0);
                return value;
            }
        };
        return context == null ? values : context.countInput(values);
    }
}
