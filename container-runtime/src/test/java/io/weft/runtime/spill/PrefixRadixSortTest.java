package io.weft.runtime.spill;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The radix sort orders prefixes as unsigned numbers and keeps equal ones in their input order. */
@Timeout(60)
class PrefixRadixSortTest {

    private static void sortsAsAStableUnsignedSort(int n, LongSupplier prefixes) {
        long[] input = new long[n];
        int[] positions = new int[n];
        for (int i = 0; i < n; i++) {
            input[i] = prefixes.getAsLong();
            positions[i] = i;
        }
        Integer[] expected = new Integer[n];
        Arrays.setAll(expected, i -> i);
        Arrays.sort(expected, Comparator.comparing((Integer i) -> input[i], Long::compareUnsigned));
        long[] copy = input.clone();
        PrefixRadixSort.Sorted sorted = PrefixRadixSort.sort(copy, positions);
        assertThat(sorted.positions()).containsExactly(Arrays.stream(expected).mapToInt(Integer::intValue).toArray());
        for (int i = 0; i < n; i++) {
            assertThat(sorted.prefixes()[i]).isEqualTo(input[sorted.positions()[i]]);
        }
    }

    @Test
    void anyBitsIncludingTheSignBitSortUnsignedAndTiesKeepTheirOrder() {
        SplittableRandom random = new SplittableRandom(7);
        sortsAsAStableUnsignedSort(20_000, random::nextLong);
        long[] few = {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 32, 255};
        sortsAsAStableUnsignedSort(20_000, () -> few[random.nextInt(few.length)]);
    }

    @Test
    void bytesThatNeverVaryAreSkippedWithoutChangingTheOrder() {
        SplittableRandom random = new SplittableRandom(11);
        // Only the middle bytes vary, as for short string keys with a common first letter.
        sortsAsAStableUnsignedSort(10_000, () -> 0x6b00_0000_0000_0000L | ((long) random.nextInt(1 << 20) << 16));
        sortsAsAStableUnsignedSort(1_000, () -> 42L);
        sortsAsAStableUnsignedSort(0, () -> 0L);
        sortsAsAStableUnsignedSort(1, random::nextLong);
    }
}
