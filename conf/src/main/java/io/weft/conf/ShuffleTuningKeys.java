package io.weft.conf;

import java.util.List;

/**
 * Tuning of what map tasks do before their shuffle write. A {@link ConfigKeySet} of its own (listed in
 * {@code META-INF/services}), beside {@link ConfigKeys}' storage keys.
 */
public final class ShuffleTuningKeys implements ConfigKeySet {

    /** When map tasks stop combining before the shuffle. */
    public static final ConfigKey<Double> MAP_SIDE_COMBINE_UNIQUE_RATIO = new ConfigKey<>(
            "weft.shuffle.mapSideCombine.uniqueRatio", "0.8", "a number in (0, 1]", s -> {
                double v = Double.parseDouble(s);
                if (!(v > 0 && v <= 1)) {
                    throw new IllegalArgumentException("out of range");
                }
                return v;
            }, "A map task of reduceByKey, aggregateByKey, foldByKey or combineByKey combines its first 100,000"
                    + " records by key; if more than this fraction of them had distinct keys, it stops combining"
                    + " and passes every further record on (the reduce side combines them), since combining"
                    + " nearly distinct keys costs a hash-map insert per record and saves little shuffle. 1: always"
                    + " combine (Spark's behaviour).");

    /** All keys of this set. */
    public static final List<ConfigKey<?>> ALL = List.of(MAP_SIDE_COMBINE_UNIQUE_RATIO);

    @Override
    public List<ConfigKey<?>> keys() {
        return ALL;
    }
}
