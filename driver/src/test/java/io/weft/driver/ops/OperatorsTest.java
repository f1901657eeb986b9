package io.weft.driver.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.Dataset;
import io.weft.api.HashPartitioner;
import io.weft.api.Pair;
import io.weft.api.PairDataset;
import io.weft.api.SerializableComparator;
import io.weft.api.WeftSession;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every operator against a plain Java computation over random inputs: several seeds, empty and skewed
 * partitions, duplicate-heavy keys.
 */
class OperatorsTest {

    private static WeftSession weft;

    @BeforeAll
    static void start() {
        weft = WeftSession.builder().appName("operators").master("local[2]").getOrCreate();
    }

    @AfterAll
    static void stop() {
        weft.close();
    }

    /** Random keyed rows: few distinct keys (duplicate-heavy), one hot key (skew). */
    private static List<Pair<Integer, Integer>> rows(long seed, int n) {
        Random random = new Random(seed);
        List<Pair<Integer, Integer>> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int key = random.nextInt(4) == 0 ? 7 : random.nextInt(50);
            rows.add(Pair.of(key, random.nextInt(1000) - 500));
        }
        return rows;
    }

    /** Partition counts that give empty partitions for small inputs. */
    private static int partitions(long seed) {
        return 1 + (int) (seed * 5 % 13);
    }

    private static PairDataset<Integer, Integer> pairs(List<Pair<Integer, Integer>> rows, int partitions) {
        return weft.parallelize(rows, partitions).mapToPair(p -> p);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void narrowOperators(long seed) {
        List<Pair<Integer, Integer>> rows = rows(seed, 300 * (int) seed);
        List<Integer> values = rows.stream().map(Pair::value).toList();
        Dataset<Integer> ds = weft.parallelize(values, partitions(seed));

        assertThat(ds.map(x -> x * 2).collect()).isEqualTo(values.stream().map(x -> x * 2).toList());
        assertThat(ds.filter(x -> x % 3 == 0).collect()).isEqualTo(values.stream().filter(x -> x % 3 == 0).toList());
        assertThat(ds.flatMap(x -> List.of(x, -x).iterator()).collect())
                .isEqualTo(values.stream().flatMap(x -> java.util.stream.Stream.of(x, -x)).toList());
        assertThat(ds.mapPartitions(it -> {
            long sum = 0;
            while (it.hasNext()) {
                sum += it.next();
            }
            return List.of(sum).iterator();
        }).collect().stream().mapToLong(Long::longValue).sum()).isEqualTo(values.stream().mapToLong(x -> x).sum());
        assertThat(ds.count()).isEqualTo(values.size());
        assertThat(ds.union(ds.map(x -> x + 1)).count()).isEqualTo(2L * values.size());
        assertThat(ds.distinct().collect()).containsExactlyInAnyOrderElementsOf(new HashSet<>(values));
        assertThat(ds.reduce(Integer::sum)).isEqualTo(values.stream().mapToInt(x -> x).sum());
        assertThat(ds.fold(0, Integer::sum)).isEqualTo(values.stream().mapToInt(x -> x).sum());
        assertThat(ds.take(7)).isEqualTo(values.subList(0, 7));
        assertThat(ds.first()).isEqualTo(values.get(0));
        assertThat(ds.repartition(5).collect()).containsExactlyInAnyOrderElementsOf(values);
        assertThat(ds.repartition(5).numPartitions()).isEqualTo(5);
        assertThat(ds.coalesce(1).collect()).isEqualTo(values);
        assertThat(ds.coalesce(1).numPartitions()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void keyedAggregations(long seed) {
        List<Pair<Integer, Integer>> rows = rows(seed, 2000);
        PairDataset<Integer, Integer> ds = pairs(rows, partitions(seed));

        Map<Integer, Integer> sums = new HashMap<>();
        Map<Integer, List<Integer>> groups = new HashMap<>();
        Map<Integer, Long> counts = new HashMap<>();
        for (Pair<Integer, Integer> p : rows) {
            sums.merge(p.key(), p.value(), Integer::sum);
            groups.computeIfAbsent(p.key(), k -> new ArrayList<>()).add(p.value());
            counts.merge(p.key(), 1L, Long::sum);
        }

        assertThat(ds.reduceByKey(Integer::sum).collectAsMap()).isEqualTo(sums);
        assertThat(ds.reduceByKey(Integer::sum, 3).numPartitions()).isEqualTo(3);
        Map<Integer, List<Integer>> grouped = ds.groupByKey().collectAsMap();
        assertThat(grouped.keySet()).isEqualTo(groups.keySet());
        groups.forEach((k, v) -> assertThat(grouped.get(k)).containsExactlyInAnyOrderElementsOf(v));
        assertThat(ds.aggregateByKey(new ArrayList<Integer>(), (list, v) -> {
            list.add(v);
            return list;
        }, (a, b) -> {
            a.addAll(b);
            return a;
        }).mapValues(List::size).collectAsMap()).isEqualTo(counts.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().intValue())));
        assertThat(ds.combineByKey(v -> (long) v, (c, v) -> c + v, Long::sum).collectAsMap())
                .isEqualTo(sums.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                        e -> (long) e.getValue())));
        assertThat(ds.countByKey()).isEqualTo(counts);
        assertThat(ds.keys().distinct().collect()).containsExactlyInAnyOrderElementsOf(sums.keySet());
        assertThat(ds.values().collect()).containsExactlyInAnyOrderElementsOf(rows.stream().map(Pair::value).toList());
        assertThat(ds.flatMapValues(v -> List.of(v, v).iterator()).count()).isEqualTo(2L * rows.size());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void joins(long seed) {
        List<Pair<Integer, Integer>> left = rows(seed, 400);
        List<Pair<Integer, Integer>> right = rows(seed + 100, 300).stream()
                .map(p -> Pair.of(p.key() + 20, p.value())).toList();
        PairDataset<Integer, Integer> l = pairs(left, partitions(seed));
        PairDataset<Integer, Integer> r = pairs(right, partitions(seed + 1));

        List<Pair<Integer, Pair<Integer, Integer>>> inner = new ArrayList<>();
        List<Pair<Integer, Pair<Integer, Optional<Integer>>>> leftOuter = new ArrayList<>();
        List<Pair<Integer, Pair<Optional<Integer>, Integer>>> rightOuter = new ArrayList<>();
        Set<Integer> rightKeys = right.stream().map(Pair::key).collect(Collectors.toSet());
        Set<Integer> leftKeys = left.stream().map(Pair::key).collect(Collectors.toSet());
        for (Pair<Integer, Integer> a : left) {
            for (Pair<Integer, Integer> b : right) {
                if (a.key().equals(b.key())) {
                    inner.add(Pair.of(a.key(), Pair.of(a.value(), b.value())));
                    leftOuter.add(Pair.of(a.key(), Pair.of(a.value(), Optional.of(b.value()))));
                    rightOuter.add(Pair.of(a.key(), Pair.of(Optional.of(a.value()), b.value())));
                }
            }
            if (!rightKeys.contains(a.key())) {
                leftOuter.add(Pair.of(a.key(), Pair.of(a.value(), Optional.empty())));
            }
        }
        for (Pair<Integer, Integer> b : right) {
            if (!leftKeys.contains(b.key())) {
                rightOuter.add(Pair.of(b.key(), Pair.of(Optional.empty(), b.value())));
            }
        }
        assertThat(l.join(r).collect()).containsExactlyInAnyOrderElementsOf(inner);
        assertThat(l.leftOuterJoin(r).collect()).containsExactlyInAnyOrderElementsOf(leftOuter);
        assertThat(l.rightOuterJoin(r).collect()).containsExactlyInAnyOrderElementsOf(rightOuter);
        long fullSize = l.fullOuterJoin(r).count();
        long onlyRight = right.stream().filter(b -> !leftKeys.contains(b.key())).count();
        assertThat(fullSize).isEqualTo(leftOuter.size() + onlyRight);
        Map<Integer, Pair<List<Integer>, List<Integer>>> cogrouped = l.cogroup(r).collectAsMap();
        Set<Integer> allKeys = new HashSet<>(leftKeys);
        allKeys.addAll(rightKeys);
        assertThat(cogrouped.keySet()).isEqualTo(allKeys);
        for (Integer key : allKeys) {
            assertThat(cogrouped.get(key).key()).containsExactlyInAnyOrderElementsOf(
                    left.stream().filter(p -> p.key().equals(key)).map(Pair::value).toList());
            assertThat(cogrouped.get(key).value()).containsExactlyInAnyOrderElementsOf(
                    right.stream().filter(p -> p.key().equals(key)).map(Pair::value).toList());
        }
        List<Pair<Integer, Pair<Optional<Integer>, Optional<Integer>>>> full = l.fullOuterJoin(r).collect();
        assertThat(full.stream().filter(p -> p.value().key().isPresent() && p.value().value().isPresent()).count())
                .isEqualTo(inner.size());
        assertThat(full.stream().filter(p -> p.value().value().isEmpty()).map(p -> p.key()).distinct().toList())
                .allSatisfy(k -> assertThat(rightKeys).doesNotContain(k));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void globalSort(long seed) {
        List<Pair<Integer, Integer>> rows = rows(seed, 3000);
        PairDataset<Integer, Integer> ds = pairs(rows, partitions(seed));
        List<Integer> expected = rows.stream().map(Pair::key).sorted().toList();

        PairDataset<Integer, Integer> ascending = ds.sortByKey(true);
        assertThat(ascending.keys().collect()).isEqualTo(expected);
        List<Integer> descending = ds.sortByKey(false).keys().collect();
        List<Integer> reversed = new ArrayList<>(expected);
        java.util.Collections.reverse(reversed);
        assertThat(descending).isEqualTo(reversed);
        SerializableComparator<Integer> byLastDigit = (a, b) -> Integer.compare(Math.floorMod(a, 10),
                Math.floorMod(b, 10));
        List<Integer> custom = ds.sortByKey(byLastDigit, true, 4).keys().collect();
        assertThat(custom).isSortedAccordingTo(Comparator.comparingInt(k -> Math.floorMod(k, 10)));
        assertThat(custom).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void aHeavyKeyDoesNotCostTheSortItsRequestedPartitions() {
        // Half of 300 records share one key, in the middle of the order; the rest have distinct keys. One input
        // partition of 300 records is sampled whole, so the bounds are deterministic. Spark gives 5 ranges here.
        List<Pair<Integer, Integer>> rows = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            rows.add(Pair.of(i < 30 ? i : i < 180 ? 100 : 200 + i, i));
        }
        PairDataset<Integer, Integer> sorted = pairs(rows, 1).sortByKey(SerializableComparator.naturalOrder(), false,
                5);
        assertThat(sorted.numPartitions()).isEqualTo(5);
        List<List<Integer>> byPartition = sorted.keys().mapPartitions(it -> {
            List<Integer> keys = new ArrayList<>();
            it.forEachRemaining(keys::add);
            return List.of(keys).iterator();
        }).collect();
        assertThat(byPartition).hasSize(5).allSatisfy(keys -> assertThat(keys).isNotEmpty());
        List<Integer> expected = rows.stream().map(Pair::key).sorted(Comparator.reverseOrder()).toList();
        assertThat(byPartition.stream().flatMap(List::stream).toList()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(longs = {5, 6})
    void stringKeysAndSampling(long seed) {
        Random random = new Random(seed);
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            words.add("w" + (int) Math.abs(random.nextGaussian() * 30));
        }
        Map<String, Long> expected = new TreeMap<>();
        words.forEach(w -> expected.merge(w, 1L, Long::sum));
        Dataset<String> ds = weft.parallelize(words, 7);
        assertThat(ds.mapToPair(w -> Pair.of(w, 1L)).reduceByKey(Long::sum).collectAsMap()).isEqualTo(expected);
        long sampled = ds.sample(false, 0.1, seed).count();
        assertThat(sampled).isBetween(300L, 700L);
        assertThat(ds.sample(false, 0.1, seed).collect()).isEqualTo(ds.sample(false, 0.1, seed).collect());
        long withReplacement = ds.sample(true, 2.0, seed).count();
        assertThat(withReplacement).isBetween(9000L, 11000L);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void copartitionedJoinNeedsNoShuffleOfPartitionedSides(long seed) {
        HashPartitioner partitioner = new HashPartitioner(4);
        PairDataset<Integer, Integer> a = pairs(rows(seed, 500), 3).partitionBy(partitioner);
        PairDataset<Integer, Integer> b = pairs(rows(seed + 1, 500), 5).partitionBy(partitioner);
        PairDataset<Integer, Pair<Integer, Integer>> joined = a.join(b, partitioner);
        // Both inputs already use the join's partitioner: the cogroup reads them narrowly, so the join's stage
        // reads only the two partitionBy shuffles and adds none of its own.
        assertThat(shuffleIds(joined)).containsExactlyInAnyOrderElementsOf(
                java.util.stream.Stream.concat(shuffleIds(a).stream(), shuffleIds(b).stream()).toList());
        assertThat(shuffleIds(joined)).hasSize(2);
        assertThat(joined.partitioner()).contains(partitioner);
        Map<Integer, Long> expected = new HashMap<>();
        for (Pair<Integer, Integer> x : rows(seed, 500)) {
            for (Pair<Integer, Integer> y : rows(seed + 1, 500)) {
                if (x.key().equals(y.key())) {
                    expected.merge(x.key(), 1L, Long::sum);
                }
            }
        }
        assertThat(joined.countByKey()).isEqualTo(expected);
        // reduceByKey on an already partitioned dataset keeps the partitioning without another shuffle.
        assertThat(shuffleIds(a.reduceByKey(Integer::sum, partitioner))).isEqualTo(shuffleIds(a));
        assertThat(shuffleIds(a.reduceByKey(Integer::sum, 7))).isNotEqualTo(shuffleIds(a));
    }

    /** The shuffles read by the stage that computes a dataset. */
    private static List<Integer> shuffleIds(Dataset<?> ds) {
        return io.weft.planner.StagePlanner.directShuffles(ds.lineage()).stream()
                .map(io.weft.api.lineage.ShuffleDependency::shuffleId).toList();
    }

    @org.junit.jupiter.api.Test
    void emptyInputs() {
        Dataset<Integer> empty = weft.parallelize(List.<Integer>of(), 3);
        assertThat(empty.count()).isZero();
        assertThat(empty.collect()).isEmpty();
        assertThat(empty.take(3)).isEmpty();
        assertThat(empty.fold(0, Integer::sum)).isZero();
        assertThat(empty.mapToPair(x -> Pair.of(x, x)).reduceByKey(Integer::sum).collect()).isEmpty();
        assertThat(empty.mapToPair(x -> Pair.of(x, x)).sortByKey(true).collect()).isEmpty();
        assertThatThrownBy(() -> empty.reduce(Integer::sum)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(empty::first).isInstanceOf(java.util.NoSuchElementException.class);
    }
}
