package io.weft.planner;

import io.weft.api.lineage.Dependency;
import io.weft.api.lineage.NarrowDependency;
import io.weft.api.lineage.Node;
import io.weft.api.lineage.ParallelizeNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the parallelized slices a task reads: the partitions of every {@link ParallelizeNode} its stage reaches
 * through narrow dependencies from the task's partition (a union, a coalesce or a cartesian product read several).
 * Those slices travel with the task ({@link TaskDescription#partitionData()}), not in the stage binary, so that a
 * task's cost does not grow with the number of partitions. The map's key is {@link #key}; its value the slice's
 * records. Driver only; runs on the scheduler thread.
 */
public final class TaskSlices {

    private TaskSlices() {
    }

    /**
     * @param nodeId a parallelize node
     * @param partition one of its partitions
     * @return the key of that slice in {@link #of}'s map
     */
    public static long key(int nodeId, int partition) {
        return ((long) nodeId << 32) | (partition & 0xffffffffL);
    }

    /**
     * @param stageNode the stage's last node
     * @return whether any task of the stage reads a parallelized slice (if not, {@link #of} is always empty)
     */
    public static boolean readsSlices(Node<?> stageNode) {
        Deque<Node<?>> todo = new ArrayDeque<>(List.of(stageNode));
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        while (!todo.isEmpty()) {
            Node<?> node = todo.pop();
            if (!seen.add(node.id())) {
                continue;
            }
            if (node instanceof ParallelizeNode<?> && !node.isCheckpointed()) {
                return true;
            }
            for (Dependency<?> dependency : node.lineageDependencies()) {
                if (dependency instanceof NarrowDependency<?> narrow) {
                    todo.push(narrow.parent());
                }
            }
        }
        return false;
    }

    /**
     * @param stageNode the stage's last node
     * @param partition the task's partition of it
     * @return the slices the task reads, by {@link #key}; empty when none
     */
    public static Map<Long, List<?>> of(Node<?> stageNode, int partition) {
        Map<Long, List<?>> slices = new HashMap<>();
        collect(stageNode, partition, slices);
        return slices;
    }

    private static void collect(Node<?> node, int partition, Map<Long, List<?>> slices) {
        if (node instanceof ParallelizeNode<?> parallelize) {
            if (!node.isCheckpointed()) {
                slices.putIfAbsent(key(node.id(), partition), parallelize.slice(partition));
            }
            return;
        }
        for (Dependency<?> dependency : node.lineageDependencies()) {
            if (dependency instanceof NarrowDependency<?> narrow) {
                for (int parent : narrow.parentPartitions(partition)) {
                    collect(narrow.parent(), parent, slices);
                }
            }
        }
    }
}
