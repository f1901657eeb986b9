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
    /** How many outputs each shuffle has, so that {@link #isComplete} is O(1) (it is asked at every map success). */
    private final Map<Integer, Integer> registered = new HashMap<>();
    private final Map<Integer, Cursors> cursors = new HashMap<>();

    /**
     * Where the last {@link #blocksFor} stopped in each map output's encoded ranges (see
     * {@link MapStatus#block(int, Cursors, int)}), so that launching reduce tasks in partition order decodes each
     * range once rather than from a checkpoint every time.
     */
    static final class Cursors {
        final int[] next;
        final int[] position;
        final long[] end;

        Cursors(int maps) {
            next = new int[maps];
            position = new int[maps];
            end = new long[maps];
            java.util.Arrays.fill(next, Integer.MAX_VALUE);
        }

        void reset(int map) {
            next[map] = Integer.MAX_VALUE;
        }
    }

    /**
     * @param shuffleId the shuffle
     * @param numMaps the number of map partitions
     */
    public void registerShuffle(int shuffleId, int numMaps) {
        if (outputs.putIfAbsent(shuffleId, new MapStatus[numMaps]) == null) {
            registered.put(shuffleId, 0);
            cursors.put(shuffleId, new Cursors(numMaps));
        }
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
        registered.merge(shuffleId, 1, Integer::sum);
        cursors.get(shuffleId).reset(status.mapIndex());
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
        if (old != null) {
            registered.merge(shuffleId, -1, Integer::sum);
            cursors.get(shuffleId).reset(mapIndex);
        }
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
        return statuses != null && registered.get(shuffleId) == statuses.length;
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
        Cursors resume = cursors.get(shuffleId);
        List<ShuffleBlock> blocks = new ArrayList<>(statuses.length);
        for (int i = 0; i < statuses.length; i++) {
            MapStatus s = statuses[i];
            if (s == null) {
                throw new IllegalStateException("Map output " + i + " of shuffle " + shuffleId + " is missing");
            }
            ShuffleBlock block = s.block(reducePartition, resume, i);
            if (block != null) {
                blocks.add(block);
            }
        }
        return blocks;
    }

    /**
     * @param shuffleId a registered shuffle
     * @param mapIndex a map partition
     * @return whether it has an output; O(1), unlike {@link #statuses}
     */
    public boolean has(int shuffleId, int mapIndex) {
        return outputs.get(shuffleId)[mapIndex] != null;
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
        registered.remove(shuffleId);
        cursors.remove(shuffleId);
    }
}
