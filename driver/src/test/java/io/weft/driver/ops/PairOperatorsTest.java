package io.weft.driver.ops;

import static io.weft.driver.ops.RddTestData.partitions;
import static io.weft.driver.ops.RddTestData.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.HashPartitioner;
import io.weft.api.LongAccumulator;
import io.weft.api.Pair;
import io.weft.api.PairDataset;
import io.weft.api.Partitioner;
import io.weft.api.SerializableComparator;
import io.weft.api.StorageLevel;
import io.weft.api.Tuple3;
import io.weft.api.Tuple4;
import io.weft.api.WeftSession;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pair-dataset operators beyond the basic ones, against plain Java computations over random keyed rows with
 * null keys (hash-partitioned to partition 0, as Spark), skewed keys and empty partitions.
 */
class PairOperatorsTest {

    private static WeftSession weft;

    @BeforeAll
    static void start() {
        weft = WeftSession.builder().appName("pairs").master("local[2]").getOrCreate();
    }

    @AfterAll
    static void stop() {
        weft.close();
    }

    private static int size(long seed) {
        return (int) (seed * seed * 43 % 400);
    }

    /** Rows with null keys but no null values (so that sums are defined). */
    private static List<Pair<Integer, Integer>> keyed(long seed) {
        return rows(seed, size(seed), true).stream().map(p -> Pair.of(p.key(), p.value() == null ? 0 : p.value()))
                .toList();
    }

    private static PairDataset<Integer, Integer> pairs(List<Pair<Integer, Integer>> rows, int k) {
        return weft.parallelize(rows, k).mapToPair(p -> p);
    }

    private static <K, V> Map<K, List<V>> groups(List<Pair<K, V>> rows) {
        Map<K, List<V>> out = new HashMap<>();
        rows.forEach(p -> out.computeIfAbsent(p.key(), k -> new ArrayList<>()).add(p.value()));
        return out;
    }

