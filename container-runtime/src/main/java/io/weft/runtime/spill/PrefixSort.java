package io.weft.runtime.spill;

import io.weft.api.Pair;
import io.weft.api.SerializableComparator;
import java.util.Comparator;
import java.util.List;

/**
 * A stable in-memory sort of records by key in natural order that compares 64-bit key prefixes instead of the
 * keys themselves. Sorting millions of records with a comparator follows two references per comparison (record,
 * key, and for a string its bytes), each a cache miss once the buffer is larger than the cache; here each record's
 * key is read once to make its prefix, and the sort moves (prefix, position) pairs in flat arrays. Keys whose
 * prefixes are equal are compared in full, unless both prefixes are the whole key.
 *
 * <p>Applies to the natural order ({@link SerializableComparator#naturalOrder()}) of {@code String}, {@code Long}
 * and {@code Integer} keys, all of one type and none null; anything else is left to the caller. A string's prefix
 * is its first 8 chars, 8 bits each, in order, up to and including the first char above 254 (stored as 255, and
 * the prefix then ends), zero-padded: so a prefix order never contradicts the strings' order, and equal
 * prefixes of two strings of at most 8 chars, each in 1..254, mean equal strings. One task's thread.
 */
final class PrefixSort {

    private static final int INSERTION_RUN = 32;

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
        if (ordering != SerializableComparator.naturalOrder() || n < 2) {
            return false;
        }
        Class<?> type = keyType(records);
        if (type == null) {
            return false;
        }
        long[] prefixes = new long[n];
        int[] positions = new int[n];
        boolean[] whole = new boolean[n];
        for (int i = 0; i < n; i++) {
            Object key = records.get(i).key();
            positions[i] = i;
            if (type == String.class) {
                String s = (String) key;
                prefixes[i] = stringPrefix(s);
                whole[i] = isWholeString(s);
            } else {
                prefixes[i] = ((Number) key).longValue() ^ Long.MIN_VALUE;
                whole[i] = true;
            }
        }
        Merge<K> merge = new Merge<>(records, prefixes, positions, whole);
        merge.sort();
        int[] order = merge.positions();
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

    /** @return String, Long or Integer if every key is one of it, else null */
    private static Class<?> keyType(List<? extends Pair<?, ?>> records) {
        Object first = records.get(0).key();
        if (!(first instanceof String || first instanceof Long || first instanceof Integer)) {
            return null;
        }
        Class<?> type = first.getClass();
        for (Pair<?, ?> record : records) {
            Object key = record.key();
            if (key == null || key.getClass() != type) {
                return null;
            }
        }
        return type;
    }

    static long stringPrefix(String s) {
        long prefix = 0;
        int length = Math.min(8, s.length());
        int i = 0;
        while (i < length) {
            char c = s.charAt(i++);
            prefix = (prefix << 8) | Math.min(c, 255);
            if (c >= 255) {
                break;
            }
        }
        return prefix << (8 * (8 - i));
    }

    private static boolean isWholeString(String s) {
        if (s.length() > 8) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            // A NUL is indistinguishable from the padding after a shorter string's end ("a" and "a\0").
            if (c == 0 || c >= 255) {
                return false;
            }
        }
        return true;
    }

    /** A bottom-up merge sort of parallel arrays, insertion-sorted runs first; stable. */
    private static final class Merge<K> {
        private final List<? extends Pair<K, ?>> records;
        private long[] prefixes;
        private int[] positions;
        private final boolean[] whole;

        Merge(List<? extends Pair<K, ?>> records, long[] prefixes, int[] positions, boolean[] whole) {
            this.records = records;
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
            return ((Comparable<Object>) records.get(a).key()).compareTo(records.get(b).key());
        }

        void sort() {
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

        /** The positions in sorted order (the arrays swap with their buffers as passes go). */
        int[] positions() {
            return positions;
        }
    }
}
