package io.weft.runtime.spill;

import com.esotericsoftware.kryo.Kryo;
import io.weft.api.Pair;
import io.weft.api.lineage.Aggregator;
import io.weft.api.lineage.Iterators;
import io.weft.runtime.serial.KryoPool;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Map-side combining that steps aside when keys do not repeat. Combining before a shuffle pays when a map task's
 * keys repeat; with mostly distinct keys it costs a hash-map insert per record (a cache miss or two each once the
 * map is large) and saves almost nothing, while the reduce side combines anyway. So the first
 * {@value #PROBE_RECORDS} records are combined in a probe map; if more than a given fraction of them had
 * distinct keys ({@code weft.shuffle.mapSideCombine.uniqueRatio}, 0.8), the task writes the probe's combiners and then each further record as a combiner of its own
 * (partial aggregation off, as Trino's adaptive partial aggregation does with the same defaults); otherwise it
 * combines everything within its memory budget as before, starting from the probe's map. A probe that outgrows
 * half the memory budget, or an input that ends within the probe, decides early: combine.
 *
 * <p>The cost of a wrong guess is bounded: a task whose keys repeat only later in its input (say a million keys
 * each seen ten times, in no order) shuffles up to ten times the records it would have after combining, and
 * the reduce side combines them. One task's thread.
 */
public final class MapSideCombine {

    /** Records looked at before deciding. */
    static final int PROBE_RECORDS = 100_000;
    private MapSideCombine() {
    }

    /**
     * @param records the map task's records
     * @param aggregator the shuffle's aggregator
     * @param uniqueRatio distinct keys per probed record above which the task stops combining; 1: never stops
     * @param budget the task's memory budget
     * @param kryoPool for sampling the probe's size
     * @param newAggregator makes the task's external aggregator (values, not combiners, as input), which combines
     *     everything within the budget when combining pays; it takes over the probe's map, so the probed records
     *     are combined once
     * @param <K> key type
     * @param <V> value type
     * @param <C> combiner type
     * @return combiners to write: one per key when combining pays, else about one per record
     */
    public static <K, V, C> Iterator<Pair<K, C>> combine(Iterator<? extends Pair<K, ?>> records,
            Aggregator<V, C> aggregator, double uniqueRatio, MemoryBudget budget, KryoPool kryoPool,
            Supplier<ExternalAggregator<K, V, C>> newAggregator) {
        CombineMap<K, C> probe = new CombineMap<>();
        SizeEstimator estimator = new SizeEstimator();
        long limit = budget.bytes() / 2;
        boolean tooBig = false;
        int probed = 0;
        Kryo kryo = kryoPool.borrow();
        try {
            RecordBatch batch = new RecordBatch();
            while (probed < PROBE_RECORDS
                    && batch.fill(records, Math.min(CombineMap.BATCH, PROBE_RECORDS - probed))) {
                probed += batch.size;
                probe.combineBatch(batch, aggregator, false);
                batch.sample(estimator, kryo);
                if (estimator.estimate(probe.size()) > limit) {
                    tooBig = true;
                    break;
                }
            }
        } finally {
            kryoPool.release(kryo);
        }
        if (!tooBig && !records.hasNext()) {
            return probe.iterator(); // the whole input, combined
        }
        if (tooBig || probe.size() <= uniqueRatio * probed) {
            return newAggregator.get().aggregate(probe, records);
        }
        Function<V, C> create = aggregator.createCombiner();
        @SuppressWarnings("unchecked")
        Iterator<Pair<K, C>> rest = Iterators.map((Iterator<Pair<K, V>>) records,
                r -> new Pair<>(r.key(), create.apply(r.value())));
        return Iterators.concat(List.of(probe.iterator(), rest).iterator());
    }
}
