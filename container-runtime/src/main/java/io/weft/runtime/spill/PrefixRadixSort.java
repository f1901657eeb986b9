package io.weft.runtime.spill;

/**
 * A stable least-significant-digit radix sort of unsigned 64-bit prefixes, each carrying an int (the record's
 * position), one byte per pass. One pass first counts every byte's values; a byte that has the same value in every
 * prefix (the common first letter of string keys, the high bytes of small numbers, the zero padding of short
 * strings) costs no pass. A pass reads and writes the two arrays once, in order, with no comparisons, so its cost
 * does not depend on the data's order: on millions of prefixes it is several times faster than a comparison sort,
 * whose every comparison of random data is a mispredicted branch. One task's thread.
 */
final class PrefixRadixSort {

    private static final int BYTES = Long.BYTES;
    private static final int VALUES = 256;

    private PrefixRadixSort() {
    }

    /**
     * Sorts the pairs by prefix, ascending as unsigned numbers; equal prefixes keep their order.
     *
     * @param prefixes the prefixes; must have the same length as {@code positions}
     * @param positions the payloads, moved with their prefixes
     * @return the sorted pairs: either the given arrays or two new ones of the same length
     */
    static Sorted sort(long[] prefixes, int[] positions) {
        int n = prefixes.length;
        int[][] counts = new int[BYTES][VALUES];
        for (long prefix : prefixes) {
            for (int b = 0; b < BYTES; b++) {
                counts[b][(int) (prefix >>> (8 * b)) & 0xff]++;
            }
        }
        long[] fromPrefixes = prefixes;
        int[] fromPositions = positions;
        long[] toPrefixes = null;
        int[] toPositions = null;
        for (int b = 0; b < BYTES; b++) {
            int[] count = counts[b];
            if (n == 0 || count[(int) (prefixes[0] >>> (8 * b)) & 0xff] == n) {
                continue;
            }
            if (toPrefixes == null) {
                toPrefixes = new long[n];
                toPositions = new int[n];
            }
            int[] next = new int[VALUES];
            for (int v = 1; v < VALUES; v++) {
                next[v] = next[v - 1] + count[v - 1];
            }
            int shift = 8 * b;
            for (int i = 0; i < n; i++) {
                long prefix = fromPrefixes[i];
                int slot = next[(int) (prefix >>> shift) & 0xff]++;
                toPrefixes[slot] = prefix;
                toPositions[slot] = fromPositions[i];
            }
            long[] p = fromPrefixes;
            fromPrefixes = toPrefixes;
            toPrefixes = p;
            int[] q = fromPositions;
            fromPositions = toPositions;
            toPositions = q;
        }
        return new Sorted(fromPrefixes, fromPositions);
    }

    /**
     * Prefixes in ascending order, each with its payload.
     *
     * @param prefixes the prefixes
     * @param positions their payloads
     */
    record Sorted(long[] prefixes, int[] positions) {
    }
}
