package io.weft.api;

import io.weft.api.lineage.Node;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * A dataset of numbers with statistics, as Spark's {@code JavaDoubleRDD}. Made by
 * {@link Dataset#mapToDouble} or {@link #from(Dataset)}. Records must not be {@code null}.
 */
public class DoubleDataset extends Dataset<Double> {

    DoubleDataset(WeftSession session, Node<Double> node) {
        super(session, node);
    }

    /**
     * @param numbers a dataset of numbers
     * @return the same dataset, with statistics
     */
    public static DoubleDataset from(Dataset<Double> numbers) {
        return numbers instanceof DoubleDataset d ? d : new DoubleDataset(numbers.session, numbers.node);
    }

    // ---- numeric datasets stay numeric -----------------------------------------------------------------

    @Override
    public DoubleDataset filter(SerializablePredicate<Double> keep) {
        return from(super.filter(keep));
    }

    @Override
    public DoubleDataset union(Dataset<Double> other) {
        return from(super.union(other));
    }

    @Override
    public DoubleDataset distinct() {
        return from(super.distinct());
    }

    @Override
    public DoubleDataset cache() {
        return from(super.cache());
    }

    @Override
    public DoubleDataset repartition(int numPartitions) {
        return from(super.repartition(numPartitions));
    }

    @Override
    public DoubleDataset coalesce(int numPartitions) {
        return from(super.coalesce(numPartitions));
    }

    @Override
    public DoubleDataset sample(boolean withReplacement, double fraction, long seed) {
        return from(super.sample(withReplacement, fraction, seed));
    }

    // ---- statistics ------------------------------------------------------------------------------------

    /** @return count, mean, variance, max and min in one job: a {@link StatCounter} per partition, merged */
    public StatCounter stats() {
        return aggregate(new StatCounter(), StatCounter::merge, StatCounter::merge);
    }

    /** @return the sum (0 when empty) */
    public double sum() {
        return fold(0.0, Double::sum);
    }

    /** @return the mean (NaN when empty) */
    public double mean() {
        return stats().mean();
    }

    /** @return the population variance (NaN when empty) */
    public double variance() {
        return stats().variance();
    }

    /** @return the sample variance (NaN with fewer than two numbers) */
    public double sampleVariance() {
        return stats().sampleVariance();
    }

    /** @return the population standard deviation */
    public double stdev() {
        return stats().stdev();
    }

    /** @return the sample standard deviation */
    public double sampleStdev() {
        return stats().sampleStdev();
    }

    /**
     * @return the smallest number
     * @throws UnsupportedOperationException when empty
     */
    public Double min() {
        return min(SerializableComparator.naturalOrder());
    }

    /**
     * @return the largest number
     * @throws UnsupportedOperationException when empty
     */
    public Double max() {
        return max(SerializableComparator.naturalOrder());
    }

    /**
     * {@code bucketCount} evenly spaced buckets between the minimum and the maximum (one job for them, one for
     * the counts); every bucket is half-open {@code [a, b)} but the last, which is closed. When all numbers are
     * equal there is one bucket {@code [x, x]}.
     *
     * @param bucketCount at least 1
     * @return the bucket edges ({@code bucketCount + 1} of them, or 2) and the count in each bucket
     * @throws UnsupportedOperationException when the dataset is empty or holds NaN or an infinity
     */
    public Pair<double[], long[]> histogram(int bucketCount) {
        if (bucketCount < 1) {
            throw new IllegalArgumentException("histogram needs at least 1 bucket, got " + bucketCount);
        }
        double[] range = aggregate(new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY},
                (r, x) -> new double[] {Math.min(r[0], x), Math.max(r[1], x)},
                (a, b) -> new double[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
        double min = range[0];
        double max = range[1];
        if (Double.isNaN(min) || Double.isNaN(max) || Double.isInfinite(min) || Double.isInfinite(max)) {
            throw new UnsupportedOperationException("histogram(bucketCount) on an empty dataset or one holding NaN"
                    + " or an infinity; filter those out or pass explicit buckets to histogram(double[])");
        }
        double[] buckets;
        if (min == max) {
            buckets = new double[] {min, min};
        } else {
            buckets = new double[bucketCount + 1];
            for (int i = 0; i < bucketCount; i++) {
                buckets[i] = min + i * (max - min) / bucketCount;
            }
            buckets[bucketCount] = max;
        }
        return new Pair<>(buckets, histogram(buckets, true));
    }

    /**
     * Counts the numbers in each bucket {@code [buckets[i], buckets[i+1])}, the last bucket closed; numbers
     * outside all buckets and NaN are ignored.
     *
     * @param buckets at least two ascending edges
     * @return the count per bucket
     */
    public long[] histogram(double[] buckets) {
        return histogram(buckets, false);
    }

    /**
     * @param buckets at least two ascending edges
     * @param evenBuckets whether the edges are evenly spaced (then a number's bucket is computed, not searched)
     * @return the count per bucket
     */
    public long[] histogram(double[] buckets, boolean evenBuckets) {
        if (buckets.length < 2) {
            throw new IllegalArgumentException("histogram needs at least two bucket edges, got "
                    + Arrays.toString(buckets));
        }
        for (int i = 1; i < buckets.length; i++) {
            if (!(buckets[i - 1] <= buckets[i])) {
                throw new IllegalArgumentException("histogram bucket edges must be ascending numbers, got "
                        + Arrays.toString(buckets));
            }
        }
        double[] edges = buckets.clone();
        List<long[]> parts = run("histogram", it -> countBuckets(it, edges, evenBuckets));
        long[] total = new long[edges.length - 1];
        for (long[] part : parts) {
            for (int i = 0; i < total.length; i++) {
                total[i] += part[i];
            }
        }
        return total;
    }

    private static long[] countBuckets(Iterator<Double> it, double[] edges, boolean even) {
        int count = edges.length - 1;
        long[] counts = new long[count];
        double min = edges[0];
        double max = edges[count];
        while (it.hasNext()) {
            double x = it.next();
            if (Double.isNaN(x) || x < min || x > max) {
                continue;
            }
            int bucket;
            if (even) {
                bucket = Math.min((int) ((x - min) / (max - min) * count), count - 1);
            } else {
                int at = Arrays.binarySearch(edges, x);
                // An exact edge starts its bucket, except the last edge, which closes the last bucket.
                bucket = at >= 0 ? Math.min(at, count - 1) : -at - 2;
            }
            counts[bucket]++;
        }
        return counts;
    }
}
