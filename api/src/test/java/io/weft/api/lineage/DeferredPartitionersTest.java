package io.weft.api.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.HashPartitioner;
import io.weft.api.Pair;
import io.weft.api.Partitioner;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Deferred shuffle partitioners: chosen once, the farthest first, and never sent unchosen unnoticed. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DeferredPartitionersTest {

    private final List<String> chosen = new ArrayList<>();

    private Supplier<Partitioner> choice(String name, int partitions) {
        return () -> {
            chosen.add(name);
            return new HashPartitioner(partitions);
        };
    }

    @Test
    void aChainOfDeferredShufflesIsChosenFarthestFirstAndOnce() {
        Node<Pair<Integer, Integer>> input = new ParallelizeNode<>(1, "input",
                List.of(Pair.of(1, 1), Pair.of(2, 2)), 2);
        ShuffleDependency<Integer, Integer, Integer> first = ShuffleDependency.deferred(input, 0,
                choice("first", 3), null);
        ShuffledNode<Integer, Integer, Integer> firstNode = new ShuffledNode<>(2, "first", first);
        ShuffleDependency<Integer, Integer, Integer> second = ShuffleDependency.deferred(firstNode, 1,
                choice("second", 5), null);
        ShuffledNode<Integer, Integer, Integer> secondNode = new ShuffledNode<>(3, "second", second);
        assertThat(first.partitionerChosen()).isFalse();

        assertThat(DeferredPartitioners.chooseAll(secondNode)).isEqualTo(2);
        assertThat(chosen).containsExactly("first", "second");
        assertThat(secondNode.numPartitions()).isEqualTo(5);
        assertThat(firstNode.numPartitions()).isEqualTo(3);

        assertThat(DeferredPartitioners.chooseAll(secondNode)).isZero();
        assertThat(chosen).as("each chosen once").hasSize(2);
    }

    @Test
    void aPartitionerGivenAtConstructionIsChosenAlready() {
        Node<Pair<Integer, Integer>> input = new ParallelizeNode<>(1, "input", List.of(Pair.of(1, 1)), 1);
        ShuffleDependency<Integer, Integer, Integer> dep = new ShuffleDependency<>(input, 0, new HashPartitioner(2),
                null, false, null);
        assertThat(dep.partitionerChosen()).isTrue();
        assertThat(DeferredPartitioners.chooseAll(new ShuffledNode<>(2, "s", dep))).isZero();
        assertThatThrownBy(() -> new ShuffleDependency<>(input, 0, null, null, false, null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void anUnchosenPartitionerThatLeftTheDriverFailsWithAClearErrorAndAChosenOneTravels() throws Exception {
        Node<Pair<Integer, Integer>> input = new ParallelizeNode<>(1, "input", List.of(Pair.of(1, 1)), 1);
        ShuffleDependency<Integer, Integer, Integer> unchosen = ShuffleDependency.deferred(input, 7,
                choice("x", 2), null);
        ShuffleDependency<?, ?, ?> copy = roundTrip(unchosen);
        assertThat(copy.partitionerChosen()).isFalse();
        assertThatThrownBy(copy::partitioner).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Shuffle 7's partitioner was not chosen on the driver");
        assertThat(chosen).as("the copy cannot run the driver's choice").isEmpty();

        unchosen.partitioner();
        assertThat(roundTrip(unchosen).partitioner()).isEqualTo(new HashPartitioner(2));
    }

    private static ShuffleDependency<?, ?, ?> roundTrip(ShuffleDependency<?, ?, ?> dep) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(dep);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (ShuffleDependency<?, ?, ?>) in.readObject();
        }
    }
}
