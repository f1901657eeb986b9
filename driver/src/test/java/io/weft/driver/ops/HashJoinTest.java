package io.weft.driver.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.HashPartitioner;
import io.weft.api.Pair;
import io.weft.api.PairDataset;
import io.weft.api.WeftSession;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code join} builds a table of the smaller side's partition and streams the other past it; when the table does
 * not fit the task's memory it falls back to grouping both sides. Every plan must give exactly the pairs a plain
 * nested loop gives, duplicates and null keys included. Local mode, real threads.
 */
@Timeout(120)
class HashJoinTest {

    private static List<Pair<Integer, String>> side(int keys, int perKey, int keyOffset, String tag) {
        List<Pair<Integer, String>> out = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            Integer key = k % 97 == 0 ? null : k + keyOffset;
            for (int v = 0; v < perKey; v++) {
                out.add(Pair.of(key, tag + k + "." + v));
            }
        }
        return out;
    }

    private static List<String> nestedLoop(List<Pair<Integer, String>> left, List<Pair<Integer, String>> right) {
        List<String> out = new ArrayList<>();
        for (Pair<Integer, String> l : left) {
            for (Pair<Integer, String> r : right) {
                if (java.util.Objects.equals(l.key(), r.key())) {
                    out.add(l.key() + "=" + l.value() + "|" + r.value());
                }
            }
        }
        return out;
    }

    private static List<String> joined(PairDataset<Integer, String> left, PairDataset<Integer, String> right) {
        return left.join(right, 4).map(p -> p.key() + "=" + p.value().key() + "|" + p.value().value()).collect();
    }

    private static void checkAllPlans(WeftSession weft) {
        List<Pair<Integer, String>> big = side(3000, 3, 0, "a");
        List<Pair<Integer, String>> small = side(400, 2, 2800, "b");
        PairDataset<Integer, String> bigDs = weft.parallelizePairs(big, 3);
        PairDataset<Integer, String> smallDs = weft.parallelizePairs(small, 2);
        // The right side smaller (built), then the left side smaller (built, pairs still left | right).
        assertThat(joined(bigDs, smallDs)).containsExactlyInAnyOrderElementsOf(nestedLoop(big, small));
        assertThat(joined(smallDs, bigDs)).containsExactlyInAnyOrderElementsOf(nestedLoop(small, big));
        // Both already partitioned alike: no shuffle, the right side is built.
        HashPartitioner four = new HashPartitioner(4);
        assertThat(bigDs.partitionBy(four).join(smallDs.partitionBy(four), four)
                .map(p -> p.key() + "=" + p.value().key() + "|" + p.value().value()).collect())
                .containsExactlyInAnyOrderElementsOf(nestedLoop(big, small));
        // No key in common.
        assertThat(joined(bigDs, weft.parallelizePairs(side(10, 1, 1_000_000, "c"), 1))
                .stream().filter(s -> !s.startsWith("null=")).toList()).isEmpty();
    }

    @Test
    void aJoinGivesExactlyTheNestedLoopsPairsWhicheverSideIsBuilt() {
        try (WeftSession weft = WeftSession.builder().appName("hash-join").master("local[2]").getOrCreate()) {
            checkAllPlans(weft);
        }
    }

    @Test
    void aBuildSideTooLargeForTheTasksMemoryFallsBackToGroupingAndGivesTheSamePairs() {
        // A budget of a few kilobytes per task: every build side here outgrows it.
        try (WeftSession weft = WeftSession.builder().appName("hash-join-fallback").master("local[2]")
                .config("weft.memory.fraction", "0.00001").getOrCreate()) {
            checkAllPlans(weft);
        }
    }
}
