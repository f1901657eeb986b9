package io.weft.driver.ops;

import static io.weft.driver.ops.RddTestData.partitions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.weft.api.DoubleDataset;
import io.weft.api.Pair;
import io.weft.api.StatCounter;
import io.weft.api.WeftSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Statistics and histograms of numeric datasets against two-pass plain Java computations. */
class NumericTest {

    private static WeftSession weft;

    @BeforeAll
    static void start() {
        weft = WeftSession.builder().appName("numeric").master("local[2]").getOrCreate();
    }

    @AfterAll
    static void stop() {
        weft.close();
    }

    /** Gaussian numbers around a large mean (where a naive sum of squares loses precision), with a skewed tail. */
    private static List<Double> numbers(long seed, int n) {
        Random random = new Random(seed);
        List<Double> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(random.nextInt(5) == 0 ? 1e6 + 5000 : 1e6 + random.nextGaussian() * 100);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void statisticsMatchATwoPassComputation(long seed) {
        int n = (int) (seed * seed * 53 % 500) + 2;
        List<Double> data = numbers(seed, n);
        DoubleDataset ds = weft.parallelize(data, partitions(seed)).mapToDouble(x -> x);

        double sum = data.stream().mapToDouble(x -> x).sum();
        double mean = sum / n;
        double squares = data.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum();
        StatCounter stats = ds.stats();
        assertThat(stats.count()).isEqualTo(n);
        assertThat(stats.mean()).isCloseTo(mean, within(1e-6));
        assertThat(stats.sum()).isCloseTo(sum, within(1e-3));
        assertThat(stats.max()).isEqualTo(data.stream().mapToDouble(x -> x).max().orElseThrow());
        assertThat(stats.min()).isEqualTo(data.stream().mapToDouble(x -> x).min().orElseThrow());
        assertThat(ds.sum()).isCloseTo(sum, within(1e-3));
        assertThat(ds.mean()).isCloseTo(mean, within(1e-6));
        assertThat(ds.variance()).isCloseTo(squares / n, within(1e-6 * (1 + squares / n)));
        assertThat(ds.sampleVariance()).isCloseTo(squares / (n - 1), within(1e-6 * (1 + squares / n)));
        assertThat(ds.stdev()).isCloseTo(Math.sqrt(squares / n), within(1e-6));
        assertThat(ds.sampleStdev()).isCloseTo(Math.sqrt(squares / (n - 1)), within(1e-6));
        assertThat(ds.min()).isEqualTo(stats.min());
        assertThat(ds.max()).isEqualTo(stats.max());
        assertThat(stats.toString()).contains("count: " + n);
    }

    @Test
    void statisticsOfEmptyAndSingleValueDatasetsFollowSpark() {
        DoubleDataset empty = DoubleDataset.from(weft.parallelize(List.<Double>of(), 3));
        assertThat(empty.sum()).isZero();
        assertThat(empty.stats().count()).isZero();
        assertThat(empty.mean()).isNaN();
        assertThat(empty.variance()).isNaN();
        assertThat(empty.stats().max()).isEqualTo(Double.NEGATIVE_INFINITY);
        DoubleDataset one = weft.parallelize(List.of("abc"), 4).mapToDouble(String::length);
        assertThat(one.mean()).isEqualTo(3.0);
        assertThat(one.variance()).isZero();
        assertThat(one.sampleVariance()).isNaN();
        assertThat(one.filter(x -> x > 5).count()).isZero();
    }

    @Test
    void mergedCountersEqualOneCounterOverAll() {
        double[] all = new Random(9).doubles(1000, -50, 50).toArray();
        StatCounter whole = StatCounter.of(all);
        StatCounter merged = new StatCounter();
        for (int from = 0; from < all.length; from += 137) {
            merged.merge(StatCounter.of(java.util.Arrays.copyOfRange(all, from, Math.min(all.length, from + 137))));
        }
        merged.merge(new StatCounter());
        assertThat(merged.count()).isEqualTo(whole.count());
        assertThat(merged.mean()).isCloseTo(whole.mean(), within(1e-9));
        assertThat(merged.variance()).isCloseTo(whole.variance(), within(1e-9));
        assertThat(merged.max()).isEqualTo(whole.max());
        assertThat(merged.min()).isEqualTo(whole.min());
        StatCounter self = StatCounter.of(1, 2, 3);
        assertThat(self.merge(self).count()).isEqualTo(6);
    }

    /** Plain bucketing: [e_i, e_i+1), the last bucket closed, NaN and out-of-range numbers ignored. */
    private static long[] plainHistogram(List<Double> data, double[] edges) {
        long[] counts = new long[edges.length - 1];
        for (double x : data) {
            for (int i = 0; i < counts.length; i++) {
                boolean last = i == counts.length - 1;
                if (x >= edges[i] && (x < edges[i + 1] || last && x == edges[i + 1])) {
                    counts[i]++;
                    break;
                }
            }
        }
        return counts;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void histogramsBucketAsSparkDoes(long seed) {
        Random random = new Random(seed);
        List<Double> data = new ArrayList<>();
        data.add(0.0);
        data.add(100.0);
        for (int i = 0; i < 400 * seed; i++) {
            data.add((double) random.nextInt(101));
        }
        DoubleDataset ds = weft.parallelize(data, partitions(seed)).mapToDouble(x -> x);
        for (int count : new int[] {1, 4, 5, 10}) {
            Pair<double[], long[]> histogram = ds.histogram(count);
            double[] edges = new double[count + 1];
            for (int i = 0; i <= count; i++) {
                edges[i] = 100.0 * i / count;
            }
            assertThat(histogram.key()).containsExactly(edges);
            assertThat(histogram.value()).containsExactly(plainHistogram(data, edges));
            assertThat(java.util.Arrays.stream(histogram.value()).sum()).isEqualTo(data.size());
        }

        List<Double> messy = new ArrayList<>(data);
        messy.add(Double.NaN);
        messy.add(-1.0);
        messy.add(1000.0);
        DoubleDataset withNaN = weft.parallelize(messy, partitions(seed + 1)).mapToDouble(x -> x);
        double[] uneven = {0, 1, 10, 50, 50.5, 99};
        assertThat(withNaN.histogram(uneven)).containsExactly(plainHistogram(messy, uneven));
        double[] even = {10, 20, 30, 40};
        assertThat(withNaN.histogram(even, true)).containsExactly(plainHistogram(messy, even));
        assertThatThrownBy(() -> withNaN.histogram(3)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("NaN");
    }

    @Test
    void histogramEdgeCasesAndBadBuckets() {
        DoubleDataset same = weft.parallelize(List.of(2.5, 2.5, 2.5), 5).mapToDouble(x -> x);
        Pair<double[], long[]> h = same.histogram(4);
        assertThat(h.key()).containsExactly(2.5, 2.5);
        assertThat(h.value()).containsExactly(3L);
        DoubleDataset empty = DoubleDataset.from(weft.parallelize(List.<Double>of(), 2));
        assertThatThrownBy(() -> empty.histogram(2)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("empty");
        assertThat(empty.histogram(new double[] {0, 1})).containsExactly(0L);
        assertThatThrownBy(() -> same.histogram(new double[] {1})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least two");
        assertThatThrownBy(() -> same.histogram(new double[] {3, 1, 2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ascending");
        assertThatThrownBy(() -> same.histogram(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(weft.parallelize(List.of("a", "bb", "ccc"), 2).flatMapToDouble(s -> List.of(1.0 * s.length(),
                -1.0).iterator()).sum()).isEqualTo(3.0);
    }
}
