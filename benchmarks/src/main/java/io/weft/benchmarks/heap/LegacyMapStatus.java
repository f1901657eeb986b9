package io.weft.benchmarks.heap;

import io.weft.planner.ShuffleBlock;
import java.util.ArrayList;
import java.util.List;

/**
 * The map status as it was before issue 14 (commit 12fdee5): a record of two {@code long[numPartitions]}, and the
 * registry's {@code blocksFor} over it, kept here only as the benchmark's "before".
 *
 * @param mapIndex the map partition
 * @param taskAttemptId the attempt that committed it
 * @param executorId the executor that wrote it
 * @param path the output file
 * @param partitionOffsets start of each reduce partition's bytes
 * @param partitionLengths length of each reduce partition's bytes
 */
record LegacyMapStatus(int mapIndex, long taskAttemptId, String executorId, String path, long[] partitionOffsets,
        long[] partitionLengths) {

    /** The old {@code MapOutputRegistry.blocksFor}, line for line. */
    static List<ShuffleBlock> blocksFor(LegacyMapStatus[] statuses, int reducePartition) {
        List<ShuffleBlock> blocks = new ArrayList<>(statuses.length);
        for (int i = 0; i < statuses.length; i++) {
            LegacyMapStatus s = statuses[i];
            long length = s.partitionLengths()[reducePartition];
            if (length > 0) {
                blocks.add(new ShuffleBlock(i, s.path(), s.partitionOffsets()[reducePartition], length));
            }
        }
        return blocks;
    }
}
