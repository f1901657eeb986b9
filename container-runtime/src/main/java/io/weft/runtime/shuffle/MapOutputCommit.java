package io.weft.runtime.shuffle;

import java.io.Serializable;

/**
 * A committed map output: the file holding it (of its own, or a segment file shared with other outputs of the
 * executor) and where each reduce partition's bytes are in it, as absolute positions in that file.
 *
 * @param path the file's fully qualified path
 * @param partitionLengths for each reduce partition, its length in bytes (0 for an empty partition)
 * @param partitionOffsets for each reduce partition, the offset of its first byte
 */
public record MapOutputCommit(String path, long[] partitionLengths, long[] partitionOffsets)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * @param mapIndex the map partition that wrote this output
     * @param partition a reduce partition
     * @return the range a reduce task reads for that partition
     */
    public ShuffleSegment segment(int mapIndex, int partition) {
        return new ShuffleSegment(mapIndex, path, partitionOffsets[partition], partitionLengths[partition]);
    }

    /** @return the number of data bytes (all partitions, without the index footer) */
    public long totalBytes() {
        long total = 0;
        for (long length : partitionLengths) {
            total += length;
        }
        return total;
    }
}
