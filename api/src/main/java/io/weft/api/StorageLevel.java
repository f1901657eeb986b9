package io.weft.api;

/**
 * Where {@link Dataset#persist(StorageLevel)} keeps computed partitions on the executors. Serialized levels
 * ({@code _SER}) keep each partition as Kryo bytes: smaller than objects, at the cost of deserializing on each
 * read. As in Spark, a partition that fits nowhere allowed is recomputed from its lineage when needed.
 */
public enum StorageLevel {
    /** Executor memory only, as objects; a partition that does not fit is not kept. */
    MEMORY_ONLY(true, false, true),
    /** Executor memory as objects, spilling partitions that do not fit to the executor's local disk. */
    MEMORY_AND_DISK(true, true, true),
    /** The executor's local disk only, serialized. */
    DISK_ONLY(false, true, false),
    /** Executor memory only, serialized with Kryo; a partition that does not fit is not kept. */
    MEMORY_ONLY_SER(true, false, false),
    /** Executor memory serialized with Kryo, spilling partitions that do not fit to local disk. */
    MEMORY_AND_DISK_SER(true, true, false);

    private final boolean useMemory;
    private final boolean useDisk;
    private final boolean deserialized;

    StorageLevel(boolean useMemory, boolean useDisk, boolean deserialized) {
        this.useMemory = useMemory;
        this.useDisk = useDisk;
        this.deserialized = deserialized;
    }

    /** @return whether partitions may be kept in memory */
    public boolean useMemory() {
        return useMemory;
    }

    /** @return whether partitions may be kept on local disk */
    public boolean useDisk() {
        return useDisk;
    }

    /** @return whether partitions in memory are kept as objects (rather than serialized bytes) */
    public boolean deserialized() {
        return deserialized;
    }
}
