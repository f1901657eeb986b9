package io.weft.driver.ops;

import static io.weft.driver.ops.RddTestData.partitions;
import static io.weft.driver.ops.RddTestData.slices;
import static io.weft.driver.ops.RddTestData.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.Dataset;
import io.weft.api.LongAccumulator;
import io.weft.api.SerializableComparator;
import io.weft.api.WeftSession;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The RDD actions beyond the basic ones, each against a plain Java computation over random inputs. */
class ActionsTest {

    private static WeftSession weft;

    @BeforeAll
    static void start() {
        weft = WeftSession.builder().appName("actions").master("local[2]").getOrCreate();
    }

    @AfterAll
    static void stop() {
        weft.close();
    }

    private static int size(long seed) {
        return (int) (seed * seed * 41 % 300);
    }

    private static List<Integer> numbers(long seed) {
        return values(seed, size(seed), false);
    }

    /** Orders by absolute value, then by value: a comparator that is not the natural order. */
    private static final SerializableComparator<Integer> BY_ABS = (a, b) -> {
        int c = Integer.compare(Math.abs(a), Math.abs(b));
        return c != 0 ? c : Integer.compare(a, b);
    };

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 5})
    void aggregateAndTreeAggregateGiveThePlainSumAndCountWithAMutableZero(long seed) {
        List<Integer> data = numbers(seed);
        long sum = data.stream().mapToLong(x -> x).sum();
        for (int k : new int[] {partitions(seed), 37}) {
            Dataset<Integer> ds = weft.parallelize(data, k);
            long[] viaAggregate = ds.aggregate(new long[2], ActionsTest::addTo, ActionsTest::merge);
            assertThat(viaAggregate).containsExactly(sum, data.size());
            for (int depth = 1; depth <= 4; depth++) {
                assertThat(ds.treeAggregate(new long[2], ActionsTest::addTo, ActionsTest::merge, depth))
                        .containsExactly(sum, data.size());
            }
            assertThat(ds.treeAggregate(new long[2], ActionsTest::addTo, ActionsTest::merge))
                    .containsExactly(sum, data.size());
            if (!data.isEmpty()) {
                assertThat(ds.treeReduce(Integer::sum)).isEqualTo((int) sum);
                assertThat(ds.treeReduce(Integer::sum, 3)).isEqualTo((int) sum);
            }
        }
    }

    private static long[] addTo(long[] acc, Integer x) {
        acc[0] += x;
        acc[1]++;
        return acc;
    }

    private static long[] merge(long[] a, long[] b) {
        a[0] += b[0];
        a[1] += b[1];
        return a;
    }

    @Test
    void theCallersZeroIsNeverModifiedSoItCanBeReused() {
        Dataset<Integer> ds = weft.parallelize(List.of(1, 2, 3, 4, 5), 3);
        long[] zero = new long[2];
        assertThat(ds.aggregate(zero, ActionsTest::addTo, ActionsTest::merge)).containsExactly(15, 5);
        assertThat(ds.aggregate(zero, ActionsTest::addTo, ActionsTest::merge)).containsExactly(15, 5);
        assertThat(ds.treeAggregate(zero, ActionsTest::addTo, ActionsTest::merge, 1)).containsExactly(15, 5);
        assertThat(zero).containsExactly(0, 0);
        java.util.ArrayList<Integer> emptyList = new java.util.ArrayList<>();
        Dataset<java.util.ArrayList<Integer>> lists = ds.map(x -> new java.util.ArrayList<>(List.of(x)));
        assertThat(lists.fold(emptyList, (a, b) -> {
            a.addAll(b);
            return a;
        })).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
        assertThat(emptyList).isEmpty();
    }

    @Test
    void aggregationsOfAnEmptyDataset() {
        Dataset<Integer> empty = weft.parallelize(List.<Integer>of(), 5);
        assertThat(empty.aggregate(0L, (acc, x) -> acc + x, Long::sum)).isZero();
        assertThat(empty.treeAggregate(0L, (acc, x) -> acc + x, Long::sum)).isZero();
        assertThatThrownBy(() -> empty.treeReduce(Integer::sum)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> empty.treeAggregate(0L, (acc, x) -> acc + x, Long::sum, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("depth");
        assertThatThrownBy(() -> empty.min(BY_ABS)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> empty.max(BY_ABS)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(empty.takeOrdered(3)).isEmpty();
        assertThat(empty.top(3)).isEmpty();
        assertThat(empty.isEmpty()).isTrue();
        assertThat(empty.takeSample(false, 5, 1)).isEmpty();
        assertThat(empty.takeSample(true, 5, 1)).isEmpty();
        assertThat(empty.countByValue()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void takeOrderedTopMinAndMax(long seed) {
        List<Integer> data = numbers(seed);
        Dataset<Integer> ds = weft.parallelize(data, partitions(seed));
        for (int num : new int[] {0, 1, 5, data.size(), data.size() + 10}) {
            assertThat(ds.takeOrdered(num)).isEqualTo(data.stream().sorted().limit(num).toList());
            assertThat(ds.takeOrdered(num, BY_ABS)).isEqualTo(data.stream().sorted(BY_ABS).limit(num).toList());
            assertThat(ds.top(num)).isEqualTo(data.stream().sorted(Comparator.reverseOrder()).limit(num).toList());
            assertThat(ds.top(num, BY_ABS)).isEqualTo(data.stream().sorted(BY_ABS.reversed()).limit(num).toList());
        }
        if (!data.isEmpty()) {
            assertThat(ds.min(BY_ABS)).isEqualTo(data.stream().min(BY_ABS).orElseThrow());
            assertThat(ds.max(BY_ABS)).isEqualTo(data.stream().max(BY_ABS).orElseThrow());
            assertThat(ds.max(SerializableComparator.naturalOrder())).isEqualTo(
                    data.stream().max(Comparator.naturalOrder()).orElseThrow());
        }
        assertThatThrownBy(() -> ds.takeOrdered(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void countByValueCountsNullsToo(long seed) {
        List<Integer> data = values(seed, size(seed), true);
        Map<Integer, Long> expected = new HashMap<>();
        data.forEach(x -> expected.merge(x, 1L, Long::sum));
        assertThat(weft.parallelize(data, partitions(seed)).countByValue()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void takeSampleReturnsExactlyNumRecordsOfTheDataset(long seed) {
        int n = size(seed) + 1;
        List<Integer> data = IntStream.range(0, n).boxed().toList();
        Dataset<Integer> ds = weft.parallelize(data, partitions(seed));
        for (int num : new int[] {0, 1, n / 3, n, n + 5}) {
            List<Integer> without = ds.takeSample(false, num, seed);
            assertThat(without).hasSize(Math.min(num, n)).doesNotHaveDuplicates();
            assertThat(data).containsAll(without);
            List<Integer> with = ds.takeSample(true, num, seed);
            assertThat(with).hasSize(num);
            assertThat(new HashSet<>(data)).containsAll(with);
            assertThat(ds.takeSample(false, num, seed)).isEqualTo(without);
        }
        if (n >= 40) {
            // Shuffled, not in partition order.
            assertThat(ds.takeSample(false, n, seed)).isNotEqualTo(data);
        }
        assertThatThrownBy(() -> ds.takeSample(false, -1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void isEmptyForeachPartitionCollectPartitionsAndToLocalIterator(long seed) {
        List<Integer> data = values(seed, size(seed), true);
        int k = partitions(seed);
        Dataset<Integer> ds = weft.parallelize(data, k);
        assertThat(ds.isEmpty()).isEqualTo(data.isEmpty());
        assertThat(ds.filter(x -> false).isEmpty()).isTrue();
        assertThat(weft.parallelize(List.of(1), 13).isEmpty()).isFalse();

        LongAccumulator records = weft.longAccumulator("records");
        LongAccumulator partitionsSeen = weft.longAccumulator("partitions");
        ds.foreachPartition(it -> {
            partitionsSeen.add(1);
            while (it.hasNext()) {
                it.next();
                records.add(1);
            }
        });
        assertThat(records.value()).isEqualTo(data.size());
        assertThat(partitionsSeen.value()).isEqualTo(k);

        List<List<Integer>> parts = slices(data, k);
        List<Integer>[] some = ds.collectPartitions(k - 1, 0);
        assertThat(some).containsExactly(parts.get(k - 1), parts.get(0));
        assertThatThrownBy(() -> ds.collectPartitions(k)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("partition " + k);
        List<Integer> iterated = new ArrayList<>();
        Iterator<Integer> it = ds.toLocalIterator();
        it.forEachRemaining(iterated::add);
        assertThat(iterated).isEqualTo(data);
        assertThat(iterated.stream().filter(Objects::isNull).count())
                .isEqualTo(data.stream().filter(Objects::isNull).count());
    }
}
