package io.weft.driver.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.Dataset;
import io.weft.api.Pair;
import io.weft.api.PairDataset;
import io.weft.api.WeftSession;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** range, emptyDataset, parallelizePairs and parallelize without a partition count, in local mode. */
class SessionFactoriesTest {

    private static WeftSession weft;

    @BeforeAll
    static void start() {
        weft = WeftSession.builder().appName("factories").master("local[2]").getOrCreate();
    }

    @AfterAll
    static void stop() {
        weft.close();
    }

    /** The plain-Java range, with the same stop-on-overflow rule. */
    private static List<Long> expectedRange(long start, long end, long step) {
        List<Long> out = new ArrayList<>();
        for (long v = start; step > 0 ? v < end : v > end; ) {
            out.add(v);
            long next = v + step;
            if ((next < v) != (step < 0)) {
                break;
            }
            v = next;
        }
        return out;
    }

    @ParameterizedTest
    @CsvSource({
        "0, 10, 1, 3", "0, 10, 3, 4", "10, 0, -1, 3", "10, -11, -4, 5", "5, 5, 1, 2", "5, 0, 1, 2",
        "0, 5, -1, 2", "0, 3, 1, 8", "-3, 4, 2, 16", "9223372036854775800, 9223372036854775807, 3, 2",
        "-9223372036854775800, -9223372036854775808, -2, 3", "0, 1, 9223372036854775807, 2"})
    void rangeMatchesTheJavaLoop(long start, long end, long step, int partitions) {
        Dataset<Long> range = weft.range(start, end, step, partitions);
        assertThat(range.numPartitions()).isEqualTo(partitions);
        assertThat(range.collect()).isEqualTo(expectedRange(start, end, step));
        assertThat(range.count()).isEqualTo(expectedRange(start, end, step).size());
    }

