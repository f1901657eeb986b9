package io.weft.runtime.spill;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.Pair;
import io.weft.runtime.serial.KryoPool;
import java.io.File;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExternalSorterTest {

    private static final KryoPool KRYO = new KryoPool(ExternalSorterTest.class.getClassLoader());

    record Item(long id, String name) {
    }

    @TempDir
    File spillDir;

    private static <T> List<T> drain(Iterator<T> it) {
        List<T> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    private static Comparator<Pair<?, ?>> byToString() {
        return Comparator.comparing(String::valueOf);
    }

    @ParameterizedTest(name = "seed {0}, {1} records, budget {2}")
    @CsvSource({"1, 5000, 2048", "2, 20000, 65536", "3, 1000, 0", "7, 8000, 1024", "4, 20000, 67108864", "5, 0, 1024",
            "6, 1, 1024"})
    void sortsLongKeysLikeCollectionsSort(long seed, int records, long budget) {
        Random random = new Random(seed);
        List<Pair<Long, Item>> input = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            long key = random.nextInt(records / 3 + 1) - records / 6;
            input.add(Pair.of(key, i % 10 == 0 ? null : new Item(i, "n" + random.nextInt(100))));
        }
        List<Pair<Long, Item>> expected = new ArrayList<>(input);
        expected.sort(Comparator.comparing(Pair::key));

        ExternalSorter<Long, Item> sorter = new ExternalSorter<>(Comparator.naturalOrder(), new MemoryBudget(budget),
                spillDir, KRYO);
        List<Pair<Long, Item>> actual = drain(sorter.sort(input.iterator()));

        assertThat(actual).extracting(Pair::key).containsExactlyElementsOf(expected.stream().map(Pair::key).toList());
        assertThat(actual).usingElementComparator(byToString()).containsExactlyInAnyOrderElementsOf(expected);
        if (budget <= 65536 && records > 1000) {
            assertThat(sorter.spillCount()).isPositive();
        } else if (budget > 1 << 20) {
            assertThat(sorter.spillCount()).isZero();
        }
        assertThat(spillDir.list()).isEmpty();
        sorter.close();
    }

    @Test
    void sortsStringsWithNullKeysInReverseOrder() {
        Random random = new Random(11);
        List<Pair<String, Object>> input = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            String key = random.nextInt(20) == 0 ? null : "key-" + random.nextInt(1000);
            Object value = switch (i % 4) {
                case 0 -> null;
                case 1 -> (long) i;
                case 2 -> List.of(i, "x");
                default -> "v" + i;
            };
            input.add(Pair.of(key, value));
        }
        Comparator<String> ordering = Comparator.nullsLast(Comparator.<String>reverseOrder());
        List<String> expectedKeys = new ArrayList<>(input.stream().map(Pair::key).toList());
        expectedKeys.sort(ordering);

        ExternalSorter<String, Object> sorter = new ExternalSorter<>(ordering, new MemoryBudget(4096), spillDir,
                KRYO);
        List<Pair<String, Object>> actual = drain(sorter.sort(input.iterator()));

        assertThat(sorter.spillCount()).isPositive();
        assertThat(actual).extracting(Pair::key).containsExactlyElementsOf(expectedKeys);
        assertThat(actual).usingElementComparator(byToString()).containsExactlyInAnyOrderElementsOf(input);
        assertThat(spillDir.list()).isEmpty();
    }

    @Test
    void closeDeletesRunsOfAnAbandonedOutput() {
        List<Pair<Integer, String>> input = new ArrayList<>();
        for (int i = 5000; i > 0; i--) {
            input.add(Pair.of(i, "v" + i));
        }
        ExternalSorter<Integer, String> sorter = new ExternalSorter<>(Comparator.naturalOrder(),
                new MemoryBudget(2048), spillDir, KRYO);
        Iterator<Pair<Integer, String>> output = sorter.sort(input.iterator());
        assertThat(output.next()).isEqualTo(Pair.of(1, "v1"));
        assertThat(output.next()).isEqualTo(Pair.of(2, "v2"));
        assertThat(spillDir.list()).isNotEmpty();
        sorter.close();
        assertThat(spillDir.list()).isEmpty();
        assertThat(output.hasNext()).isFalse();
    }
}
