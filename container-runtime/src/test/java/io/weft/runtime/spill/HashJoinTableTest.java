package io.weft.runtime.spill;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.Pair;
import io.weft.runtime.serial.KryoPool;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class HashJoinTableTest {

    private static final KryoPool KRYO = new KryoPool(HashJoinTableTest.class.getClassLoader());

    private static List<Pair<String, Integer>> records(int keys, int perKey) {
        List<Pair<String, Integer>> out = new ArrayList<>();
        for (int v = 0; v < perKey; v++) {
            for (int k = 0; k < keys; k++) {
                out.add(Pair.of(k % 7 == 0 ? null : "key-" + k, k * 100 + v));
            }
        }
        return out;
    }

    @Test
    void groupsEveryKeysValuesInInputOrderAndAnswersNullForAbsentKeys() {
        List<Pair<String, Integer>> in = records(1000, 3);
        Optional<Function<String, List<Integer>>> table = HashJoinTable.build(in.iterator(),
                new MemoryBudget(64L << 20), KRYO);
        assertThat(table).isPresent();
        assertThat(table.get().apply("key-5")).containsExactly(500, 501, 502);
        assertThat(table.get().apply("key-999")).containsExactly(99900, 99901, 99902);
        // Keys 0, 7, 14, ... are all null: 143 of them, three values each, in input order.
        List<Integer> nulls = table.get().apply(null);
        assertThat(nulls).hasSize(143 * 3);
        assertThat(nulls.subList(0, 2)).containsExactly(0, 700);
        assertThat(table.get().apply("key-1000")).isNull();
        assertThat(table.get().apply("absent")).isNull();
    }

    @Test
    void givesUpOnceTheRecordsOutgrowTheBudgetWithoutReadingThemAll() {
        List<Pair<String, Integer>> in = records(100_000, 1);
        int[] read = {0};
        Iterator<Pair<String, Integer>> counted = new Iterator<>() {
            private final Iterator<Pair<String, Integer>> it = in.iterator();

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Pair<String, Integer> next() {
                read[0]++;
                return it.next();
            }
        };
        Optional<Function<String, List<Integer>>> table = HashJoinTable.build(counted, new MemoryBudget(256 << 10),
                KRYO);
        assertThat(table).isEmpty();
        assertThat(read[0]).isPositive().isLessThan(in.size());
    }
}
