package io.weft.api;

import io.weft.api.lineage.Iterators;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** {@code treeAggregate} and {@code treeReduce}: partial results merged level by level on the executors. */
final class TreeAggregation {

    private TreeAggregation() {
    }

    /** Folds one partition from a task-local copy of {@code zero}. Called on a task thread. */
    static <T, U> U foldPartition(Iterator<T> it, U zero, SerializableBiFunction<U, T, U> seqOp) {
        U acc = DatasetActions.copyInTask(zero);
        while (it.hasNext()) {
            acc = seqOp.apply(acc, it.next());
        }
        return acc;
    }

    /**
     * Aggregates each partition, then, while there are more partial results than a level should hold, merges
     * them into {@code 1/scale} as many partitions through a shuffle keyed by partition index modulo the new
     * count; the last level's results are merged on the driver. {@code scale} is the depth-th root of the
     * partition count, at least 2.
     */
    static <T, U> U treeAggregate(Dataset<T> ds, U zero, SerializableBiFunction<U, T, U> seqOp,
            SerializableBinaryOperator<U> combOp, int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("treeAggregate/treeReduce depth must be at least 1, got " + depth);
        }
        if (ds.numPartitions() == 0) {
            return zero;
        }
        Dataset<U> partial = ds.mapPartitions(it -> List.of(foldPartition(it, zero, seqOp)).iterator());
        int numPartitions = partial.numPartitions();
        int scale = Math.max((int) Math.ceil(Math.pow(numPartitions, 1.0 / depth)), 2);
        while (numPartitions > scale + (int) Math.ceil((double) numPartitions / scale)) {
            numPartitions /= scale;
            int current = numPartitions;
            Dataset<Pair<Integer, U>> keyed = partial.mapPartitionsWithIndex(
                    (index, it) -> Iterators.map(it, u -> new Pair<>(index % current, u)));
            partial = new PairDataset<>(ds.session, keyed.node).reduceByKey(combOp, new HashPartitioner(current))
                    .values();
        }
        return mergeOnDriver(partial.collect(), zero, combOp);
    }

    /**
     * Merges the partitions' results, which are the driver's own deserialized copies, leaving {@code zero}
     * untouched: it is returned only when there are no results.
     */
    static <U> U mergeOnDriver(List<U> partials, U zero, SerializableBinaryOperator<U> combOp) {
        if (partials.isEmpty()) {
            return zero;
        }
        U result = partials.get(0);
        for (int i = 1; i < partials.size(); i++) {
            result = combOp.apply(result, partials.get(i));
        }
        return result;
    }

    /** A reduce as a tree aggregation whose accumulator is an empty or one-element list. */
    static <T> T treeReduce(Dataset<T> ds, SerializableBinaryOperator<T> f, int depth) {
        ArrayList<T> result = treeAggregate(ds, new ArrayList<T>(1), (acc, x) -> {
            if (acc.isEmpty()) {
                acc.add(x);
            } else {
                acc.set(0, f.apply(acc.get(0), x));
            }
            return acc;
        }, (a, b) -> {
            if (a.isEmpty()) {
                return b;
            }
            if (!b.isEmpty()) {
                a.set(0, f.apply(a.get(0), b.get(0)));
            }
            return a;
        }, depth);
        if (result.isEmpty()) {
            throw new UnsupportedOperationException("treeReduce() on an empty dataset; use treeAggregate() with a"
                    + " zero value");
        }
        return result.get(0);
    }
}
