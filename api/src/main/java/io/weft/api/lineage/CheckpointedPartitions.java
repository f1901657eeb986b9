package io.weft.api.lineage;

import java.io.Serializable;
import java.util.Iterator;

/**
 * Where a checkpointed node's partitions are, and how a task reads one back. Travels inside task binaries.
 *
 * @param <T> record type
 */
public interface CheckpointedPartitions<T> extends Serializable {

    /**
     * Reads a partition. Called on a task thread.
     *
     * @param node the checkpointed node
     * @param partition the partition
     * @param context the running task
     * @return the records
     * @throws io.weft.api.WeftException when the partition cannot be read (a lost local checkpoint block)
     */
    Iterator<T> read(Node<T> node, int partition, TaskContext context);

    /** @return the directory of a reliable checkpoint, or {@code null} for a local one */
    String location();
}
