package io.weft.runtime.spill;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.Pair;
import io.weft.api.lineage.Aggregator;
import io.weft.runtime.serial.KryoPool;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Map-side combining on, or off when the first records' keys barely repeat; the sums come out the same. */
@Timeout(60)
class MapSideCombineTest {

    private static final KryoPool KRYO = new KryoPool(MapSideCombineTest.class.getClassLoader());
    private static final Aggregator<Long, Long> SUM = new Aggregator<>(v -> v, Long::sum, Long::sum);
    private static final MemoryBudget ROOMY = new MemoryBudget(256L << 20);

    private final AtomicInteger fullCombines = new AtomicInteger();

    private List<Pair<Long, Long>> run(List<Pair<Long, Long>> in, MemoryBudget budget) {
        return run(in, budget, 0.8);
    }

    private List<Pair<Long, Long>> run(List<Pair<Long, Long>> in, MemoryBudget budget, double uniqueRatio) {
        return run(in, budget, uniqueRatio, ROOMY);
    }

    private List<Pair<Long, Long>> run(List<Pair<Long, Long>> in, MemoryBudget budget, double uniqueRatio,
            MemoryBudget aggregatorBudget) {
        List<ExternalAggregator<Long, Long, Long>> made = new ArrayList<>();
        Supplier<ExternalAggregator<Long, Long, Long>> combineAll = () -> {
            fullCombines.incrementAndGet();
            made.add(new ExternalAggregator<>(SUM, false, aggregatorBudget,
                    new java.io.File(System.getProperty("java.io.tmpdir")), KRYO));
            return made.get(made.size() - 1);
        };
        List<Pair<Long, Long>> out = new ArrayList<>();
        MapSideCombine.combine(in.iterator(), SUM, uniqueRatio, budget, KRYO, combineAll).forEachRemaining(out::add);
        spills = made.stream().mapToInt(ExternalAggregator::spillCount).sum();
        made.forEach(ExternalAggregator::close);
        return out;
    }

    private int spills;

    private static Map<Long, Long> sums(List<Pair<Long, Long>> records) {
        Map<Long, Long> sums = new HashMap<>();
        records.forEach(p -> sums.merge(p.key(), p.value(), Long::sum));
        return sums;
    }

    private static List<Pair<Long, Long>> records(int n, long keys) {
        List<Pair<Long, Long>> in = new ArrayList<>(n);
        java.util.SplittableRandom random = new java.util.SplittableRandom(n);
        for (int i = 0; i < n; i++) {
            in.add(Pair.of(random.nextLong(keys), (long) i));
        }
        return in;
    }

    @Test
    void repeatedKeysAreCombinedToOneRecordPerKey() {
        List<Pair<Long, Long>> in = records(300_000, 1_000);
        List<Pair<Long, Long>> out = run(in, ROOMY);
        assertThat(fullCombines).hasValue(1);
        assertThat(out).hasSize(1_000);
        assertThat(sums(out)).isEqualTo(sums(in));
    }

    @Test
    void mostlyDistinctKeysStopCombiningAfterTheProbeAndGiveTheSameSums() {
        List<Pair<Long, Long>> in = records(300_000, 100_000_000L);
        List<Pair<Long, Long>> out = run(in, ROOMY);
        assertThat(fullCombines).hasValue(0);
        // The probe's records combined (a few collide), every later record passed on as its own combiner.
        assertThat(out.size()).isGreaterThan(299_000).isLessThanOrEqualTo(300_000);
        assertThat(sums(out)).isEqualTo(sums(in));
    }

    @Test
    void anInputThatEndsWithinTheProbeIsCombinedInIt() {
        List<Pair<Long, Long>> in = records(5_000, 100_000_000L);
        List<Pair<Long, Long>> out = run(in, ROOMY);
        assertThat(fullCombines).hasValue(0);
        assertThat(sums(out)).isEqualTo(sums(in));
        assertThat(out).hasSameSizeAs(sums(in).entrySet());
    }

    @Test
    void aProbeThatOutgrowsHalfTheBudgetCombinesEverythingWithinTheBudget() {
        List<Pair<Long, Long>> in = records(300_000, 100_000_000L);
        List<Pair<Long, Long>> out = run(in, new MemoryBudget(64 << 10));
        assertThat(fullCombines).hasValue(1);
        assertThat(sums(out)).isEqualTo(sums(in));
    }

    @Test
    void theProbesCombinersAreSpilledAndMergedWithTheRestWhenTheAggregatorRunsOutOfMemory() {
        List<Pair<Long, Long>> in = records(300_000, 50_000);
        List<Pair<Long, Long>> out = run(in, ROOMY, 1.0, new MemoryBudget(256 << 10));
        assertThat(fullCombines).hasValue(1);
        assertThat(spills).isPositive();
        assertThat(out).hasSameSizeAs(sums(in).entrySet());
        assertThat(sums(out)).isEqualTo(sums(in));
    }

    @Test
    void aRatioOfOneAlwaysCombines() {
        List<Pair<Long, Long>> in = records(300_000, 100_000_000L);
        List<Pair<Long, Long>> out = run(in, ROOMY, 1.0);
        assertThat(fullCombines).hasValue(1);
        assertThat(out).hasSameSizeAs(sums(in).entrySet());
        assertThat(sums(out)).isEqualTo(sums(in));
    }
}
