package io.weft.planner;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * A committed map output: which attempt wrote it, where, and the exact byte range of every reduce partition.
 *
 * <p>The driver holds one per map output until its shuffle is forgotten, so a 10,000 x 10,000 shuffle holds 100
 * million ranges. They are kept exact but compact: one byte array of unsigned variable-length integers (7 bits a
 * byte), a partition's length in 1 byte when empty and 2-3 bytes for kilobytes to megabytes, instead of two
 * {@code long}s (16 bytes). A map output's partitions are contiguous in its file today (partition {@code p + 1}
 * starts where {@code p} ends), so only the first offset and the lengths are stored; if a writer ever leaves
 * gaps (or orders partitions differently), each partition's distance from where the previous one ended is stored
 * too (signed), so any offsets stay exact. A checkpoint every {@value #CHECKPOINT_EVERY} partitions (position in
 * the array and the offset there) makes {@link #offset(int)} and {@link #length(int)} decode at most that many
 * entries. The executor id and path are interned: the driver keeps one copy per executor and per file.
 *
 * <p>Hot paths ask {@link #block(int)}, {@link #offset(int)} and {@link #length(int)} (the registry's
 * {@code blocksFor} also resumes each status's walk where the previous reducer's lookup stopped);
 * {@link #partitionOffsets()} and {@link #partitionLengths()} build fresh arrays of every partition and are for
 * code that needs them all once (a test, a journal line). Immutable and thread-safe.
 *
 * <p>The encoding ({@link #encodedPartitions()}, {@link #decode}) is what travels between executor and driver: a
 * flags byte (bit 0: gaps stored), the first offset, then per partition its gap if stored (zig-zag) and its
 * length. It is canonical (the shortest form of every integer, gaps only when one is not zero), so two statuses
 * with the same ranges have the same bytes.
 */
public final class MapStatus implements Serializable {

    private static final long serialVersionUID = 2L;

    /** Partitions between two checkpoints; a random lookup decodes at most this many entries. */
    static final int CHECKPOINT_EVERY = 32;

    private static final int GAPS = 1;

    private final int mapIndex;
    private final long taskAttemptId;
    private final String executorId;
    private final String path;
    private final int numPartitions;
    private final long totalBytes;
    /** Whether gaps are stored (bit 0 of the flags byte), kept here so a lookup does not touch the array's start. */
    private final boolean gaps;
    /** Flags, first offset, then per partition [zig-zag gap] and length, as varints. */
    private final byte[] encoded;
    /** For checkpoint {@code k}: where partition {@code k * CHECKPOINT_EVERY}'s entry starts in {@link #encoded}. */
    private final int[] checkpointPositions;
    /** For checkpoint {@code k}: where the previous partition ended (the first offset for {@code k = 0}). */
    private final long[] checkpointOffsets;

    /**
     * @param mapIndex the map partition
     * @param taskAttemptId the attempt that committed it
     * @param executorId the executor that wrote it
     * @param path the output file
     * @param partitionOffsets start of each reduce partition's bytes, at least 0
     * @param partitionLengths length of each reduce partition's bytes, at least 0; as many as offsets
     * @throws IllegalArgumentException if the arrays differ in length or hold a negative value
     */
    public MapStatus(int mapIndex, long taskAttemptId, String executorId, String path, long[] partitionOffsets,
            long[] partitionLengths) {
        this(mapIndex, taskAttemptId, executorId, path, partitionOffsets.length,
                encode(partitionOffsets, partitionLengths));
    }

    private MapStatus(int mapIndex, long taskAttemptId, String executorId, String path, int numPartitions,
            byte[] encoded) {
        this.mapIndex = mapIndex;
        this.taskAttemptId = taskAttemptId;
        this.executorId = executorId == null ? null : executorId.intern();
        this.path = path == null ? null : path.intern();
        this.numPartitions = numPartitions;
        this.encoded = encoded;
        this.gaps = (encoded[0] & GAPS) != 0;
        int checkpoints = (numPartitions + CHECKPOINT_EVERY - 1) / CHECKPOINT_EVERY;
        this.checkpointPositions = new int[checkpoints];
        this.checkpointOffsets = new long[checkpoints];
        this.totalBytes = index();
    }

    /**
     * Rebuilds a status from {@link #encodedPartitions()}, checking every entry: what a peer sent is not trusted.
     *
     * @param mapIndex the map partition
     * @param taskAttemptId the attempt that committed it
     * @param executorId the executor that wrote it
     * @param path the output file
     * @param numPartitions the number of reduce partitions
     * @param encoded the encoded ranges (not copied; the caller must not change it)
     * @return the status
     * @throws IllegalArgumentException if the bytes are not the canonical encoding of {@code numPartitions}
     *     ranges with non-negative offsets and lengths
     */
    public static MapStatus decode(int mapIndex, long taskAttemptId, String executorId, String path,
            int numPartitions, byte[] encoded) {
        if (numPartitions < 0 || encoded.length < 1 || (encoded[0] & ~GAPS) != 0) {
            throw new IllegalArgumentException("Not an encoded map status of " + numPartitions + " partitions");
        }
        return new MapStatus(mapIndex, taskAttemptId, executorId, path, numPartitions, encoded);
    }

    /** @return the map partition */
    public int mapIndex() {
        return mapIndex;
    }

    /** @return the attempt that committed it */
    public long taskAttemptId() {
        return taskAttemptId;
    }

    /** @return the executor that wrote it */
    public String executorId() {
        return executorId;
    }

    /** @return the output file */
    public String path() {
        return path;
    }

    /** @return the number of reduce partitions */
    public int numPartitions() {
        return numPartitions;
    }

    /** @return the total bytes of the output's partitions */
    public long totalBytes() {
        return totalBytes;
    }

    /**
     * @param partition a reduce partition
     * @return where its bytes start in {@link #path()}
     * @throws IndexOutOfBoundsException if there is no such partition
     */
    public long offset(int partition) {
        return find(partition, false);
    }

    /**
     * @param partition a reduce partition
     * @return how many bytes it has (0 when empty)
     * @throws IndexOutOfBoundsException if there is no such partition
     */
    public long length(int partition) {
        return find(partition, true);
    }

    /**
     * The block a reducer reads from this output, decoding the partition's entry once.
     *
     * @param partition a reduce partition
     * @return its block, or {@code null} when it is empty
     * @throws IndexOutOfBoundsException if there is no such partition
     */
    public ShuffleBlock block(int partition) {
        return block(partition, null, 0);
    }

    /**
     * Every partition's offset, in a fresh array of {@link #numPartitions()}: O(partitions) time and memory, so
     * not for the driver's per-task paths (use {@link #offset(int)} or {@link #block(int)}).
     *
     * @return the offsets
     */
    public long[] partitionOffsets() {
        long[] offsets = new long[numPartitions];
        long[] lengths = new long[numPartitions];
        decodeAll(offsets, lengths);
        return offsets;
    }

    /**
     * Every partition's length, in a fresh array of {@link #numPartitions()}; see {@link #partitionOffsets()}.
     *
     * @return the lengths
     */
    public long[] partitionLengths() {
        long[] offsets = new long[numPartitions];
        long[] lengths = new long[numPartitions];
        decodeAll(offsets, lengths);
        return lengths;
    }

    /** @return a copy of the encoded ranges, for {@link #decode} on the other side of a connection */
    public byte[] encodedPartitions() {
        return encoded.clone();
    }

    /** @return the bytes this status keeps for its ranges (encoding and checkpoints), for sizing figures */
    public long rangeBytes() {
        return encoded.length + 4L * checkpointPositions.length + 8L * checkpointOffsets.length;
    }

    /**
     * {@link #block(int)} for the registry, resuming where the previous lookup of this status stopped when that
     * is nearer than the checkpoint: reduce tasks are mostly launched in partition order, so each lookup then
     * decodes one entry instead of up to {@value #CHECKPOINT_EVERY}. Scheduler thread only (the cursors are not
     * thread-safe).
     *
     * @param partition a reduce partition
     * @param cursors the registry's cursors for this shuffle, or {@code null} to walk from the checkpoint
     * @param slot this status's cursor (its map index)
     * @return its block, or {@code null} when it is empty
     */
    ShuffleBlock block(int partition, MapOutputRegistry.Cursors cursors, int slot) {
        Objects.checkIndex(partition, numPartitions);
        byte[] bytes = encoded;
        int k = partition / CHECKPOINT_EVERY;
        int p = cursors == null ? Integer.MAX_VALUE : cursors.next[slot];
        int i;
        long end;
        if (p <= partition && p >= k * CHECKPOINT_EVERY) {
            i = cursors.position[slot];
            end = cursors.end[slot];
        } else {
            p = k * CHECKPOINT_EVERY;
            i = checkpointPositions[k];
            end = checkpointOffsets[k];
        }
        for (; ; p++) {
            long start = end;
            byte b;
            if (gaps) {
                long gap = 0;
                int shift = 0;
                do {
                    b = bytes[i++];
                    gap |= (long) (b & 0x7F) << shift;
                    shift += 7;
                } while (b < 0);
                start += unzigzag(gap);
            }
            long length = 0;
            int shift = 0;
            do {
                b = bytes[i++];
                length |= (long) (b & 0x7F) << shift;
                shift += 7;
            } while (b < 0);
            end = start + length;
            if (p == partition) {
                if (cursors != null) {
                    cursors.next[slot] = p + 1;
                    cursors.position[slot] = i;
                    cursors.end[slot] = end;
                }
                return length == 0 ? null : new ShuffleBlock(mapIndex, path, start, length);
            }
        }
    }

    /**
     * Decodes from the partition's checkpoint to the partition. The encoding was checked when this status was
     * built, so this loop does not check it again.
     */
    private long find(int partition, boolean wantLength) {
        Objects.checkIndex(partition, numPartitions);
        byte[] bytes = encoded;
        int k = partition / CHECKPOINT_EVERY;
        int i = checkpointPositions[k];
        long end = checkpointOffsets[k];
        for (int p = k * CHECKPOINT_EVERY; ; p++) {
            long start = end;
            byte b;
            if (gaps) {
                long gap = 0;
                int shift = 0;
                do {
                    b = bytes[i++];
                    gap |= (long) (b & 0x7F) << shift;
                    shift += 7;
                } while (b < 0);
                start += unzigzag(gap);
            }
            long length = 0;
            int shift = 0;
            do {
                b = bytes[i++];
                length |= (long) (b & 0x7F) << shift;
                shift += 7;
            } while (b < 0);
            if (p == partition) {
                return wantLength ? length : start;
            }
            end = start + length;
        }
    }

    private void decodeAll(long[] offsets, long[] lengths) {
        boolean gaps = (encoded[0] & GAPS) != 0;
        int[] pos = {1};
        long end = readVarLong(encoded, pos);
        for (int p = 0; p < numPartitions; p++) {
            offsets[p] = gaps ? end + unzigzag(readVarLong(encoded, pos)) : end;
            lengths[p] = readVarLong(encoded, pos);
            end = offsets[p] + lengths[p];
        }
    }

    /** Fills the checkpoints and checks the whole encoding; returns the total length. */
    private long index() {
        boolean gaps = (encoded[0] & GAPS) != 0;
        int[] pos = {1};
        long end = readVarLong(encoded, pos);
        long total = 0;
        boolean anyGap = false;
        for (int p = 0; p < numPartitions; p++) {
            if (p % CHECKPOINT_EVERY == 0) {
                checkpointPositions[p / CHECKPOINT_EVERY] = pos[0];
                checkpointOffsets[p / CHECKPOINT_EVERY] = end;
            }
            long gap = gaps ? unzigzag(readVarLong(encoded, pos)) : 0;
            anyGap |= gap != 0;
            long start = end + gap;
            long length = readVarLong(encoded, pos);
            if (start < 0 || length < 0 || start + length < 0 || total + length < 0) {
                throw new IllegalArgumentException("Map status: partition " + p + "'s range overflows");
            }
            end = start + length;
            total += length;
        }
        if (pos[0] != encoded.length || (gaps && !anyGap) || end < 0 || (numPartitions == 0 && end != 0)) {
            throw new IllegalArgumentException("Map status: not the canonical encoding of " + numPartitions
                    + " partitions");
        }
        return total;
    }

    private static byte[] encode(long[] offsets, long[] lengths) {
        if (offsets.length != lengths.length) {
            throw new IllegalArgumentException("Map status: " + offsets.length + " offsets but " + lengths.length
                    + " lengths");
        }
        boolean gaps = false;
        for (int p = 0; p < offsets.length; p++) {
            if (offsets[p] < 0 || lengths[p] < 0) {
                throw new IllegalArgumentException("Map status: partition " + p + " has offset " + offsets[p]
                        + " and length " + lengths[p] + "; neither may be negative");
            }
            gaps |= p > 0 && offsets[p] != offsets[p - 1] + lengths[p - 1];
        }
        // Worst case 10 bytes per varint; the array is trimmed below.
        byte[] buffer = new byte[1 + 10 + offsets.length * (gaps ? 20 : 10)];
        int[] pos = {0};
        buffer[pos[0]++] = (byte) (gaps ? GAPS : 0);
        long end = offsets.length == 0 ? 0 : offsets[0];
        writeVarLong(buffer, pos, end);
        for (int p = 0; p < offsets.length; p++) {
            if (gaps) {
                writeVarLong(buffer, pos, zigzag(offsets[p] - end));
            }
            writeVarLong(buffer, pos, lengths[p]);
            end = offsets[p] + lengths[p];
        }
        return Arrays.copyOf(buffer, pos[0]);
    }

    private static void writeVarLong(byte[] buffer, int[] pos, long value) {
        int i = pos[0];
        while ((value & ~0x7FL) != 0) {
            buffer[i++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buffer[i++] = (byte) value;
        pos[0] = i;
    }

    /** Reads an unsigned varint, refusing overlong or truncated forms. */
    private static long readVarLong(byte[] buffer, int[] pos) {
        int i = pos[0];
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            if (i >= buffer.length || shift > 63) {
                throw new IllegalArgumentException("Map status: truncated or oversized integer at byte " + i);
            }
            byte b = buffer[i++];
            if (shift == 63 && (b & 0x7E) != 0) {
                throw new IllegalArgumentException("Map status: integer too large at byte " + (i - 1));
            }
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                if (b == 0 && shift > 0) {
                    throw new IllegalArgumentException("Map status: overlong integer at byte " + (i - 1));
                }
                pos[0] = i;
                return value;
            }
        }
    }

    private static long zigzag(long value) {
        return (value << 1) ^ (value >> 63);
    }

    private static long unzigzag(long value) {
        return (value >>> 1) ^ -(value & 1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MapStatus s && mapIndex == s.mapIndex && taskAttemptId == s.taskAttemptId
                && numPartitions == s.numPartitions && Objects.equals(executorId, s.executorId)
                && Objects.equals(path, s.path) && Arrays.equals(encoded, s.encoded);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mapIndex, taskAttemptId, executorId, path, numPartitions, Arrays.hashCode(encoded));
    }

    @Override
    public String toString() {
        return "MapStatus[mapIndex=" + mapIndex + ", taskAttemptId=" + taskAttemptId + ", executorId=" + executorId
                + ", path=" + path + ", partitions=" + numPartitions + ", bytes=" + totalBytes + "]";
    }
}
