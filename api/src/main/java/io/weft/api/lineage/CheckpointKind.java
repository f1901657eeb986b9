package io.weft.api.lineage;

/** Where a checkpointed node's partitions are kept. */
public enum CheckpointKind {
    /** Files in the session's checkpoint directory on a (reliable) Hadoop file system. */
    RELIABLE,
    /** The executors' block stores: fast, but lost with an executor. */
    LOCAL
}
