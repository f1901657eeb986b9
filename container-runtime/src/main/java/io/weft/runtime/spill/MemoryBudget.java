package io.weft.runtime.spill;

/**
 * How many bytes of heap one in-memory structure of a task (an aggregation map, a sort buffer) may use before it
 * spills to local disk. Sizes are estimates ({@link SizeEstimator}), so leave headroom.
 */
public final class MemoryBudget {

    private final long bytes;

    /**
     * @param bytes the budget, at least 0 (0 spills after every record)
     * @throws IllegalArgumentException if negative
     */
    public MemoryBudget(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("A memory budget cannot be negative, got " + bytes);
        }
        this.bytes = bytes;
    }

    /** @return the budget in bytes */
    public long bytes() {
        return bytes;
    }

    @Override
    public String toString() {
        return "MemoryBudget(" + bytes + " bytes)";
    }
}
