package io.weft.api;

/**
 * Sums doubles (and counts the additions), as Spark's {@code DoubleAccumulator}. Create one with
 * {@link WeftSession#doubleAccumulator(String)}; see {@link Accumulator} for when updates count. Thread-safe.
 */
public final class DoubleAccumulator extends Accumulator<Double, Double> {

    private static final long serialVersionUID = 2L;

    private double sum;
    private long count;

    /** A zero accumulator; register it with {@link WeftSession#register(Accumulator, String)} before use. */
    public DoubleAccumulator() {
    }

    /** @param delta added to the sum */
    public synchronized void add(double delta) {
        sum += delta;
        count++;
    }

    @Override
    public void add(Double delta) {
        add(delta.doubleValue());
    }

    @Override
    public synchronized boolean isZero() {
        return sum == 0 && count == 0;
    }

    @Override
    public synchronized DoubleAccumulator copy() {
        DoubleAccumulator copy = new DoubleAccumulator();
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
    public void merge(Accumulator<Double, Double> other) {
        if (!(other instanceof DoubleAccumulator o)) {
            throw new UnsupportedOperationException("Cannot merge " + getClass().getSimpleName() + " with "
                    + other.getClass().getSimpleName());
        }
        double otherSum;
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
    public synchronized Double value() {
        return sum;
    }

    /** @return the sum */
    public synchronized double sum() {
        return sum;
    }

    /** @return how many values were added */
    public synchronized long count() {
        return count;
    }

    /** @return the mean of the added values, or NaN when none was */
    public synchronized double avg() {
        return count == 0 ? Double.NaN : sum / count;
    }
}
