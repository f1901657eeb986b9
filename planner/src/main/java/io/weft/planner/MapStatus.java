package io.weft.planner;

import java.io.Serializable;

/**
 * A committed map output: which attempt wrote it, where, and the byte range of every reduce partition.
 *
 * @param mapIndex the map partition
 * @param taskAttemptId the attempt that committed it
 * @param executorId the executor that wrote it
 * @param path the output file
 * @param partitionOffsets start of each reduce partition's bytes
 * @param partitionLengths length of each reduce partition's bytes
 */
public record MapStatus(int mapIndex, long taskAttemptId, String executorId, String path, long[] partitionOffsets,
        long[] partitionLengths) implements Serializable {

    /** @return the total bytes of the output's partitions */
    public long totalBytes() {
        long total = 0;
        for (long length : partitionLengths) {
            total += length;
        }
        return total;
    }
}
