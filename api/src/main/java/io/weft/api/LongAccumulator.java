package io.weft.api;

/**
 * Sums longs (and counts the additions), as Spark's {@code LongAccumulator}. Create one with
 * {@link WeftSession#longAccumulator(String)}; see {@link Accumulator} for when updates count. Thread-safe.
 */
public final class LongAccumulator extends Accumulator<Long, Long> {

    private static final long serialVersionUID = 2L;

    private long sum;
    private long count;

    /** A zero accumulator; register it with {@link WeftSession#register(Accumulator, String)} before use. */
    public LongAccumulator() {
    }

    /** @param delta added to the sum */
    public synchronized void add(long delta) {
        sum += delta;
        count++;
    }

    @Override
    public void add(Long delta) {
        add(delta.longValue());
    }

    @Override
    public synchronized boolean isZero() {
        return sum == 0 && count == 0;
    }

    @Override
    public synchronized LongAccumulator copy() {
        LongAccumulator copy = new LongAccumulator();
        copy.sum = sum;
        copy.count = count;
        return copy;
    }

    @Override
    public synchronized void reset() {
        sum = 0;
        count = 0;
    }

    @Override
    public void merge(Accumulator<Long, Long> other) {
        if (!(other instanceof LongAccumulator o)) {
            throw new UnsupportedOperationException("Cannot merge " + getClass().getSimpleName() + " with "
                    + other.getClass().getSimpleName());
        }
        long otherSum;
        long otherCount;
        synchronized (o) {
            otherSum = o.sum;
            otherCount = o.count;
        }
        synchronized (this) {
            sum += otherSum;
            count += otherCount;
        }
    }

    /** @return the sum */
    @Override
    public synchronized Long value() {
        return sum;
    }

    /** @return the sum */
    public synchronized long sum() {
        return sum;
    }

    /** @return how many values were added */
    public synchronized long count() {
        return count;
    }

    /** @return the mean of the added values, or NaN when none was */
    public synchronized double avg() {
        return count == 0 ? Double.NaN : (double) sum / count;
    }
}
