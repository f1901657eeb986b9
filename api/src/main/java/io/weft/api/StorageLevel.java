package io.weft.api;

/** Where {@link Dataset#persist(StorageLevel)} keeps computed partitions on the executors. */
public enum StorageLevel {
    /** Executor memory only; a partition that does not fit is recomputed from its lineage when needed. */
    MEMORY_ONLY,
    /** Executor memory, spilling partitions that do not fit to the executor's local disk. */
    MEMORY_AND_DISK
}
