package io.weft.runtime.spill;

import com.esotericsoftware.kryo.Kryo;
import io.weft.api.Pair;
import io.weft.api.lineage.Aggregator;
import io.weft.runtime.serial.KryoPool;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The build side of a hash join: a partition's records grouped by key in a {@link CombineMap}, if they fit in
 * the task's memory budget. The heap they take is estimated per record ({@link SizeEstimator}: each record's key
 * and value sampled as they arrive), so a side with many values per key is not underestimated. On one task's
 * thread; the table is read-only once built.
 */
public final class HashJoinTable {

    private static final Aggregator<Object, ArrayList<Object>> LISTS = new Aggregator<>(
            v -> {
                ArrayList<Object> values = new ArrayList<>(1);
                values.add(v);
                return values;
            },
            (values, v) -> {
                values.add(v);
                return values;
            },
            (a, b) -> {
                a.addAll(b);
                return a;
            });

    private HashJoinTable() {
    }

    /**
     * Reads all the records into a table, or stops at the first sign that they do not fit.
     *
     * @param records the build side's records; consumed, wholly when they fit, partly when not
     * @param budget the task's memory budget
     * @param kryoPool for sampling the records' sizes
     * @param <K> key type
     * @param <V> value type
     * @return a lookup from key to its values in input order ({@code null} for an absent key), or empty when the
     *     records did not fit
     */
    @SuppressWarnings("unchecked")
    public static <K, V> Optional<Function<K, List<V>>> build(Iterator<? extends Pair<K, V>> records,
            MemoryBudget budget, KryoPool kryoPool) {
        CombineMap<K, ArrayList<Object>> map = new CombineMap<>();
        SizeEstimator estimator = new SizeEstimator();
        long limit = budget.bytes();
        Kryo kryo = kryoPool.borrow();
        try {
            long count = 0;
            while (records.hasNext()) {
                Pair<K, V> record = records.next();
                map.combine(record.key(), record.value(), LISTS, false);
                estimator.update(kryo, record.key(), record.value());
                if (estimator.estimate(++count) > limit) {
                    return Optional.empty();
                }
            }
        } finally {
            kryoPool.release(kryo);
        }
        return Optional.of(key -> (List<V>) (List<?>) map.get(key));
    }
}
