package io.weft.api;

import io.weft.api.lineage.Iterators;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** {@code takeSample} and {@code randomSplit}. */
final class Sampling {

    private Sampling() {
    }

    static <T> List<T> takeSample(Dataset<T> ds, boolean withReplacement, int num, long seed) {
        if (num < 0) {
            throw new IllegalArgumentException("takeSample needs num >= 0, got " + num);
        }
        int largest = Integer.MAX_VALUE - (int) (10 * Math.sqrt(Integer.MAX_VALUE));
        if (num > largest) {
            throw new IllegalArgumentException("takeSample: num " + num + " is too large; at most " + largest
                    + " records can be sampled to the driver");
        }
        if (num == 0) {
            return new ArrayList<>();
        }
        long total = ds.count();
        if (total == 0) {
            return new ArrayList<>();
        }
        Random random = new Random(seed);
        if (!withReplacement && num >= total) {
            List<T> all = ds.collect();
            Collections.shuffle(all, random);
            return all;
        }
        double fraction = fractionForSampleSize(num, total, withReplacement);
        List<T> sample = ds.sample(withReplacement, fraction, random.nextInt()).collect();
        // The fraction gives enough records with probability 0.9999; otherwise draw again with a new seed.
        while (sample.size() < num) {
            sample = ds.sample(withReplacement, fraction, random.nextInt()).collect();
        }
        Collections.shuffle(sample, random);
        return new ArrayList<>(sample.subList(0, num));
    }

    /**
     * A sampling fraction that yields at least {@code num} of {@code total} records with high probability: with
     * replacement, {@code num} plus 5 (9 for small {@code num}) standard deviations of the Poisson counts; without,
     * the upper bound of a binomial tail with failure rate 1e-4.
     */
    static double fractionForSampleSize(int num, long total, boolean withReplacement) {
        if (withReplacement) {
            int deviations = num < 12 ? 9 : 5;
            return Math.max(num + deviations * Math.sqrt(num), 1e-10) / total;
        }
        double fraction = (double) num / total;
        double gamma = -Math.log(1e-4) / total;
        return Math.min(1, Math.max(1e-10, fraction + gamma + Math.sqrt(gamma * gamma + 2 * gamma * fraction)));
    }

    /**
     * Splits by drawing one uniform number per record from a generator seeded by the seed and the partition, the
     * same sequence for every split: split {@code i} keeps the records whose number falls in its range of the
     * cumulative normalized weights, so the splits are disjoint and cover the dataset when the partitions are
     * recomputed in the same order (cache the input if its partitions are not deterministic).
     */
    @SuppressWarnings("unchecked")
    static <T> Dataset<T>[] randomSplit(Dataset<T> ds, double[] weights, long seed) {
        if (weights.length == 0) {
            throw new IllegalArgumentException("randomSplit needs at least one weight");
        }
        double sum = 0;
        for (double w : weights) {
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("randomSplit weights must be finite and non-negative, got " + w);
            }
            sum += w;
        }
        if (sum <= 0) {
            throw new IllegalArgumentException("randomSplit: the weights must sum to more than 0");
        }
        Dataset<T>[] out = new Dataset[weights.length];
        double lower = 0;
        for (int i = 0; i < weights.length; i++) {
            double lo = lower / sum;
            double hi = i == weights.length - 1 ? 1.0 : (lower + weights[i]) / sum;
            lower += weights[i];
            out[i] = new Dataset<>(ds.session, ds.narrow("randomSplit", (index, it) -> {
                Random random = new Random(seed ^ (0x9E3779B97F4A7C15L * (index + 1)));
                return Iterators.filter(it, x -> {
                    double u = random.nextDouble();
                    return u >= lo && u < hi;
                });
            }, true));
        }
        return out;
    }
}
