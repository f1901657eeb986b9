package io.weft.planner;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The driver's record of committed map outputs, per shuffle. The first committed attempt of a map partition
 * wins; a lost or unreadable output is unregistered so that only it is recomputed. Used only on the scheduler
 * thread.
 */
public final class MapOutputRegistry {

    private final Map<Integer, MapStatus[]> outputs = new HashMap<>();

    /**
     * @param shuffleId the shuffle
     * @param numMaps the number of map partitions
     */
    public void registerShuffle(int shuffleId, int numMaps) {
        outputs.putIfAbsent(shuffleId, new MapStatus[numMaps]);
    }

    /**
     * @param shuffleId the shuffle
     * @return whether the shuffle is known
     */
    public boolean contains(int shuffleId) {
        return outputs.containsKey(shuffleId);
    }

    /**
     * Registers a committed output unless the partition already has one.
     *
     * @param shuffleId the shuffle
     * @param status the output
     * @return whether it was registered (false when another attempt got there first)
     */
    public boolean register(int shuffleId, MapStatus status) {
        MapStatus[] statuses = outputs.get(shuffleId);
        if (statuses[status.mapIndex()] != null) {
            return false;
        }
        statuses[status.mapIndex()] = status;
        return true;
    }

    /**
     * Forgets an output that cannot be read.
     *
     * @param shuffleId the shuffle
     * @param mapIndex the map partition
     * @return the forgotten output, or {@code null}
     */
    public MapStatus unregister(int shuffleId, int mapIndex) {
        MapStatus[] statuses = outputs.get(shuffleId);
        if (statuses == null) {
            return null;
        }
        MapStatus old = statuses[mapIndex];
        statuses[mapIndex] = null;
        return old;
    }

    /**
     * @param shuffleId the shuffle
     * @return the map partitions without a registered output, in order
     */
    public List<Integer> missing(int shuffleId) {
        List<Integer> missing = new ArrayList<>();
        MapStatus[] statuses = outputs.get(shuffleId);
        for (int i = 0; i < statuses.length; i++) {
            if (statuses[i] == null) {
                missing.add(i);
            }
        }
        return missing;
    }

    /**
     * @param shuffleId the shuffle
     * @return whether every map partition has an output
     */
    public boolean isComplete(int shuffleId) {
        MapStatus[] statuses = outputs.get(shuffleId);
        if (statuses == null) {
            return false;
        }
        for (MapStatus s : statuses) {
            if (s == null) {
                return false;
            }
        }
        return true;
    }

    /**
     * The blocks a reduce task reads: each map output's range for the partition, skipping empty ones.
     *
     * @param shuffleId the shuffle, which must be complete
     * @param reducePartition the partition
     * @return the blocks, in map order
     * @throws IllegalStateException if an output is missing
     */
    public List<ShuffleBlock> blocksFor(int shuffleId, int reducePartition) {
        MapStatus[] statuses = outputs.get(shuffleId);
        List<ShuffleBlock> blocks = new ArrayList<>(statuses.length);
        for (int i = 0; i < statuses.length; i++) {
            MapStatus s = statuses[i];
            if (s == null) {
                throw new IllegalStateException("Map output " + i + " of shuffle " + shuffleId + " is missing");
            }
            long length = s.partitionLengths()[reducePartition];
            if (length > 0) {
                blocks.add(new ShuffleBlock(i, s.path(), s.partitionOffsets()[reducePartition], length));
            }
        }
        return blocks;
    }

    /**
     * @param shuffleId the shuffle
     * @return the registered outputs (nulls for missing ones), a copy
     */
    public MapStatus[] statuses(int shuffleId) {
        return outputs.get(shuffleId).clone();
    }

    /**
     * Forgets a shuffle.
     *
     * @param shuffleId the shuffle
     */
    public void removeShuffle(int shuffleId) {
        outputs.remove(shuffleId);
    }
}
