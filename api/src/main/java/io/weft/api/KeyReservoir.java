package io.weft.api;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A uniform sample of a partition's keys, of at most a fixed size, for {@code sortByKey}'s range bounds. It
 * reservoir-samples with Li's "Algorithm L": once the reservoir is full it draws how many records to skip before
 * the next replacement, so a record that is skipped costs a counter increment instead of a random number (the
 * partition is read to its end either way, to count it). Runs in a task, on its thread.
 */
final class KeyReservoir {

    private KeyReservoir() {
    }

    /**
     * @param records the partition's records; read to the end
     * @param size the most keys to keep
     * @param seed the random seed (the partition number, so that a rerun samples the same keys)
     * @param <K> key type
     * @return the record count and the sampled keys
     */
    static <K> Sample<K> sample(Iterator<? extends Pair<K, ?>> records, int size, long seed) {
        List<K> reservoir = new ArrayList<>(size);
        long seen = 0;
        while (seen < size && records.hasNext()) {
            reservoir.add(records.next().key());
            seen++;
        }
        if (!records.hasNext()) {
            return new Sample<>(seen, reservoir);
        }
        SplittableRandom random = new SplittableRandom(seed);
        double w = Math.exp(Math.log(uniform(random)) / size);
        long next = seen + skip(random, w);
        while (records.hasNext()) {
            Pair<K, ?> record = records.next();
            if (seen == next) {
                reservoir.set(random.nextInt(size), record.key());
                w *= Math.exp(Math.log(uniform(random)) / size);
                next = seen + 1 + skip(random, w);
            }
            seen++;
        }
        return new Sample<>(seen, reservoir);
    }

    /** @return the number of records to pass over before the next replacement */
    private static long skip(SplittableRandom random, double w) {
        double skip = Math.floor(Math.log(uniform(random)) / Math.log1p(-w));
        return skip >= Long.MAX_VALUE / 2 || Double.isNaN(skip) ? Long.MAX_VALUE / 2 : (long) skip;
    }

    /** @return a uniform number in (0, 1], never 0, whose logarithm is finite */
    private static double uniform(SplittableRandom random) {
        return 1.0 - random.nextDouble();
    }

    /**
     * A partition's sample for {@code sortByKey}.
     *
     * @param count the partition's record count
     * @param keys the sampled keys
     * @param <K> key type
     */
    record Sample<K>(long count, List<K> keys) {
    }
}
