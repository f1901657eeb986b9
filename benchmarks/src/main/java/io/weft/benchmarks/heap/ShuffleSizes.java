package io.weft.benchmarks.heap;

import java.util.SplittableRandom;

/**
 * Deterministic, skewed sizes of a shuffle's blocks: each reduce partition has a weight (log-normal, sigma 1, and
 * one in a hundred ten times heavier: hot keys), each map output a weight (log-normal, sigma 0.3), each block
 * noise on top (log-normal, sigma 0.5), and a fraction of blocks is empty. The mean block is about
 * {@code avgBlockBytes}. The same map always gets the same sizes, so before and after see the same data.
 */
final class ShuffleSizes {

    private final double[] reducerWeights;
    private final long avgBlockBytes;
    private final double emptyFraction;
    private final long seed;

    ShuffleSizes(int reducers, long avgBlockBytes, double emptyFraction, long seed) {
        this.avgBlockBytes = avgBlockBytes;
        this.emptyFraction = emptyFraction;
        this.seed = seed;
        SplittableRandom random = new SplittableRandom(seed);
        reducerWeights = new double[reducers];
        double sum = 0;
        for (int r = 0; r < reducers; r++) {
            double w = Math.exp(random.nextGaussian());
            reducerWeights[r] = random.nextInt(100) == 0 ? 10 * w : w;
            sum += reducerWeights[r];
        }
        // Mean weight 1, and divide by the mean of the two other log-normal factors.
        double scale = reducers / sum / Math.exp((0.3 * 0.3 + 0.5 * 0.5) / 2) / (1 - emptyFraction);
        for (int r = 0; r < reducers; r++) {
            reducerWeights[r] *= scale;
        }
    }

    /** Fills {@code lengths} with map {@code map}'s block sizes. */
    void fill(int map, long[] lengths) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + map);
        double mapWeight = Math.exp(0.3 * random.nextGaussian());
        for (int r = 0; r < lengths.length; r++) {
            if (random.nextDouble() < emptyFraction) {
                lengths[r] = 0;
            } else {
                double size = avgBlockBytes * reducerWeights[r] * mapWeight * Math.exp(0.5 * random.nextGaussian());
                lengths[r] = Math.max(1, Math.round(size));
            }
        }
    }

    static long[] contiguousOffsets(long[] lengths, long[] offsets) {
        long next = 0;
        for (int p = 0; p < lengths.length; p++) {
            offsets[p] = next;
            next += lengths[p];
        }
        return offsets;
    }
}
