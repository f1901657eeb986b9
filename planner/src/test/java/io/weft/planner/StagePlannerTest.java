package io.weft.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.HashPartitioner;
import io.weft.api.Pair;
import io.weft.api.lineage.CoGroupedNode;
import io.weft.api.lineage.Iterators;
import io.weft.api.lineage.MapPartitionsNode;
import io.weft.api.lineage.Node;
import io.weft.api.lineage.ParallelizeNode;
import io.weft.api.lineage.ShuffleDependency;
import io.weft.api.lineage.ShuffledNode;
import io.weft.api.lineage.UnionNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class StagePlannerTest {

    private int ids;

    private Node<Integer> source(int partitions) {
        return new ParallelizeNode<>(ids++, "parallelize", List.of(1, 2, 3, 4, 5, 6), partitions);
    }

    private <T> Node<T> mapped(Node<T> parent) {
        return new MapPartitionsNode<T, T>(ids++, "map", parent, (i, it) -> it, false);
    }

    private Node<Pair<Integer, Integer>> keyed(Node<Integer> parent) {
        return new MapPartitionsNode<Integer, Pair<Integer, Integer>>(ids++, "mapToPair", parent,
                (i, it) -> Iterators.map(it, x -> Pair.of(x, x)), false);
    }

    private Node<Pair<Integer, Integer>> shuffled(Node<Pair<Integer, Integer>> parent, int shuffleId, int n) {
        return new ShuffledNode<Integer, Integer, Integer>(ids++, "shuffle", new ShuffleDependency<>(parent, shuffleId,
                new HashPartitioner(n), null, false, null));
    }

    @Test
    void narrowStepsArePipelinedIntoOneStage() {
        Node<Integer> chain = mapped(mapped(mapped(source(3))));
        ResultStage stage = new StagePlanner().resultStage(chain, it -> 1, new int[] {0, 1, 2});
        assertThat(stage.parents()).isEmpty();
        assertThat(stage.node()).isSameAs(chain);
    }

    @Test
    void eachShuffleStartsAParentStage() {
        Node<Pair<Integer, Integer>> first = shuffled(keyed(source(3)), 0, 4);
        Node<Pair<Integer, Integer>> second = shuffled(mapped(first), 1, 2);
        StagePlanner planner = new StagePlanner();
        ResultStage result = planner.resultStage(mapped(second), it -> 1, new int[] {0, 1});
        assertThat(result.parents()).hasSize(1);
        ShuffleMapStage secondMap = result.parents().get(0);
        assertThat(secondMap.shuffleId()).isEqualTo(1);
        assertThat(secondMap.numPartitions()).isEqualTo(4);
        assertThat(secondMap.parents()).hasSize(1);
        ShuffleMapStage firstMap = secondMap.parents().get(0);
        assertThat(firstMap.shuffleId()).isEqualTo(0);
        assertThat(firstMap.numPartitions()).isEqualTo(3);
        assertThat(firstMap.parents()).isEmpty();
    }

    @Test
    void aShuffleReadTwiceHasOneMapStageReusedAcrossJobs() {
        Node<Pair<Integer, Integer>> shared = shuffled(keyed(source(2)), 0, 2);
        Node<Pair<Integer, Integer>> diamond = new UnionNode<>(ids++, "union", List.of(mapped(shared), mapped(shared)));
        StagePlanner planner = new StagePlanner();
        ResultStage first = planner.resultStage(diamond, it -> 1, new int[] {0});
        assertThat(first.parents()).hasSize(1);
        ResultStage second = planner.resultStage(mapped(shared), it -> 1, new int[] {0});
        assertThat(second.parents().get(0)).isSameAs(first.parents().get(0));
    }

    @Test
    void coPartitionedInputsAreReadNarrowly() {
        HashPartitioner partitioner = new HashPartitioner(4);
        Node<Pair<Integer, Integer>> a = shuffled(keyed(source(2)), 0, 4);
        Node<Pair<Integer, Integer>> b = keyed(source(3));
        CoGroupedNode<Integer> grouped = new CoGroupedNode<>(ids++, "cogroup", List.of(a, b), partitioner, 1);
        List<ShuffleDependency<?, ?, ?>> shuffles = StagePlanner.directShuffles(grouped);
        // a already uses the partitioner: its own shuffle (0) is read, no new one; b needs shuffle 1.
        assertThat(shuffles).extracting(ShuffleDependency::shuffleId).containsExactlyInAnyOrder(0, 1);
        assertThat(CoGroupedNode.shufflesNeeded(List.of(a, b), partitioner)).isEqualTo(1);
        assertThat(CoGroupedNode.shufflesNeeded(List.of(a, a), partitioner)).isZero();
    }
}