    @Test
    void rangeDefaultsAndAHugeRangeIsNotListedOnTheDriver() {
        assertThat(weft.range(0, 5).collect()).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(weft.range(0, 10, 4).collect()).containsExactly(0L, 4L, 8L);
        assertThat(weft.range(0, 5).numPartitions()).isEqualTo(weft.defaultParallelism());
        // 2^40 elements: only the bounds exist on the driver; take reads the first partition's head only.
        Dataset<Long> huge = weft.range(Long.MIN_VALUE, Long.MIN_VALUE + (1L << 40), 1, 4);
        assertThat(huge.take(3)).containsExactly(Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MIN_VALUE + 2);
        assertThatThrownBy(() -> weft.range(0, 10, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("step");
    }

    /**
     * Every task of a stage deserializes the whole stage, range node included: a node that held each partition's
     * bounds made a stage of n partitions cost O(n) per task, O(n^2) in all (a 100,000-task stage ran at under
     * 2,000 tasks a second). Its size must not depend on the number of partitions.
     */
    @Test
    void aRangeNodeIsTheSameSizeForAnyNumberOfPartitions() {
        io.weft.runtime.serial.KryoPool kryo = new io.weft.runtime.serial.KryoPool(getClass().getClassLoader());
        int few = kryo.serialize(new io.weft.api.lineage.RangeNode(1, "range", 0, 1_000_000, 1, 4)).length;
        int many = kryo.serialize(new io.weft.api.lineage.RangeNode(1, "range", 0, 1_000_000, 1, 1_000_000)).length;
        assertThat(many).isLessThanOrEqualTo(few + 8);
        assertThat(weft.range(0, 1_000_000, 1, 1_000_000).numPartitions()).isEqualTo(1_000_000);
    }

    /**
     * The same for a parallelize node: its slices stay on the driver and each task carries only those it reads,
     * so the stage binary every task deserializes does not grow with the partitions (it did: 20,000 parallelize
     * tasks ran at about 1,300 a second). The data still changes the binary (the map-output journal's
     * fingerprint is made from it).
     */
    @Test
    void aParallelizeNodeIsTheSameSizeForAnyNumberOfPartitions() {
        io.weft.runtime.serial.KryoPool kryo = new io.weft.runtime.serial.KryoPool(getClass().getClassLoader());
        List<Integer> data = java.util.stream.IntStream.range(0, 100_000).boxed().toList();
        var node = new io.weft.api.lineage.ParallelizeNode<>(1, "parallelize", data, 100_000);
        int many = kryo.serialize(node).length;
        int few = kryo.serialize(new io.weft.api.lineage.ParallelizeNode<>(1, "parallelize", data, 4)).length;
        assertThat(many).isLessThanOrEqualTo(few + 8).isLessThan(1_000);
        assertThat(kryo.serialize(new io.weft.api.lineage.ParallelizeNode<>(1, "p", List.of(1, 2), 1))).isNotEqualTo(
                kryo.serialize(new io.weft.api.lineage.ParallelizeNode<>(1, "p", List.of(1, 3), 1)));
        io.weft.api.lineage.ParallelizeNode<Integer> copy = kryo.deserialize(kryo.serialize(node));
        assertThat(copy.numPartitions()).isEqualTo(100_000);
        assertThatThrownBy(() -> copy.slice(0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("TaskContext.parallelizedSlice");
        assertThat(node.slice(99_999)).containsExactly(99_999);

        List<Integer> some = data.subList(0, 5_000);
        assertThat(weft.parallelize(some, 2_000).map(x -> x * 2).collect())
                .isEqualTo(some.stream().map(x -> x * 2).toList());
        Dataset<Integer> small = weft.parallelize(some.subList(0, 6), 4);
        assertThat(small.union(weft.parallelize(List.of(7, 8), 3)).coalesce(2).collect())
                .containsExactly(0, 1, 2, 3, 4, 5, 7, 8);
        assertThat(small.cartesian(small).count()).isEqualTo(36);
    }

    @Test
    void emptyDatasetActions() {
        Dataset<String> empty = weft.emptyDataset();
        assertThat(empty.numPartitions()).isZero();
        assertThat(empty.count()).isZero();
        assertThat(empty.collect()).isEmpty();
        assertThat(empty.take(3)).isEmpty();
        assertThat(empty.fold("", String::concat)).isEmpty();
        assertThatThrownBy(() -> empty.reduce(String::concat)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(empty.map(String::length).union(weft.parallelize(List.of("ab"), 1).map(String::length))
                .collect()).containsExactly(2);
    }

    @Test
    void parallelizePairsWorksWithReduceByKey() {
        List<Pair<String, Integer>> pairs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            pairs.add(Pair.of(i % 9 == 0 ? null : "k" + (i % 4 == 0 ? 0 : i % 3), i));
        }
        PairDataset<String, Integer> data = weft.parallelizePairs(pairs, 6);
        assertThat(data.lineage().partitioner()).isEmpty();
        Map<String, Integer> sums = data.reduceByKey(Integer::sum).collectAsMap();
        Map<String, Integer> expected = new java.util.HashMap<>();
        pairs.forEach(p -> expected.merge(p.key(), p.value(), Integer::sum));
        assertThat(sums).isEqualTo(expected);
        assertThat(weft.parallelizePairs(pairs).numPartitions()).isEqualTo(weft.defaultParallelism());
        assertThat(weft.parallelizePairs(List.<Pair<String, Integer>>of(), 3).reduceByKey(Integer::sum).count())
                .isZero();
    }

    @Test
    void parallelizeWithoutACountUsesTheDefaultParallelism() {
        List<Integer> data = Arrays.asList(3, null, 1, 2);
        Dataset<Integer> ds = weft.parallelize(data);
        assertThat(ds.numPartitions()).isEqualTo(weft.defaultParallelism());
        assertThat(ds.collect()).isEqualTo(data);
        assertThat(ds.filter(x -> x != null).map(x -> x * 2).collect()).containsExactly(6, 2, 4);
    }
}
