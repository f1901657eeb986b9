package io.weft.runtime.spill;

import io.weft.api.Pair;
import io.weft.api.SerializableComparator;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A stable in-memory sort of records by key in natural order that compares 64-bit key prefixes instead of the
 * keys themselves. Sorting millions of records with a comparator follows two references per comparison (record,
 * key, and for a string its bytes), each a cache miss once the buffer is larger than the cache; here each record's
 * key is read once to make its prefix, and the sort moves (prefix, position) pairs in flat arrays: a radix sort
 * ({@link PrefixRadixSort}) from {@value #RADIX_MIN_RECORDS} records, a merge sort below. Keys whose prefixes are
 * equal are compared in full, unless both prefixes are the whole key.
 *
 * <p>Applies to the natural order ({@link SerializableComparator#naturalOrder()}) and its reverse
 * ({@link SerializableComparator#reverseNaturalOrder()}, whose prefixes are the complements) of {@code String},
 * {@code Long} and {@code Integer} keys, all of one type and none null; anything else is left to the caller. A
 * string's prefix is its first 8 chars, 8 bits each, in order, up to and including the first char above 254 (stored
 * as 255, and the prefix then ends), zero-padded: so a prefix order never contradicts the strings' order, and equal
 * prefixes of two strings of at most 8 chars, each in 1..254, mean equal strings. One task's thread.
 */
final class PrefixSort {

    private static final int INSERTION_RUN = 32;
    /** Below this many records the merge sort's passes cost less than the radix sort's counting. */
    private static final int RADIX_MIN_RECORDS = 512;

    private PrefixSort() {
    }

    /**
     * Sorts the records in place if the ordering and their keys allow it.
     *
     * @param records the records
     * @param ordering the key order
     * @param <K> key type
     * @param <V> value type
     * @return whether they were sorted (if not, they are unchanged)
     */
    static <K, V> boolean trySort(List<Pair<K, V>> records, Comparator<? super K> ordering) {
        int n = records.size();
        boolean descending = ordering == SerializableComparator.reverseNaturalOrder();
        if (ordering != SerializableComparator.naturalOrder() && !descending || n < 2) {
            return false;
        }
        Object first = records.get(0).key();
        if (!(first instanceof String || first instanceof Long || first instanceof Integer)) {
            return false;
        }
        Class<?> type = first.getClass();
        long[] prefixes = new long[n];
        int[] positions = new int[n];
        boolean[] whole = new boolean[n];
        // One pass over the records: each key is a cache miss once the buffer outgrows the cache.
        for (int i = 0; i < n; i++) {
            Object key = records.get(i).key();
            if (key == null || key.getClass() != type) {
                return false;
            }
            positions[i] = i;
            if (type == String.class) {
                putStringPrefix((String) key, prefixes, whole, i);
            } else {
                prefixes[i] = ((Number) key).longValue() ^ Long.MIN_VALUE;
                whole[i] = true;
            }
            if (descending) {
                prefixes[i] = ~prefixes[i];
            }
        }
        int[] order = n < RADIX_MIN_RECORDS
                ? new Merge<>(records, prefixes, positions, whole, descending).sort()
                : radixSort(records, prefixes, positions, whole, descending);
        @SuppressWarnings("unchecked")
        Pair<K, V>[] sorted = new Pair[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = records.get(order[i]);
        }
        for (int i = 0; i < n; i++) {
            records.set(i, sorted[i]);
        }
        return true;
    }

    /**
     * Radix-sorts the prefixes, then sorts each run of equal prefixes by the keys themselves unless every key in it
     * is whole (then the keys are equal, and the radix sort kept them in input order).
     */
    private static <K> int[] radixSort(List<? extends Pair<K, ?>> records, long[] prefixes, int[] positions,
            boolean[] whole, boolean descending) {
        PrefixRadixSort.Sorted sorted = PrefixRadixSort.sort(prefixes, positions);
        long[] sortedPrefixes = sorted.prefixes();
        int[] order = sorted.positions();
        int n = order.length;
        int start = 0;
        while (start < n) {
            int end = start + 1;
            boolean allWhole = whole[order[start]];
            while (end < n && sortedPrefixes[end] == sortedPrefixes[start]) {
                allWhole &= whole[order[end]];
                end++;
            }
            if (!allWhole && end - start > 1) {
                int[] tied = new Merge<>(records, Arrays.copyOfRange(sortedPrefixes, start, end),
                        Arrays.copyOfRange(order, start, end), whole, descending).sort();
                System.arraycopy(tied, 0, order, start, tied.length);
            }
            start = end;
        }
        return order;
    }

    /**
     * Stores a string's prefix at {@code i}, and whether it is the whole string: at most 8 chars, none of them NUL
     * (indistinguishable from the padding after a shorter string's end: "a" and "a\0") or above 254.
     */
    private static void putStringPrefix(String s, long[] prefixes, boolean[] whole, int i) {
        long prefix = 0;
        int length = Math.min(8, s.length());
        boolean isWhole = s.length() <= 8;
        int c = 0;
        while (c < length) {
            char ch = s.charAt(c++);
            prefix = (prefix << 8) | Math.min(ch, 255);
            if (ch == 0 || ch >= 255) {
                isWhole = false;
                if (ch >= 255) {
                    break;
                }
            }
        }
        prefixes[i] = prefix << (8 * (8 - c));
        whole[i] = isWhole;
    }

    /** A bottom-up merge sort of parallel arrays, insertion-sorted runs first; stable. */
    private static final class Merge<K> {
        private final List<? extends Pair<K, ?>> records;
        private long[] prefixes;
        private int[] positions;
        private final boolean[] whole;
        private final boolean descending;

        Merge(List<? extends Pair<K, ?>> records, long[] prefixes, int[] positions, boolean[] whole,
                boolean descending) {
            this.records = records;
            this.descending = descending;
            this.prefixes = prefixes;
            this.positions = positions;
            this.whole = whole;
        }

        /** Compares the records at original positions a and b with prefixes pa and pb. */
        @SuppressWarnings("unchecked")
        private int compare(long pa, int a, long pb, int b) {
            int c = Long.compareUnsigned(pa, pb);
            if (c != 0 || (whole[a] && whole[b])) {
                return c;
            }
            Object keyA = records.get(a).key();
            Object keyB = records.get(b).key();
            return descending ? ((Comparable<Object>) keyB).compareTo(keyA)
                    : ((Comparable<Object>) keyA).compareTo(keyB);
        }

        /** @return the positions in sorted order (the arrays swap with their buffers as passes go) */
        int[] sort() {
            int n = prefixes.length;
            for (int start = 0; start < n; start += INSERTION_RUN) {
                insertionSort(start, Math.min(n, start + INSERTION_RUN));
            }
            long[] prefixBuffer = new long[n];
            int[] positionBuffer = new int[n];
            for (int width = INSERTION_RUN; width < n; width *= 2) {
                for (int low = 0; low < n; low += 2 * width) {
                    int mid = Math.min(low + width, n);
                    int high = Math.min(low + 2 * width, n);
                    merge(low, mid, high, prefixBuffer, positionBuffer);
                }
                long[] p = prefixes;
                prefixes = prefixBuffer;
                prefixBuffer = p;
                int[] q = positions;
                positions = positionBuffer;
                positionBuffer = q;
            }
            return positions;
        }

        private void insertionSort(int from, int to) {
            for (int i = from + 1; i < to; i++) {
                long p = prefixes[i];
                int pos = positions[i];
                int j = i - 1;
                while (j >= from && compare(prefixes[j], positions[j], p, pos) > 0) {
                    prefixes[j + 1] = prefixes[j];
                    positions[j + 1] = positions[j];
                    j--;
                }
                prefixes[j + 1] = p;
                positions[j + 1] = pos;
            }
        }

        private void merge(int low, int mid, int high, long[] outPrefixes, int[] outPositions) {
            int i = low;
            int j = mid;
            int k = low;
            while (i < mid && j < high) {
                // Ties take the left run's record first: stable.
                if (compare(prefixes[j], positions[j], prefixes[i], positions[i]) < 0) {
                    outPrefixes[k] = prefixes[j];
                    outPositions[k++] = positions[j++];
                } else {
                    outPrefixes[k] = prefixes[i];
                    outPositions[k++] = positions[i++];
                }
            }
            while (i < mid) {
                outPrefixes[k] = prefixes[i];
                outPositions[k++] = positions[i++];
            }
            while (j < high) {
                outPrefixes[k] = prefixes[j];
                outPositions[k++] = positions[j++];
            }
        }
    }
}
