package io.weft.planner;

import io.weft.api.HashPartitioner;
import io.weft.api.Pair;
import io.weft.api.lineage.Iterators;
import io.weft.api.lineage.MapPartitionsNode;
import io.weft.api.lineage.Node;
import io.weft.api.lineage.ParallelizeNode;
import io.weft.api.lineage.ShuffleDependency;
import io.weft.api.lineage.ShuffledNode;
import java.util.List;

/** Small lineages for scheduler tests, with node ids from a counter (as an engine gives them). */
final class TestLineage {

    private int ids;

    /** Starts ids from 0 again, as a new driver attempt running the same program does. */
    void reset() {
        ids = 0;
    }

    /** @return eight integers in {@code partitions} partitions */
    Node<Integer> source(int partitions) {
        return new ParallelizeNode<>(ids++, "parallelize", List.of(1, 2, 3, 4, 5, 6, 7, 8), partitions);
    }

    /** @return the source keyed by itself, shuffled into {@code reducePartitions} partitions */
    Node<Pair<Integer, Integer>> shuffled(int mapPartitions, int reducePartitions) {
        Node<Pair<Integer, Integer>> keyed = new MapPartitionsNode<Integer, Pair<Integer, Integer>>(ids++, "keyed",
                source(mapPartitions), (i, it) -> Iterators.map(it, x -> Pair.of(x, x)), false);
        return new ShuffledNode<Integer, Integer, Integer>(ids++, "reduce", new ShuffleDependency<>(keyed, 0,
                new HashPartitioner(reducePartitions), null, false, null));
    }

    /** @return partitions 0 to n - 1 */
    static int[] all(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }
}
