package io.weft.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class RangePartitionerTest {

    private static List<Pair<Integer, Double>> sample(int... keys) {
        List<Pair<Integer, Double>> out = new ArrayList<>();
        for (int key : keys) {
            out.add(Pair.of(key, 1.0));
        }
        return out;
    }

    @Test
    void aHeavyKeyTakesOneRangeAndTheNextKeysTakeTheRest() {
        // Ten samples, five ranges: a step of 2. Key 2 alone weighs 5 (two and a half steps).
        List<Integer> bounds = RangePartitioner.determineBounds(sample(6, 2, 5, 2, 1, 2, 4, 2, 3, 2),
                Comparator.naturalOrder(), 5);
        assertThat(bounds).containsExactly(2, 3, 4, 5);
    }

    @Test
    void fewerDistinctKeysGiveFewerBoundsNeverADuplicate() {
        List<Integer> bounds = RangePartitioner.determineBounds(sample(7, 7, 7, 9, 9, 9), Comparator.naturalOrder(),
                5);
        assertThat(bounds).containsExactly(7, 9);
        assertThat(RangePartitioner.determineBounds(sample(4, 4, 4), Comparator.naturalOrder(), 3))
                .containsExactly(4);
    }

    @Test
    void weightsStandForTheRecordsOfLargerPartitions() {
        List<Pair<Integer, Double>> weighted = List.of(Pair.of(1, 10.0), Pair.of(2, 1.0), Pair.of(3, 1.0),
                Pair.of(4, 10.0));
        // Total 22, half of it 11: reached at key 2, not at key 1 (10) however many samples precede it.
        assertThat(RangePartitioner.determineBounds(weighted, Comparator.naturalOrder(), 2)).containsExactly(2);
        assertThat(RangePartitioner.determineBounds(weighted, Comparator.naturalOrder(), 1)).isEmpty();
    }

    @Test
    void keysGoToTheirRangeInEitherDirection() {
        SerializableComparator<Integer> natural = SerializableComparator.naturalOrder();
        RangePartitioner<Integer> ascending = new RangePartitioner<>(List.of(10, 20), natural, true);
        RangePartitioner<Integer> descending = new RangePartitioner<>(List.of(10, 20), natural, false);
        assertThat(List.of(5, 10, 11, 20, 21)).extracting(ascending::getPartition).containsExactly(0, 0, 1, 1, 2);
        assertThat(List.of(5, 10, 11, 20, 21)).extracting(descending::getPartition).containsExactly(2, 2, 1, 1, 0);
    }
}
