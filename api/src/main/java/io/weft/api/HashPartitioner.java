package io.weft.api;

/**
 * Partitions keys by {@code hashCode} modulo the partition count ({@code null} goes to partition 0). Enum keys
 * are hashed by name, because an enum's {@code hashCode} differs from one JVM to the next.
 */
public final class HashPartitioner extends Partitioner {

    private static final long serialVersionUID = 1L;

    private final int partitions;

    /**
     * @param partitions the number of partitions, at least 1
     * @throws IllegalArgumentException if {@code partitions < 1}
     */
    public HashPartitioner(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("A HashPartitioner needs at least 1 partition, got " + partitions);
        }
        this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
        return partitions;
    }

    @Override
    public int getPartition(Object key) {
        return key == null ? 0 : Math.floorMod(stableHash(key), partitions);
    }

    /**
     * A hash code that is the same in every JVM for the same key: {@code hashCode}, except for enums (hashed by
     * name).
     *
     * @param key a non-null key
     * @return its hash
     */
    public static int stableHash(Object key) {
        if (key instanceof Enum<?> e) {
            return e.getDeclaringClass().getName().hashCode() * 31 + e.name().hashCode();
        }
        return key.hashCode();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HashPartitioner h && h.partitions == partitions;
    }

    @Override
    public int hashCode() {
        return partitions;
    }

    @Override
    public String toString() {
        return "HashPartitioner(" + partitions + ")";
    }
}
