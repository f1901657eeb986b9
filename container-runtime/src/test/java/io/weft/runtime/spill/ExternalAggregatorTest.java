package io.weft.runtime.spill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.Pair;
import io.weft.api.lineage.Aggregator;
import io.weft.runtime.serial.KryoPool;
import java.io.File;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExternalAggregatorTest {

    private static final KryoPool KRYO = new KryoPool(ExternalAggregatorTest.class.getClassLoader());

    /** Unequal instances share hash codes: exercises grouping by {@code equals} within one hash. */
    record Collider(int id) {
        @Override
        public int hashCode() {
            return id % 3;
        }
    }

    enum Color { RED, GREEN, BLUE }

    private static final Aggregator<Integer, Long> SUM = new Aggregator<>(
            v -> (long) v, (c, v) -> c + v, Long::sum);

    private static final Aggregator<Integer, List<Integer>> GROUP = new Aggregator<>(
            v -> new ArrayList<>(List.of(v)),
            (c, v) -> {
                c.add(v);
                return c;
            },
            (a, b) -> {
                a.addAll(b);
                return a;
            });

    @TempDir
    File spillDir;

    private static Object randomKey(Random random, int distinct) {
        int k = random.nextInt(distinct);
        return switch (k % 6) {
            case 0 -> k == 0 ? null : "s" + k;
            case 1 -> (long) k;
            case 2 -> new Collider(k);
            case 3 -> "Aa".repeat(k % 4) + "BB".repeat(3 - k % 4) + k / 6;
            case 4 -> Color.values()[k % 3];
            default -> List.of(k, "x");
        };
    }

    private static <T> List<T> drain(Iterator<T> it) {
        List<T> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    private static Map<Object, Long> toMap(List<Pair<Object, Long>> records) {
        Map<Object, Long> map = new HashMap<>();
        for (Pair<Object, Long> r : records) {
            assertThat(map.put(r.key(), r.value())).as("key %s appears once", r.key()).isNull();
        }
        return map;
    }

    @ParameterizedTest(name = "seed {0}, {1} keys, {2} records, budget {3}")
    @CsvSource({"1, 50, 20000, 2048", "2, 2000, 20000, 2048", "3, 5000, 20000, 16384", "4, 300, 1000, 0",
            "5, 2000, 20000, 67108864", "6, 20000, 20000, 65536", "7, 1000000, 10000, 1024"})
    void sumsMatchAPlainHashMap(long seed, int distinct, int records, long budget) {
        Random random = new Random(seed);
        List<Pair<Object, Integer>> input = new ArrayList<>();
        Map<Object, Long> expected = new HashMap<>();
        for (int i = 0; i < records; i++) {
            Object key = randomKey(random, distinct);
            int value = random.nextInt(1000) - 100;
            input.add(Pair.of(key, value));
            expected.merge(key, (long) value, Long::sum);
        }
        ExternalAggregator<Object, Integer, Long> aggregator = new ExternalAggregator<>(SUM, false,
                new MemoryBudget(budget), spillDir, KRYO);
        List<Pair<Object, Long>> output = drain(aggregator.aggregate(input.iterator()));

        assertThat(toMap(output)).isEqualTo(expected);
        if (budget <= 16384) {
            assertThat(aggregator.spillCount()).isPositive();
        } else if (budget > 1 << 20) {
            assertThat(aggregator.spillCount()).isZero();
        }
        assertThat(spillDir.list()).isEmpty();
        aggregator.close();
    }

    @Test
    void mergesCombinerInputAndListCombiners() {
        Random random = new Random(7);
        List<Pair<Object, List<Integer>>> input = new ArrayList<>();
        Map<Object, List<Integer>> expected = new HashMap<>();
        for (int i = 0; i < 5000; i++) {
            Object key = randomKey(random, 400);
            List<Integer> partial = new ArrayList<>(List.of(i, -i));
            input.add(Pair.of(key, partial));
            expected.computeIfAbsent(key, k -> new ArrayList<>()).addAll(partial);
        }
        ExternalAggregator<Object, Integer, List<Integer>> aggregator = new ExternalAggregator<>(GROUP, true,
                new MemoryBudget(4096), spillDir, KRYO);
        Map<Object, List<Integer>> actual = new HashMap<>();
        aggregator.aggregate(input.iterator()).forEachRemaining(p -> actual.put(p.key(), p.value()));

        assertThat(aggregator.spillCount()).isPositive();
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        for (Map.Entry<Object, List<Integer>> e : expected.entrySet()) {
            List<Integer> values = new ArrayList<>(actual.get(e.getKey()));
            Collections.sort(values);
            Collections.sort(e.getValue());
            assertThat(values).as("key %s", e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(spillDir.list()).isEmpty();
    }

    /** A count kept as a {@code Long} when odd and as a {@code String} when even: the combiner changes type. */
    private static Object countAfter(Object combiner, long add) {
        long n = (combiner instanceof Long l ? l : Long.parseLong(((String) combiner).substring(2))) + add;
        return n % 2 == 0 ? "n=" + n : (Object) n;
    }

    @ParameterizedTest(name = "budget {0}")
    @CsvSource({"0", "1000000000"})
    void combinersThatTurnFromLongIntoOtherTypesAndBack(long budget) {
        Aggregator<Integer, Object> count = new Aggregator<>(v -> 1L, (c, v) -> countAfter(c, 1),
                (a, b) -> countAfter(a, parse(b)));
        Random random = new Random(11);
        List<Pair<Object, Integer>> input = new ArrayList<>();
        Map<Object, Long> expected = new HashMap<>();
        for (int i = 0; i < 30000; i++) {
            Object key = randomKey(random, 3000);
            input.add(Pair.of(key, i));
            expected.merge(key, 1L, Long::sum);
        }
        ExternalAggregator<Object, Integer, Object> aggregator = new ExternalAggregator<>(count, false,
                new MemoryBudget(budget), spillDir, KRYO);
        Map<Object, Object> actual = new HashMap<>();
        aggregator.aggregate(input.iterator()).forEachRemaining(p -> actual.put(p.key(), p.value()));

        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        for (Map.Entry<Object, Long> e : expected.entrySet()) {
            long n = e.getValue();
            assertThat(actual.get(e.getKey())).as("key %s", e.getKey()).isEqualTo(n % 2 == 0 ? "n=" + n : n);
        }
        assertThat(aggregator.spillCount() > 0).isEqualTo(budget == 0);
    }

    private static long parse(Object combiner) {
        return combiner instanceof Long l ? l : Long.parseLong(((String) combiner).substring(2));
    }

    @Test
    void aReusedMutableValueIsCombinedBeforeTheInputMovesOn() {
        // Like a Hadoop reader: one value object for every record, refilled by hasNext() before next() returns it.
        long[] reused = new long[1];
        Random random = new Random(3);
        long[] values = random.longs(20_000, 0, 1000).toArray();
        Iterator<Pair<String, long[]>> input = new Iterator<>() {
            int read;
            boolean ready;

            @Override
            public boolean hasNext() {
                if (!ready && read < values.length) {
                    reused[0] = values[read++];
                    ready = true;
                }
                return ready;
            }

            @Override
            public Pair<String, long[]> next() {
                hasNext();
                ready = false;
                return Pair.of("k" + (read % 97), reused);
            }
        };
        Map<String, Long> expected = new HashMap<>();
        for (int i = 0; i < values.length; i++) {
            expected.merge("k" + ((i + 1) % 97), values[i], Long::sum);
        }
        Aggregator<long[], Long> sumOfHolders = new Aggregator<>(v -> v[0], (c, v) -> c + v[0], Long::sum);
        try (ExternalAggregator<String, long[], Long> aggregator = new ExternalAggregator<>(sumOfHolders, false,
                new MemoryBudget(1 << 20), spillDir, KRYO)) {
            Map<String, Long> actual = new HashMap<>();
            aggregator.aggregate(input).forEachRemaining(p -> actual.put(p.key(), p.value()));
            assertThat(actual).isEqualTo(expected);
        }
    }

    @Test
    void nullKeysAndNullValues() {
        Aggregator<String, Integer> count = new Aggregator<>(v -> v == null ? 100 : 1, (c, v) -> c + 1,
                Integer::sum);
        List<Pair<String, String>> input = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            input.add(Pair.of(i % 2 == 0 ? null : "k" + (i % 7), i % 3 == 0 ? null : "v"));
        }
        ExternalAggregator<String, String, Integer> aggregator = new ExternalAggregator<>(count, false,
                new MemoryBudget(200), spillDir, KRYO);
        Map<String, Integer> actual = new HashMap<>();
        aggregator.aggregate(input.iterator()).forEachRemaining(p -> actual.put(p.key(), p.value()));
        assertThat(aggregator.spillCount()).isPositive();
        assertThat(actual).hasSize(8);
        assertThat(actual.values().stream().mapToInt(Integer::intValue).sum()).isGreaterThanOrEqualTo(3000);
        // Every record counts once, except a key's first record in each spill, which counts 1 or 100.
        Map<String, Integer> records = new HashMap<>();
        input.forEach(p -> records.merge(p.key(), 1, Integer::sum));
        assertThat(actual.keySet()).isEqualTo(records.keySet());
        assertThat(spillDir.list()).isEmpty();
    }

    @Test
    void closeDeletesSpillsOfAnAbandonedOutput() {
        List<Pair<Integer, Integer>> input = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            input.add(Pair.of(i, i));
        }
        ExternalAggregator<Integer, Integer, Long> aggregator = new ExternalAggregator<>(SUM, false,
                new MemoryBudget(2048), spillDir, KRYO);
        Iterator<Pair<Integer, Long>> output = aggregator.aggregate(input.iterator());
        assertThat(output.next()).isNotNull();
        assertThat(aggregator.spillCount()).isPositive();
        assertThat(spillDir.list()).isNotEmpty();
        aggregator.close();
        aggregator.close();
        assertThat(spillDir.list()).isEmpty();
        assertThat(output.hasNext()).isFalse();
    }

    @Test
    void failingInputDeletesSpillsAndAggregatesOnlyOnce() {
        Iterator<Pair<Integer, Integer>> failing = new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Pair<Integer, Integer> next() {
                if (++i > 3000) {
                    throw new IllegalStateException("boom");
                }
                return Pair.of(i, i);
            }
        };
        ExternalAggregator<Integer, Integer, Long> aggregator = new ExternalAggregator<>(SUM, false,
                new MemoryBudget(1024), spillDir, KRYO);
        assertThatThrownBy(() -> aggregator.aggregate(failing)).hasMessage("boom");
        assertThat(aggregator.spillCount()).isPositive();
        assertThat(spillDir.list()).isEmpty();
        assertThatThrownBy(() -> aggregator.aggregate(List.<Pair<Integer, Integer>>of().iterator()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void emptyInput() {
        ExternalAggregator<Integer, Integer, Long> aggregator = new ExternalAggregator<>(SUM, false,
                new MemoryBudget(0), spillDir, KRYO);
        assertThat(aggregator.aggregate(List.<Pair<Integer, Integer>>of().iterator()).hasNext()).isFalse();
    }
}
