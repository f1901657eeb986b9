package io.weft.driver.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.Accumulator;
import io.weft.api.ClosureSerializationException;
import io.weft.api.CollectionAccumulator;
import io.weft.api.DoubleAccumulator;
import io.weft.api.LongAccumulator;
import io.weft.api.Pair;
import io.weft.api.WeftSession;
import io.weft.api.lineage.TaskContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Double, collection and user-defined accumulators in local mode, with retried tasks. */
class AccumulatorsTest {

    private static WeftSession weft;

    @BeforeAll
    static void start() {
        weft = WeftSession.builder().appName("accumulators").master("local[2]")
                .config("weft.task.maxFailures", "3").getOrCreate();
    }

    @AfterAll
    static void stop() {
        weft.close();
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    /** Counts occurrences per key: a user-defined accumulator whose value is a map. */
    static final class HistogramAccumulator extends Accumulator<String, Map<String, Long>> {
        private HashMap<String, Long> counts = new HashMap<>();

        @Override
        public boolean isZero() {
            return counts.isEmpty();
        }

        @Override
        public HistogramAccumulator copy() {
            HistogramAccumulator copy = new HistogramAccumulator();
            copy.counts = new HashMap<>(counts);
            return copy;
        }

        @Override
        public void reset() {
            counts = new HashMap<>();
        }

        @Override
        public void add(String key) {
            counts.merge(key, 1L, Long::sum);
        }

        @Override
        public void merge(Accumulator<String, Map<String, Long>> other) {
            ((HistogramAccumulator) other).counts.forEach((k, v) -> counts.merge(k, v, Long::sum));
        }

        @Override
        public Map<String, Long> value() {
            return new TreeMap<>(counts);
        }
    }

    @Test
    void retriedTasksCountOnceForEveryKind() {
        DoubleAccumulator total = weft.doubleAccumulator("total");
        CollectionAccumulator<Integer> seen = weft.collectionAccumulator("seen");
        HistogramAccumulator parity = new HistogramAccumulator();
        weft.register(parity, "parity");
        LongAccumulator count = weft.longAccumulator("count");
        weft.parallelize(range(100), 6).foreach(x -> {
            total.add(x * 0.5);
            seen.add(x);
            parity.add(x % 2 == 0 ? "even" : "odd");
            count.add(1);
            // The last partition's first attempt fails after adding all its records: those must not count.
            if (TaskContext.current().attemptNumber() == 0 && x == 99) {
                throw new IllegalStateException("flaky");
            }
        });
        assertThat(total.value()).isEqualTo(range(100).stream().mapToDouble(x -> x * 0.5).sum());
        assertThat(total.count()).isEqualTo(100);
        assertThat(seen.value()).containsExactlyInAnyOrderElementsOf(range(100));
        assertThat(parity.value()).isEqualTo(Map.of("even", 50L, "odd", 50L));
        assertThat(count.value()).isEqualTo(100L);
        assertThat(count.avg()).isEqualTo(1.0);
        assertThat(parity.isAtDriverSide()).isTrue();
        assertThat(parity.name()).isEqualTo("parity");
    }

    @Test
    void updatesInAMapStageCountOncePerPartition() {
        HistogramAccumulator keys = new HistogramAccumulator();
        weft.register(keys, "keys");
        List<String> words = IntStream.range(0, 300).mapToObj(i -> "w" + (i % 7 == 0 ? 0 : i % 5)).toList();
        Map<String, Long> counts = weft.parallelize(words, 4).mapToPair(w -> {
            keys.add(w);
            return Pair.of(w, 1L);
        }).reduceByKey(Long::sum, 3).collectAsMap();
        Map<String, Long> expected = words.stream().collect(Collectors.groupingBy(w -> w, TreeMap::new,
                Collectors.counting()));
        assertThat(new TreeMap<>(counts)).isEqualTo(expected);
        assertThat(keys.value()).isEqualTo(expected);
    }

    @Test
    void emptyPartitionsAndTheDriverSideAdd() {
        DoubleAccumulator total = weft.doubleAccumulator("sparse");
        total.add(1.5);
        weft.parallelize(List.of(1, 2), 5).foreach(x -> total.add(x));
        assertThat(total.value()).isEqualTo(4.5);
        assertThat(total.count()).isEqualTo(3);
    }

    @Test
    void anUnregisteredAccumulatorIsRefusedWhenTheFunctionIsDefined() {
        HistogramAccumulator unregistered = new HistogramAccumulator();
        assertThatThrownBy(() -> weft.parallelize(range(3), 1).foreach(x -> unregistered.add("x")))
                .isInstanceOf(ClosureSerializationException.class)
                .hasStackTraceContaining("WeftSession.register");
        weft.register(unregistered, "late");
        assertThatThrownBy(() -> weft.register(unregistered, "again")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already registered");
    }
}
