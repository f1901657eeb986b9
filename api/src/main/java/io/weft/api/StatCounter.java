package io.weft.api;

import java.io.Serializable;

/**
 * Count, mean, variance, minimum and maximum of a stream of doubles, kept in one pass and mergeable, as Spark's
 * {@code StatCounter}: {@link DoubleDataset#stats()} fills one per partition and merges them. The variance is
 * kept as a sum of squared deviations updated with Welford's method and merged with Chan's formula, so it stays
 * accurate for large means. Not thread-safe.
 */
public final class StatCounter implements Serializable {

    private static final long serialVersionUID = 1L;

    private long n;
    private double mu;
    private double m2;
    private double max = Double.NEGATIVE_INFINITY;
    private double min = Double.POSITIVE_INFINITY;

    /** An empty counter: count 0, mean NaN, max -Infinity, min +Infinity. */
    public StatCounter() {
    }

    /**
     * @param values the values to count
     * @return a counter holding them
     */
    public static StatCounter of(double... values) {
        StatCounter s = new StatCounter();
        for (double v : values) {
            s.merge(v);
        }
        return s;
    }

    /**
     * @param value a value to add (NaN makes the mean, variance, max and min NaN, as in Spark)
     * @return this counter
     */
    public StatCounter merge(double value) {
        double delta = value - mu;
        n++;
        mu += delta / n;
        m2 += delta * (value - mu);
        max = Math.max(max, value);
        min = Math.min(min, value);
        return this;
    }

    /**
     * @param other another counter, unchanged (merging a counter into itself is allowed)
     * @return this counter, now covering both
     */
    public StatCounter merge(StatCounter other) {
        if (other == this) {
            return merge(other.copy());
        }
        if (other.n == 0) {
            return this;
        }
        if (n == 0) {
            n = other.n;
            mu = other.mu;
            m2 = other.m2;
            max = other.max;
            min = other.min;
            return this;
        }
        double delta = other.mu - mu;
        long total = n + other.n;
        // Weight toward the larger side, which keeps the mean stable when one side is tiny.
        if (other.n * 10 < n) {
            mu += delta * other.n / total;
        } else if (n * 10 < other.n) {
            mu = other.mu - delta * n / total;
        } else {
            mu = (mu * n + other.mu * other.n) / total;
        }
        m2 += other.m2 + delta * delta * n * other.n / total;
        n = total;
        max = Math.max(max, other.max);
        min = Math.min(min, other.min);
        return this;
    }

    /** @return an independent copy */
    public StatCounter copy() {
        StatCounter c = new StatCounter();
        c.n = n;
        c.mu = mu;
        c.m2 = m2;
        c.max = max;
        c.min = min;
        return c;
    }

    /** @return the number of values */
    public long count() {
        return n;
    }

    /** @return the mean, NaN when empty */
    public double mean() {
        return n == 0 ? Double.NaN : mu;
    }

    /** @return the sum */
    public double sum() {
        return n * mu;
    }

    /** @return the largest value, -Infinity when empty */
    public double max() {
        return max;
    }

    /** @return the smallest value, +Infinity when empty */
    public double min() {
        return min;
    }

    /** @return the population variance (divided by n), NaN when empty */
    public double variance() {
        return n == 0 ? Double.NaN : m2 / n;
    }

    /** @return the population variance, as {@link #variance()} */
    public double popVariance() {
        return variance();
    }

    /** @return the sample variance (divided by n - 1), NaN with fewer than two values */
    public double sampleVariance() {
        return n <= 1 ? Double.NaN : m2 / (n - 1);
    }

    /** @return the population standard deviation */
    public double stdev() {
        return Math.sqrt(variance());
    }

    /** @return the population standard deviation, as {@link #stdev()} */
    public double popStdev() {
        return stdev();
    }

    /** @return the sample standard deviation */
    public double sampleStdev() {
        return Math.sqrt(sampleVariance());
    }

    @Override
    public String toString() {
        return "(count: " + n + ", mean: " + mean() + ", stdev: " + stdev() + ", max: " + max + ", min: " + min + ")";
    }
}
