package io.weft.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The compact map status: every range stays exact, the encoding is small and checked, the registry uses it. */
@Timeout(30)
class MapStatusTest {

    private static long[] contiguous(long base, long[] lengths) {
        long[] offsets = new long[lengths.length];
        long next = base;
        for (int p = 0; p < lengths.length; p++) {
            offsets[p] = next;
            next += lengths[p];
        }
        return offsets;
    }

    /** Skewed sizes as a shuffle makes them: a third empty, most kilobytes, a few large. */
    private static long[] skewedLengths(int partitions, long seed) {
        Random random = new Random(seed);
        long[] lengths = new long[partitions];
        for (int p = 0; p < partitions; p++) {
            int kind = random.nextInt(100);
            lengths[p] = kind < 33 ? 0 : kind < 98 ? 1 + random.nextInt(20_000) : random.nextInt(1 << 30) + (1L << 32);
        }
        return lengths;
    }

    private static void assertRanges(MapStatus status, long[] offsets, long[] lengths) {
        assertThat(status.numPartitions()).isEqualTo(offsets.length);
        assertThat(status.partitionOffsets()).containsExactly(offsets);
        assertThat(status.partitionLengths()).containsExactly(lengths);
        assertThat(status.totalBytes()).isEqualTo(Arrays.stream(lengths).sum());
        for (int p = offsets.length - 1; p >= 0; p--) {
            assertThat(status.offset(p)).as("offset of %d", p).isEqualTo(offsets[p]);
            assertThat(status.length(p)).as("length of %d", p).isEqualTo(lengths[p]);
            assertThat(status.block(p)).isEqualTo(lengths[p] == 0 ? null
                    : new ShuffleBlock(status.mapIndex(), status.path(), offsets[p], lengths[p]));
        }
    }

    @Test
    void contiguousRangesAreExactAndTakeAFewBytesEach() {
        long[] lengths = skewedLengths(10_000, 1);
        long[] offsets = contiguous(0, lengths);
        MapStatus status = new MapStatus(3, 7, "e1", "/s/map_3_7.data", offsets, lengths);
        assertRanges(status, offsets, lengths);
        // 16 bytes a partition as two long arrays; here under 3 with the checkpoints.
        assertThat(status.rangeBytes()).isLessThan(3L * lengths.length);
    }

    @Test
    void rangesWithGapsOrOutOfOrderStayExact() {
        long[] lengths = skewedLengths(1_000, 2);
        long[] offsets = contiguous(1L << 40, lengths);
        // A gap, a partition placed before the previous one, and one sharing another's start.
        offsets[10] += 4096;
        offsets[500] = 17;
        offsets[999] = offsets[998];
        MapStatus status = new MapStatus(0, 1, "e", "/f", offsets, lengths);
        assertRanges(status, offsets, lengths);

        long[] none = {};
        assertRanges(new MapStatus(0, 1, "e", "/f", none, none), none, none);
        assertRanges(new MapStatus(0, 1, "e", "/f", new long[] {Long.MAX_VALUE - 5}, new long[] {5}),
                new long[] {Long.MAX_VALUE - 5}, new long[] {5});
    }

    @Test
    void theEncodingRoundTripsAndIsCanonical() {
        long[] lengths = skewedLengths(333, 3);
        long[] offsets = contiguous(12, lengths);
        MapStatus status = new MapStatus(5, 9, "e2", "/p", offsets, lengths);
        MapStatus copy = MapStatus.decode(5, 9, new String("e2"), new String("/p"), 333,
                status.encodedPartitions());
        assertThat(copy).isEqualTo(status).hasSameHashCodeAs(status);
        assertRanges(copy, offsets, lengths);
        assertThat(copy.executorId()).as("interned").isSameAs(status.executorId());
        assertThat(copy.path()).isSameAs(status.path());
    }