    private static List<String> strings(List<?> records) {
        return records.stream().map(String::valueOf).sorted().toList();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void pairDatasetsStayPairDatasetsAndKeepThePartitionerWhereSparkDoes(long seed) {
        List<Pair<Integer, Integer>> rows = keyed(seed);
        HashPartitioner byHash = new HashPartitioner(5);
        PairDataset<Integer, Integer> ds = pairs(rows, partitions(seed)).partitionBy(byHash);
        List<String> all = strings(rows);

        PairDataset<Integer, Integer> filtered = ds.filter(p -> p.value() > 0);
        assertThat(filtered.partitioner()).contains(byHash);
        assertThat(strings(filtered.collect())).isEqualTo(strings(rows.stream().filter(p -> p.value() > 0).toList()));
        PairDataset<Integer, Integer> sampled = ds.sample(false, 0.5, seed);
        assertThat(sampled.partitioner()).contains(byHash);
        assertThat(ds.sample(true, 0.5).partitioner()).contains(byHash);
        assertThat(ds.cache().partitioner()).contains(byHash);
        assertThat(ds.persist(StorageLevel.MEMORY_ONLY).partitioner()).contains(byHash);
        assertThat(strings(ds.union(ds).collect())).hasSize(2 * rows.size());

        List<PairDataset<Integer, Integer>> dropping = List.of(ds.distinct(), ds.distinct(3), ds.repartition(3),
                ds.coalesce(2), ds.coalesce(7, true), ds.coalesce(2, false));
        for (PairDataset<Integer, Integer> d : dropping) {
            assertThat(d.partitioner()).isEmpty();
        }
        assertThat(strings(ds.repartition(3).collect())).isEqualTo(all);
        assertThat(strings(ds.coalesce(7, true).collect())).isEqualTo(all);
        assertThat(ds.coalesce(7, true).numPartitions()).isEqualTo(7);
        assertThat(strings(ds.distinct().collect())).isEqualTo(strings(new ArrayList<>(new HashSet<>(rows))));
        PairDataset<Integer, Integer> positives = ds.filter(p -> p.value() > 0);
        PairDataset<Integer, Integer> common = ds.intersection(positives);
        assertThat(strings(common.collect())).isEqualTo(strings(new ArrayList<>(new HashSet<>(
                rows.stream().filter(p -> p.value() > 0).toList()))));
        PairDataset<Integer, Integer> rest = ds.subtract(positives, 3);
        assertThat(strings(rest.collect())).isEqualTo(strings(rows.stream().filter(p -> p.value() <= 0).toList()));
        // Still a pair dataset: key-based operators apply directly.
        Map<Integer, Integer> sums = new HashMap<>();
        rows.stream().filter(p -> p.value() > 0).forEach(p -> sums.merge(p.key(), p.value(), Integer::sum));
        assertThat(filtered.reduceByKey(Integer::sum).collectAsMap()).isEqualTo(sums);
        ds.unpersist();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void foldAggregateAndCombineByKeyWithEveryPartitioning(long seed) {
        List<Pair<Integer, Integer>> rows = keyed(seed);
        PairDataset<Integer, Integer> ds = pairs(rows, partitions(seed));
        Map<Integer, Integer> sums = new HashMap<>();
        rows.forEach(p -> sums.merge(p.key(), p.value(), Integer::sum));
        Map<Integer, List<Integer>> groups = groups(rows);

        assertThat(ds.foldByKey(0, Integer::sum).collectAsMap()).isEqualTo(sums);
        assertThat(ds.foldByKey(0, 3, Integer::sum).collectAsMap()).isEqualTo(sums);
        PairDataset<Integer, Integer> folded = ds.foldByKey(0, new HashPartitioner(6), Integer::sum);
        assertThat(folded.partitioner()).contains(new HashPartitioner(6));
        assertThat(folded.collectAsMap()).isEqualTo(sums);

        for (PairDataset<Integer, ArrayList<Integer>> lists : List.of(
                ds.aggregateByKey(new ArrayList<Integer>(), 3, PairOperatorsTest::append, PairOperatorsTest::concat),
                ds.aggregateByKey(new ArrayList<Integer>(), new HashPartitioner(2), PairOperatorsTest::append,
                        PairOperatorsTest::concat),
                ds.combineByKey(v -> append(new ArrayList<>(), v), PairOperatorsTest::append,
                        PairOperatorsTest::concat, 4),
                ds.combineByKey(v -> append(new ArrayList<>(), v), PairOperatorsTest::append,
                        PairOperatorsTest::concat, new HashPartitioner(3)),
                ds.combineByKey(v -> append(new ArrayList<>(), v), PairOperatorsTest::append,
                        PairOperatorsTest::concat, new HashPartitioner(3), false))) {
            Map<Integer, ArrayList<Integer>> actual = lists.collectAsMap();
            assertThat(actual.keySet()).isEqualTo(groups.keySet());
            groups.forEach((k, vs) -> assertThat(actual.get(k)).containsExactlyInAnyOrderElementsOf(vs));
        }
        assertThat(ds.aggregateByKey(0, 3, Integer::sum, Integer::sum).numPartitions()).isEqualTo(3);
    }

    private static ArrayList<Integer> append(ArrayList<Integer> list, Integer v) {
        list.add(v);
        return list;
    }

    private static ArrayList<Integer> concat(ArrayList<Integer> a, ArrayList<Integer> b) {
        a.addAll(b);
        return a;
    }

    /** A left outer join computed plainly; {@code swap} gives the right outer join's shape. */
    private static List<String> plainLeftJoin(List<Pair<Integer, Integer>> left, List<Pair<Integer, Integer>> right,
            boolean swap) {
        Map<Integer, List<Integer>> byKey = groups(right);
        List<Object> out = new ArrayList<>();
        for (Pair<Integer, Integer> l : left) {
            List<Integer> matches = byKey.getOrDefault(l.key(), List.of());
            if (matches.isEmpty()) {
                out.add(swap ? Pair.of(l.key(), Pair.of(Optional.empty(), l.value()))
                        : Pair.of(l.key(), Pair.of(l.value(), Optional.empty())));
            }
            for (Integer r : matches) {
                out.add(swap ? Pair.of(l.key(), Pair.of(Optional.of(r), l.value()))
                        : Pair.of(l.key(), Pair.of(l.value(), Optional.of(r))));
            }
        }
        return strings(out);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void outerJoinsWithAChosenPartitioningMatchPlainJoinsNullKeysIncluded(long seed) {
        List<Pair<Integer, Integer>> left = keyed(seed);
        List<Pair<Integer, Integer>> right = keyed(seed + 50);
        PairDataset<Integer, Integer> a = pairs(left, partitions(seed));
        PairDataset<Integer, Integer> b = pairs(right, partitions(seed + 1));
        List<String> leftJoin = plainLeftJoin(left, right, false);
        List<String> rightJoin = plainLeftJoin(right, left, true);
        Set<Integer> leftKeys = new HashSet<>(groups(left).keySet());

        assertThat(strings(a.leftOuterJoin(b, 3).collect())).isEqualTo(leftJoin);
        assertThat(strings(a.leftOuterJoin(b, new HashPartitioner(4)).collect())).isEqualTo(leftJoin);
        assertThat(a.leftOuterJoin(b, 3).numPartitions()).isEqualTo(3);
        assertThat(strings(a.rightOuterJoin(b, 2).collect())).isEqualTo(rightJoin);
        assertThat(strings(a.rightOuterJoin(b, new HashPartitioner(5)).collect())).isEqualTo(rightJoin);
        List<Object> full = new ArrayList<>();
        for (Pair<Integer, Integer> l : left) {
            List<Integer> matches = groups(right).getOrDefault(l.key(), List.of());
            if (matches.isEmpty()) {
                full.add(Pair.of(l.key(), Pair.of(Optional.of(l.value()), Optional.empty())));
            }
            matches.forEach(r -> full.add(Pair.of(l.key(), Pair.of(Optional.of(l.value()), Optional.of(r)))));
        }
        right.stream().filter(r -> !leftKeys.contains(r.key()))
                .forEach(r -> full.add(Pair.of(r.key(), Pair.of(Optional.empty(), Optional.of(r.value())))));
        assertThat(strings(a.fullOuterJoin(b, 3).collect())).isEqualTo(strings(full));
        assertThat(strings(a.fullOuterJoin(b, new HashPartitioner(2)).collect())).isEqualTo(strings(full));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void threeAndFourWayCogroup(long seed) {
        List<Pair<Integer, Integer>> r1 = keyed(seed);
        List<Pair<Integer, Integer>> r2 = keyed(seed + 10);
        List<Pair<Integer, Integer>> r3 = keyed(seed + 20);
        List<Pair<Integer, Integer>> r4 = keyed(seed + 30);
        PairDataset<Integer, Integer> a = pairs(r1, partitions(seed));
        PairDataset<Integer, Integer> b = pairs(r2, 3);
        // Already partitioned like the output: read without a shuffle, and still right.
        PairDataset<Integer, Integer> c = pairs(r3, 2).partitionBy(new HashPartitioner(4));
        PairDataset<Integer, Integer> d = pairs(r4, 1);
        List<Map<Integer, List<Integer>>> inputs = List.of(groups(r1), groups(r2), groups(r3), groups(r4));
        Set<Integer> keys3 = new HashSet<>();
        Set<Integer> keys4 = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            if (i < 3) {
                keys3.addAll(inputs.get(i).keySet());
            }
            keys4.addAll(inputs.get(i).keySet());
        }

        for (PairDataset<Integer, Tuple3<List<Integer>, List<Integer>, List<Integer>>> three : List.of(
                a.cogroup(b, c), a.cogroup(b, c, 3), a.cogroup(b, c, new HashPartitioner(4)))) {
            Map<Integer, Tuple3<List<Integer>, List<Integer>, List<Integer>>> got = three.collectAsMap();
            assertThat(three.count()).isEqualTo(keys3.size());
            assertThat(got.keySet()).isEqualTo(keys3);
            for (Integer k : keys3) {
                assertSameValues(got.get(k)._1(), inputs.get(0), k);
                assertSameValues(got.get(k)._2(), inputs.get(1), k);
                assertSameValues(got.get(k)._3(), inputs.get(2), k);
            }
        }
        for (PairDataset<Integer, Tuple4<List<Integer>, List<Integer>, List<Integer>, List<Integer>>> four
                : List.of(a.cogroup(b, c, d), a.cogroup(b, c, d, 2), a.cogroup(b, c, d, new HashPartitioner(4)))) {
            Map<Integer, Tuple4<List<Integer>, List<Integer>, List<Integer>, List<Integer>>> got =
                    four.collectAsMap();
            assertThat(four.count()).isEqualTo(keys4.size());
            assertThat(got.keySet()).isEqualTo(keys4);
            for (Integer k : keys4) {
                assertSameValues(got.get(k)._1(), inputs.get(0), k);
                assertSameValues(got.get(k)._2(), inputs.get(1), k);
                assertSameValues(got.get(k)._3(), inputs.get(2), k);
                assertSameValues(got.get(k)._4(), inputs.get(3), k);
            }
        }
        assertThat(a.cogroup(b, 6).numPartitions()).isEqualTo(6);
    }

    private static void assertSameValues(List<Integer> actual, Map<Integer, List<Integer>> input, Integer key) {
        assertThat(actual).containsExactlyInAnyOrderElementsOf(input.getOrDefault(key, List.of()));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void subtractByKeyKeepsLeftPairsWhoseKeyIsAbsent(long seed) {
        List<Pair<Integer, Integer>> left = keyed(seed);
        List<Pair<Integer, Integer>> right = keyed(seed + 70).stream().filter(p -> p.value() % 3 == 0).toList();
        PairDataset<Integer, Integer> a = pairs(left, partitions(seed));
        PairDataset<Integer, Integer> b = pairs(right, partitions(seed + 2));
        Set<Integer> rightKeys = new HashSet<>(groups(right).keySet());
        List<String> expected = strings(left.stream().filter(p -> !rightKeys.contains(p.key())).toList());

        assertThat(strings(a.subtractByKey(b).collect())).isEqualTo(expected);
        assertThat(a.subtractByKey(b).numPartitions()).isEqualTo(a.numPartitions());
        assertThat(strings(a.subtractByKey(b, 3).collect())).isEqualTo(expected);
        assertThat(strings(a.subtractByKey(b, new HashPartitioner(2)).collect())).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void sortByKeyOverloadsAndRepartitionAndSortWithinPartitions(long seed) {
        List<Pair<Integer, Integer>> rows = keyed(seed).stream().filter(p -> p.key() != null).toList();
        PairDataset<Integer, Integer> ds = pairs(rows, partitions(seed));
        List<Integer> ascending = rows.stream().map(Pair::key).sorted().toList();
        List<Integer> descending = rows.stream().map(Pair::key).sorted(Comparator.reverseOrder()).toList();
        SerializableComparator<Integer> reverse = (x, y) -> Integer.compare(y, x);

        assertThat(ds.sortByKey().keys().collect()).isEqualTo(ascending);
        assertThat(ds.sortByKey(false, 3).keys().collect()).isEqualTo(descending);
        assertThat(ds.sortByKey(reverse).keys().collect()).isEqualTo(descending);
        assertThat(ds.sortByKey(reverse, false).keys().collect()).isEqualTo(ascending);
        assertThat(strings(ds.sortByKey().collect())).isEqualTo(strings(rows));

        for (SerializableComparator<Integer> order : List.of(SerializableComparator.<Integer>naturalOrder(),
                reverse)) {
            HashPartitioner byHash = new HashPartitioner(4);
            PairDataset<Integer, Integer> sorted = order == reverse
                    ? ds.repartitionAndSortWithinPartitions(byHash, order)
                    : ds.repartitionAndSortWithinPartitions(byHash);
            assertThat(sorted.partitioner()).contains(byHash);
            List<List<Pair<Integer, Integer>>> parts = sorted.glom().collect();
            for (int i = 0; i < parts.size(); i++) {
                int partition = i;
                List<Integer> keys = parts.get(i).stream().map(Pair::key).toList();
                assertThat(keys).isSortedAccordingTo(order);
                assertThat(keys).allSatisfy(k -> assertThat(byHash.getPartition(k)).isEqualTo(partition));
            }
            assertThat(strings(sorted.collect())).isEqualTo(strings(rows));
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void lookupComputesOnlyTheKeysPartitionWhenThePartitionerIsKnown(long seed) {
        List<Pair<Integer, Integer>> rows = keyed(seed);
        Partitioner byHash = new HashPartitioner(6);
        PairDataset<Integer, Integer> plain = pairs(rows, partitions(seed));
        for (Integer key : new Integer[] {7, null, 12345}) {
            List<Integer> expected = rows.stream().filter(p -> Objects.equals(p.key(), key)).map(Pair::value)
                    .toList();
            assertThat(plain.lookup(key)).isEqualTo(expected);

            LongAccumulator computed = weft.longAccumulator("computed");
            PairDataset<Integer, Integer> partitioned = plain.partitionBy(byHash).mapValues(v -> {
                computed.add(1);
                return v;
            });
            assertThat(partitioned.partitioner()).contains(byHash);
            assertThat(partitioned.lookup(key)).containsExactlyInAnyOrderElementsOf(expected);
            long inKeysPartition = rows.stream()
                    .filter(p -> byHash.getPartition(p.key()) == byHash.getPartition(key)).count();
            assertThat(computed.value()).isEqualTo(inKeysPartition);
        }
    }

    @Test
    void nullKeysGoToPartitionZeroAndKeyOperatorsAcceptThem() {
        assertThat(new HashPartitioner(7).getPartition(null)).isZero();
        List<Pair<Integer, Integer>> rows = keyed(11);
        assertThat(rows).anySatisfy(p -> assertThat(p.key()).isNull());
        PairDataset<Integer, Integer> ds = pairs(rows, 5);
        Map<Integer, Integer> sums = new HashMap<>();
        rows.forEach(p -> sums.merge(p.key(), p.value(), Integer::sum));
        assertThat(ds.reduceByKey(Integer::sum).collectAsMap()).isEqualTo(sums);
        assertThat(ds.groupByKey().collectAsMap().get(null)).containsExactlyInAnyOrderElementsOf(
                groups(rows).get(null));
        Map<Integer, Long> counts = new HashMap<>();
        rows.forEach(p -> counts.merge(p.key(), 1L, Long::sum));
        assertThat(ds.countByKey()).isEqualTo(counts);
        long nullPairs = rows.stream().filter(p -> p.key() == null).count();
        assertThat(ds.join(ds).filter(p -> p.key() == null).count()).isEqualTo(nullPairs * nullPairs);
        assertThat(ds.mapValues(v -> v).partitionBy(new HashPartitioner(3))
                .glom().collect().get(0)).anySatisfy(p -> assertThat(p.key()).isNull());
    }
}
