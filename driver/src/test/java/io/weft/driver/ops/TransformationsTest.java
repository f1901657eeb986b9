package io.weft.driver.ops;

import static io.weft.driver.ops.RddTestData.partitions;
import static io.weft.driver.ops.RddTestData.slices;
import static io.weft.driver.ops.RddTestData.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.Dataset;
import io.weft.api.HashPartitioner;
import io.weft.api.JobFailedException;
import io.weft.api.Pair;
import io.weft.api.PairDataset;
import io.weft.api.WeftSession;
import io.weft.api.lineage.Iterators;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The RDD transformations beyond the basic ones, each against a plain Java computation over random inputs with
 * nulls, skew, empty partitions and more partitions than records.
 */
class TransformationsTest {

    private static WeftSession weft;

    @BeforeAll
    static void start() {
        weft = WeftSession.builder().appName("transformations").master("local[2]").getOrCreate();
    }

    @AfterAll
    static void stop() {
        weft.close();
    }

    /** Sizes from 0 up, so that some seeds give more partitions than records. */
    private static int size(long seed) {
        return (int) (seed * seed * 37 % 260);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void glomAndMapPartitionsWithIndexSeeEachPartitionEmptyOnesIncluded(long seed) {
        List<Integer> data = values(seed, size(seed), true);
        int k = partitions(seed);
        Dataset<Integer> ds = weft.parallelize(data, k);

        assertThat(ds.glom().collect()).isEqualTo(slices(data, k));
        List<Pair<Integer, Integer>> expected = new ArrayList<>();
        List<List<Integer>> parts = slices(data, k);
        for (int i = 0; i < k; i++) {
            for (Integer x : parts.get(i)) {
                expected.add(Pair.of(i, x));
            }
        }
        assertThat(ds.mapPartitionsWithIndex((i, it) -> Iterators.map(it, x -> Pair.of(i, x))).collect())
                .isEqualTo(expected);
        assertThat(ds.mapPartitionsToPair(it -> Iterators.map(it, x -> Pair.of(x, 1))).collect())
                .isEqualTo(data.stream().map(x -> Pair.of(x, 1)).toList());
        assertThat(ds.flatMapToPair(x -> List.of(Pair.of(x, 1), Pair.of(x, 2)).iterator()).count())
                .isEqualTo(2L * data.size());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void zipWithIndexAndUniqueIdNumberAsSparkDoes(long seed) {
        List<Integer> data = values(seed, size(seed), true);
        int k = partitions(seed);
        // Filtering makes the partitions' sizes uneven, so the index must count each one.
        Dataset<Integer> ds = weft.parallelize(data, k).filter(x -> x == null || x % 3 != 0);
        List<Integer> kept = data.stream().filter(x -> x == null || x % 3 != 0).toList();

        List<Pair<Integer, Long>> indexed = ds.zipWithIndex().collect();
        assertThat(indexed).isEqualTo(IntStream.range(0, kept.size())
                .mapToObj(i -> Pair.of(kept.get(i), (long) i)).toList());

        List<Pair<Integer, Long>> expectedIds = new ArrayList<>();
        List<List<Integer>> parts = slices(data, k);
        for (int p = 0; p < k; p++) {
            List<Integer> part = parts.get(p).stream().filter(x -> x == null || x % 3 != 0).toList();
            for (int i = 0; i < part.size(); i++) {
                expectedIds.add(Pair.of(part.get(i), (long) i * k + p));
            }
        }
        List<Pair<Integer, Long>> ids = ds.zipWithUniqueId().collect();
        assertThat(ids).isEqualTo(expectedIds);
        assertThat(ids.stream().map(Pair::value).distinct().count()).isEqualTo(ids.size());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void zipAndZipPartitionsPairPartitionByPartition(long seed) {
        List<Integer> data = values(seed, size(seed), true);
        int k = partitions(seed);
        Dataset<Integer> ds = weft.parallelize(data, k);
        Dataset<String> doubled = ds.map(x -> x == null ? "null" : Integer.toString(2 * x));

        assertThat(ds.zip(doubled).collect()).isEqualTo(data.stream()
                .map(x -> Pair.of(x, x == null ? "null" : Integer.toString(2 * x))).toList());
        List<String> sizes = ds.zipPartitions(doubled.filter(s -> s.startsWith("-")),
                (a, b) -> List.of(Iterators.count(a) + ":" + Iterators.count(b)).iterator()).collect();
        List<String> expected = slices(data, k).stream().map(part -> part.size() + ":"
                + part.stream().filter(x -> x != null && x < 0).count()).toList();
        assertThat(sizes).isEqualTo(expected);
    }

    @Test
    void zipRejectsDifferentPartitionCountsAtOnceAndDifferentRecordCountsInTheTask() {
        Dataset<Integer> ds = weft.parallelize(List.of(1, 2, 3, 4), 2);
        assertThatThrownBy(() -> ds.zip(weft.parallelize(List.of(1, 2, 3, 4), 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("same number of partitions")
                .hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> ds.zipPartitions(weft.parallelize(List.of(1), 1), (a, b) -> a))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same number of partitions");
        PairDataset<Integer, Integer> uneven = ds.zip(ds.filter(x -> x != 2));
        assertThatThrownBy(uneven::collect).isInstanceOf(JobFailedException.class)
                .satisfies(e -> assertThat(e.getCause().getMessage()).contains("different numbers of records"));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void keyByGroupByAndSortBy(long seed) {
        List<Integer> data = values(seed, size(seed), true);
        int k = partitions(seed);
        Dataset<Integer> ds = weft.parallelize(data, k);

        assertThat(ds.keyBy(x -> x == null ? null : x % 4).collect())
                .isEqualTo(data.stream().map(x -> Pair.of(x == null ? null : x % 4, x)).toList());
        Map<Integer, List<Integer>> expected = new HashMap<>();
        for (Integer x : data) {
            expected.computeIfAbsent(x == null ? null : Math.floorMod(x, 5), g -> new ArrayList<>()).add(x);
        }
        for (PairDataset<Integer, List<Integer>> grouped : List.of(ds.groupBy(x -> x == null ? null
                : Math.floorMod(x, 5)), ds.groupBy(x -> x == null ? null : Math.floorMod(x, 5), 4))) {
            Map<Integer, List<Integer>> actual = grouped.collectAsMap();
            assertThat(actual.keySet()).isEqualTo(expected.keySet());
            expected.forEach((g, xs) -> assertThat(actual.get(g)).containsExactlyInAnyOrderElementsOf(xs));
        }
        assertThat(ds.groupBy(x -> x, 4).numPartitions()).isEqualTo(4);

        List<Integer> nonNull = data.stream().filter(Objects::nonNull).toList();
        Dataset<Integer> numbers = weft.parallelize(nonNull, k);
        assertThat(numbers.sortBy(x -> x, true, 3).collect()).isEqualTo(nonNull.stream().sorted().toList());
        assertThat(numbers.sortBy(x -> -x, true, 2).collect())
                .isEqualTo(nonNull.stream().sorted(Comparator.reverseOrder()).toList());
        assertThat(numbers.sortBy(x -> x, false, 5).collect())
                .isEqualTo(nonNull.stream().sorted(Comparator.reverseOrder()).toList());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void intersectionIsDistinctAndSubtractKeepsTheLeftDuplicates(long seed) {
        List<Integer> left = values(seed, size(seed), true);
        List<Integer> right = values(seed + 100, size(seed + 1), true);
        Dataset<Integer> a = weft.parallelize(left, partitions(seed));
        Dataset<Integer> b = weft.parallelize(right, partitions(seed + 1));

        Set<Integer> inRight = new HashSet<>(right);
        Set<Integer> both = left.stream().filter(inRight::contains).collect(Collectors.toSet());
        assertThat(a.intersection(b).collect()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(both);
        assertThat(a.intersection(b, 3).numPartitions()).isEqualTo(3);
        assertThat(a.intersection(b, 3).collect()).containsExactlyInAnyOrderElementsOf(both);

        List<Integer> remaining = left.stream().filter(x -> !inRight.contains(x)).toList();
        assertThat(a.subtract(b).collect()).containsExactlyInAnyOrderElementsOf(remaining);
        assertThat(a.subtract(b).numPartitions()).isEqualTo(a.numPartitions());
        assertThat(a.subtract(b, 2).collect()).containsExactlyInAnyOrderElementsOf(remaining);
        assertThat(a.subtract(b, new HashPartitioner(7)).numPartitions()).isEqualTo(7);
        assertThat(a.subtract(weft.parallelize(List.<Integer>of(), 2)).collect())
                .containsExactlyInAnyOrderElementsOf(left);
        assertThat(weft.parallelize(List.<Integer>of(), 4).distinct().collect()).isEmpty();
        assertThat(a.distinct(3).collect()).containsExactlyInAnyOrderElementsOf(new HashSet<>(left));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void cartesianPairsPartitionIWithPartitionJInSparksOrder(long seed) {
        List<Integer> left = values(seed, size(seed) / 6, true);
        List<Integer> right = values(seed + 7, size(seed + 2) / 8, false);
        int ka = partitions(seed);
        int kb = partitions(seed + 3);
        PairDataset<Integer, Integer> product = weft.parallelize(left, ka).cartesian(weft.parallelize(right, kb));

        List<Pair<Integer, Integer>> expected = new ArrayList<>();
        for (List<Integer> pa : slices(left, ka)) {
            for (List<Integer> pb : slices(right, kb)) {
                for (Integer x : pa) {
                    for (Integer y : pb) {
                        expected.add(Pair.of(x, y));
                    }
                }
            }
        }
        assertThat(product.numPartitions()).isEqualTo(ka * kb);
        assertThat(product.collect()).isEqualTo(expected);
        assertThat(product.count()).isEqualTo((long) left.size() * right.size());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void pipeFeedsEachPartitionToAProcessAndReadsItsLines(long seed) {
        List<Integer> data = values(seed, size(seed), true);
        int k = partitions(seed);
        Dataset<Integer> ds = weft.parallelize(data, k);
        List<String> lines = data.stream().map(String::valueOf).toList();

        assertThat(ds.pipe("cat").collect()).isEqualTo(lines);
        assertThat(ds.map(x -> "v" + x).pipe(List.of("tr", "a-z", "A-Z")).collect())
                .isEqualTo(lines.stream().map(s -> ("v" + s).toUpperCase()).toList());
        List<String> withEnv = ds.pipe(List.of("sh", "-c", "echo \"$WEFT_GREETING\"; cat"),
                Map.of("WEFT_GREETING", "hello")).collect();
        List<String> expected = new ArrayList<>();
        for (List<Integer> part : slices(data, k)) {
            expected.add("hello");
            part.forEach(x -> expected.add(String.valueOf(x)));
        }
        assertThat(withEnv).isEqualTo(expected);
    }

    @Test
    void pipeFailsTheTaskNamingTheCommandAndExitStatusAndToleratesAnEarlyExit() {
        Dataset<Integer> ds = weft.parallelize(IntStream.range(0, 50_000).boxed().toList(), 2);
        assertThatThrownBy(() -> ds.pipe(List.of("sh", "-c", "cat > /dev/null; exit 3")).collect())
                .isInstanceOf(JobFailedException.class)
                .satisfies(e -> assertThat(e.getCause().getMessage())
                        .contains("Subprocess exited with status 3").contains("sh -c cat > /dev/null; exit 3"));
        // head stops reading early; its exit status 0 is what counts, not the broken pipe.
        assertThat(ds.pipe(List.of("head", "-n", "1")).collect()).containsExactly("0", "25000");
        assertThatThrownBy(() -> ds.pipe(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    /** take(1) stops reading a pipe's output early: the process must end with the task, not linger. */
    @Test
    void aPipeWhoseOutputIsNotReadToTheEndEndsWithItsTask(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path pidFile = dir.resolve("pid");
        Dataset<Integer> ds = weft.parallelize(IntStream.range(0, 200_000).boxed().toList(), 1);
        List<String> first = ds.pipe(List.of("sh", "-c", "echo $$ > " + pidFile + "; exec cat")).take(1);
        assertThat(first).containsExactly("0");
        long pid = Long.parseLong(java.nio.file.Files.readString(pidFile).trim());
        // Killing is asynchronous: wait for the process's exit, with a deadline (absent means it is gone already).
        java.util.Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isPresent()) {
            process.get().onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void randomSplitIsDisjointCompleteProportionalAndReproducible(long seed) {
        int n = 6000;
        Dataset<Integer> ds = weft.parallelize(IntStream.range(0, n).boxed().toList(), partitions(seed));
        double[] weights = {1, 2, 3};
        Dataset<Integer>[] splits = ds.randomSplit(weights, seed);
        assertThat(splits).hasSize(3);
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < splits.length; i++) {
            List<Integer> part = splits[i].collect();
            all.addAll(part);
            assertThat((double) part.size()).isCloseTo(n * weights[i] / 6, org.assertj.core.data.Offset.offset(
                    0.1 * n * weights[i] / 6 + 20));
        }
        Collections.sort(all);
        assertThat(all).isEqualTo(IntStream.range(0, n).boxed().toList());
        assertThat(ds.randomSplit(weights, seed)[1].collect()).isEqualTo(splits[1].collect());
        assertThatThrownBy(() -> ds.randomSplit(new double[] {1, -1})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-negative");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void coalesceWithShuffleAndUnionOfMany(long seed) {
        List<Integer> data = values(seed, size(seed), true);
        int k = partitions(seed);
        Dataset<Integer> ds = weft.parallelize(data, k);
        Dataset<Integer> grown = ds.coalesce(k + 3, true);
        assertThat(grown.numPartitions()).isEqualTo(k + 3);
        assertThat(grown.collect()).containsExactlyInAnyOrderElementsOf(data);
        assertThat(ds.coalesce(1, false).collect()).isEqualTo(data);
        assertThat(ds.coalesce(k + 3, false).numPartitions()).isEqualTo(k);

        Dataset<Integer> other = weft.parallelize(values(seed + 1, 17, false), 3);
        Dataset<Integer> many = weft.union(ds, other, ds);
        List<Integer> expected = new ArrayList<>(data);
        expected.addAll(other.collect());
        expected.addAll(data);
        assertThat(many.collect()).isEqualTo(expected);
        assertThat(many.numPartitions()).isEqualTo(2 * k + 3);
        assertThat(weft.union(List.of(ds)).collect()).isEqualTo(data);
        assertThatThrownBy(() -> weft.union(List.<Dataset<Integer>>of())).isInstanceOf(
                IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void unionOfInputsWithTheSamePartitionerKeepsIt(long seed) {
        HashPartitioner byHash = new HashPartitioner(4);
        List<Pair<Integer, Integer>> rowsA = RddTestData.rows(seed, size(seed), true);
        List<Pair<Integer, Integer>> rowsB = RddTestData.rows(seed + 9, size(seed + 1), true);
        PairDataset<Integer, Integer> a = weft.parallelize(rowsA, partitions(seed)).mapToPair(p -> p)
                .partitionBy(byHash);
        PairDataset<Integer, Integer> b = weft.parallelize(rowsB, 3).mapToPair(p -> p).partitionBy(byHash);

        for (PairDataset<Integer, Integer> union : List.of(weft.union(a, b, a), a.union(b))) {
            assertThat(union.partitioner()).contains(byHash);
            assertThat(union.numPartitions()).isEqualTo(4);
            List<List<Pair<Integer, Integer>>> parts = union.glom().collect();
            for (int i = 0; i < parts.size(); i++) {
                int partition = i;
                assertThat(parts.get(i)).allSatisfy(p -> assertThat(byHash.getPartition(p.key()))
                        .isEqualTo(partition));
            }
        }
        List<Pair<Integer, Integer>> expected = new ArrayList<>(rowsA);
        expected.addAll(rowsB);
        assertThat(a.union(b).collect()).containsExactlyInAnyOrderElementsOf(expected);
        // Joined on its partitioner, the union needs no shuffle of its own and is still right.
        assertThat(a.union(b).reduceByKey((x, y) -> x == null || y == null ? null : x + y).numPartitions())
                .isEqualTo(4);

        PairDataset<Integer, Integer> unpartitioned = weft.parallelize(rowsB, 3).mapToPair(p -> p);
        assertThat(a.union(unpartitioned).partitioner()).isEmpty();
        assertThat(a.union(unpartitioned).numPartitions()).isEqualTo(7);
        assertThat(a.union(b.partitionBy(new HashPartitioner(5))).partitioner()).isEmpty();
    }
}
