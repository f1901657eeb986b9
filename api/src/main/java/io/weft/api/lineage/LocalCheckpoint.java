package io.weft.api.lineage;

import io.weft.api.WeftException;
import java.util.Iterator;

/**
 * A locally checkpointed node's partitions: in the executors' block stores (the node is persisted with a disk
 * level), with no lineage to recompute them. A partition whose block is gone (its executor was lost, or the
 * dataset was unpersisted) cannot be rebuilt: the task fails saying so, as in Spark, rather than return
 * something else.
 *
 * @param <T> record type
 */
public final class LocalCheckpoint<T> implements CheckpointedPartitions<T> {

    private static final long serialVersionUID = 1L;

    @Override
    public Iterator<T> read(Node<T> node, int partition, TaskContext context) {
        Iterator<T> cached = context == null ? null : context.cachedPartition(node, partition);
        if (cached == null) {
            throw new WeftException("Checkpoint block of partition " + partition + " of " + node + " is lost:"
                    + " it was locally checkpointed (localCheckpoint()) and its executor is gone or the dataset was"
                    + " unpersisted, and its lineage was cut, so it cannot be recomputed. For data that must"
                    + " survive executor loss use checkpoint() with WeftSession.setCheckpointDir(dir).");
        }
        return cached;
    }

    @Override
    public String location() {
        return null;
    }
}
