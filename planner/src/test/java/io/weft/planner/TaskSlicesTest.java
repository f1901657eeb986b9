package io.weft.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.lineage.CartesianNode;
import io.weft.api.lineage.CheckpointedPartitions;
import io.weft.api.lineage.CoalescedNode;
import io.weft.api.lineage.Iterators;
import io.weft.api.lineage.MapPartitionsNode;
import io.weft.api.lineage.Node;
import io.weft.api.lineage.ParallelizeNode;
import io.weft.api.lineage.TaskContext;
import io.weft.api.lineage.UnionNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which parallelized slices a task carries: those its partition reads through narrow dependencies, no others. */
@Timeout(30)
class TaskSlicesTest {

    private final TestLineage lineage = new TestLineage();

    @Test
    void aMappedParallelizeCarriesOnlyItsOwnSlice() {
        Node<Integer> source = lineage.source(4);
        Node<Integer> mapped = new MapPartitionsNode<Integer, Integer>(10, "map", source,
                (i, it) -> Iterators.map(it, x -> x * 2), false);
        assertThat(TaskSlices.readsSlices(mapped)).isTrue();
        assertThat(TaskSlices.of(mapped, 2)).containsExactly(Map.entry(TaskSlices.key(source.id(), 2), List.of(5, 6)));
    }

    @Test
    void unionCoalesceAndCartesianCarryEverySliceTheyRead() {
        ParallelizeNode<Integer> a = new ParallelizeNode<>(1, "a", List.of(1, 2, 3, 4), 2);
        ParallelizeNode<Integer> b = new ParallelizeNode<>(2, "b", List.of(10, 20, 30), 3);
        Node<Integer> union = new UnionNode<>(3, "union", List.of(a, b));
        assertThat(TaskSlices.of(union, 1)).containsExactly(Map.entry(TaskSlices.key(1, 1), List.of(3, 4)));
        assertThat(TaskSlices.of(union, 3)).containsExactly(Map.entry(TaskSlices.key(2, 1), List.of(20)));

        Node<Integer> coalesced = new CoalescedNode<>(4, "coalesce", union, 1);
        assertThat(TaskSlices.of(coalesced, 0)).containsOnlyKeys(TaskSlices.key(1, 0), TaskSlices.key(1, 1),
                TaskSlices.key(2, 0), TaskSlices.key(2, 1), TaskSlices.key(2, 2));

        Node<?> cartesian = new CartesianNode<>(5, "cartesian", a, b);
        assertThat(TaskSlices.of(cartesian, 5)).containsOnly(Map.entry(TaskSlices.key(1, 1), List.of(3, 4)),
                Map.entry(TaskSlices.key(2, 2), List.of(30)));
        Node<?> self = new CartesianNode<>(6, "self", a, a);
        assertThat(TaskSlices.of(self, 1)).containsOnlyKeys(TaskSlices.key(1, 0), TaskSlices.key(1, 1));
    }

    @Test
    void shuffleInputsAndCheckpointedNodesCarryNoSlices() {
        Node<?> reduced = lineage.shuffled(4, 2);
        assertThat(TaskSlices.readsSlices(reduced)).isFalse();
        assertThat(TaskSlices.of(reduced, 0)).isEmpty();

        ParallelizeNode<Integer> source = new ParallelizeNode<>(7, "p", List.of(1, 2), 2);
        source.checkpointWritten(new ReadNothing<>());
        assertThat(TaskSlices.readsSlices(source)).isFalse();
        assertThat(TaskSlices.of(source, 1)).isEmpty();
    }

    @Test
    void keysOfDifferentNodesAndPartitionsDiffer() {
        assertThat(TaskSlices.key(1, 2)).isNotEqualTo(TaskSlices.key(2, 1));
        assertThat(TaskSlices.key(0, Integer.MAX_VALUE)).isNotEqualTo(TaskSlices.key(1, -1));
    }

    /** A checkpoint that was written; its contents do not matter here. */
    private static final class ReadNothing<T> implements CheckpointedPartitions<T> {
        private static final long serialVersionUID = 1L;

        @Override
        public Iterator<T> read(Node<T> node, int partition, TaskContext context) {
            return java.util.Collections.emptyIterator();
        }

        @Override
        public String location() {
            return "nowhere";
        }
    }
}
