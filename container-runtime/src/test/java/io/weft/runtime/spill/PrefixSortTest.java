package io.weft.runtime.spill;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.Pair;
import io.weft.api.SerializableComparator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The prefix sort gives exactly the order of a stable comparator sort, ties in input order included, in the natural
 * order and its reverse, below the radix sort's threshold and above it.
 */
@Timeout(60)
class PrefixSortTest {

    private static final String ALPHABET = "ab\u0000\u00fe\u00ff\u0100\u4e2d\ud83d\ude00z";

    private static <K extends Comparable<K>> void sameAsStableSort(int n, Function<SplittableRandom, K> keys) {
        sameAsStableSort(n, keys, SerializableComparator.naturalOrder());
        sameAsStableSort(n, keys, SerializableComparator.reverseNaturalOrder());
    }

    private static <K extends Comparable<K>> void sameAsStableSort(int n, Function<SplittableRandom, K> keys,
            SerializableComparator<K> ordering) {
        SplittableRandom random = new SplittableRandom(n);
        List<Pair<K, Integer>> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.add(Pair.of(keys.apply(random), i));
        }
        List<Pair<K, Integer>> expected = new ArrayList<>(records);
        expected.sort(Comparator.comparing(Pair::key, ordering));
        assertThat(PrefixSort.trySort(records, ordering)).isTrue();
        assertThat(records).containsExactlyElementsOf(expected);
    }

    private static String randomString(SplittableRandom random) {
        int length = random.nextInt(14);
        StringBuilder s = new StringBuilder(random.nextBoolean() ? "common-prefix-" : "");
        for (int i = 0; i < length; i++) {
            s.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return s.toString();
    }

    @Test
    void stringsOfAnyCharsAndLengthsSortAsCompareToDoesAndTiesKeepTheirOrder() {
        for (int n : new int[] {2, 31, 33, 511, 512, 1000, 50_000}) {
            sameAsStableSort(n, PrefixSortTest::randomString);
        }
        // Short keys with many duplicates, the benchmark's shape.
        sameAsStableSort(100_000, r -> "k" + r.nextInt(5000));
    }

    @Test
    void longsAndIntsSortAsTheirNaturalOrderNegativesAndExtremesIncluded() {
        long[] edges = {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1, 1};
        sameAsStableSort(20_000, r -> r.nextInt(10) == 0 ? edges[r.nextInt(edges.length)] : r.nextLong(-1000, 1000));
        int[] intEdges = {Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1};
        sameAsStableSort(20_000, r -> r.nextInt(10) == 0 ? intEdges[r.nextInt(intEdges.length)] : r.nextInt());
    }

    @Test
    void leavesOtherOrderingsMixedTypesAndNullKeysToTheCaller() {
        List<Pair<Object, Integer>> mixed = new ArrayList<>(List.of(Pair.of("b", 1), Pair.of(2L, 2)));
        assertThat(PrefixSort.trySort(mixed, SerializableComparator.naturalOrder())).isFalse();
        List<Pair<String, Integer>> withNull = new ArrayList<>();
        withNull.add(Pair.of("b", 1));
        withNull.add(Pair.of(null, 2));
        assertThat(PrefixSort.trySort(withNull, SerializableComparator.naturalOrder())).isFalse();
        List<Pair<String, Integer>> strings = new ArrayList<>(List.of(Pair.of("b", 1), Pair.of("a", 2)));
        assertThat(PrefixSort.trySort(strings, Comparator.<String>reverseOrder())).isFalse();
        assertThat(strings).extracting(Pair::key).containsExactly("b", "a");
    }
}