    @Test
    void malformedEncodingsAndRangesAreRefused() {
        byte[] good = new MapStatus(0, 1, "e", "/f", new long[] {0, 200}, new long[] {200, 1}).encodedPartitions();
        List<byte[]> bad = List.of(
                new byte[0],
                Arrays.copyOf(good, good.length - 1),                       // truncated
                Arrays.copyOf(good, good.length + 1),                       // trailing byte
                new byte[] {2, 0, 0, 0},                                    // unknown flag
                new byte[] {1, 0, 0, 5, 0, 6},                              // gaps flagged, none there
                new byte[] {0, 0, (byte) 0x85, 0, 1},                       // overlong varint
                new byte[] {0, 0, -1, -1, -1, -1, -1, -1, -1, -1, -1, 1, 0}, // a negative length
                new byte[] {0, 3});                                          // no partitions but an offset
        for (byte[] bytes : bad) {
            int partitions = bytes.length == 13 ? 2 : bytes.length == 2 ? 0 : 2;
            assertThatThrownBy(() -> MapStatus.decode(0, 1, "e", "/f", partitions, bytes))
                    .as(Arrays.toString(bytes)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> MapStatus.decode(0, 1, "e", "/f", 3, good))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MapStatus(0, 1, "e", "/f", new long[] {0}, new long[] {-1}))
                .hasMessageContaining("partition 0 has offset 0 and length -1");
        assertThatThrownBy(() -> new MapStatus(0, 1, "e", "/f", new long[] {0}, new long[] {1, 2}))
                .hasMessageContaining("1 offsets but 2 lengths");
        assertThatThrownBy(() -> new MapStatus(0, 1, "e", "/f", new long[] {Long.MAX_VALUE}, new long[] {1}))
                .hasMessageContaining("overflows");
        MapStatus status = new MapStatus(0, 1, "e", "/f", new long[] {0}, new long[] {1});
        assertThatThrownBy(() -> status.offset(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> status.block(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void theRegistryHandsReducersExactNonEmptyBlocksAndCountsOutputs() {
        MapOutputRegistry registry = new MapOutputRegistry();
        registry.registerShuffle(4, 3);
        long[][] lengths = new long[3][];
        for (int m = 0; m < 3; m++) {
            lengths[m] = skewedLengths(100, 10 + m);
            assertThat(registry.isComplete(4)).isFalse();
            assertThat(registry.register(4, new MapStatus(m, m, "e", "/m" + m, contiguous(0, lengths[m]),
                    lengths[m]))).isTrue();
            assertThat(registry.has(4, m)).isTrue();
        }
        assertThat(registry.register(4, new MapStatus(1, 9, "e", "/again", new long[100], new long[100])))
                .as("the first committed attempt wins").isFalse();
        assertThat(registry.isComplete(4)).isTrue();
        // In partition order (each lookup resumes where the last stopped), backwards, and at random with repeats.
        List<Integer> order = new java.util.ArrayList<>();
        for (int r = 0; r < 100; r++) {
            order.add(r);
        }
        for (int r = 99; r >= 0; r--) {
            order.add(r);
        }
        Random random = new Random(5);
        for (int i = 0; i < 300; i++) {
            order.add(random.nextInt(100));
        }
        for (int r : order) {
            List<ShuffleBlock> blocks = registry.blocksFor(4, r);
            int rr = r;
            assertThat(blocks).allSatisfy(b -> assertThat(b.length()).isEqualTo(lengths[b.mapIndex()][rr]))
                    .allSatisfy(b -> assertThat(b.offset()).isEqualTo(contiguous(0, lengths[b.mapIndex()])[rr]))
                    .extracting(ShuffleBlock::mapIndex).isSorted()
                    .hasSize((int) Arrays.stream(lengths).filter(l -> l[rr] > 0).count());
        }
        assertThat(registry.unregister(4, 1)).isNotNull();
        assertThat(registry.isComplete(4)).isFalse();
        assertThat(registry.unregister(4, 1)).isNull();
        assertThat(registry.missing(4)).containsExactly(1);
    }
}
