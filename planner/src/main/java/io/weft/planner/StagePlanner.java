package io.weft.planner;

import io.weft.api.SerializableFunction;
import io.weft.api.lineage.Dependency;
import io.weft.api.lineage.NarrowDependency;
import io.weft.api.lineage.Node;
import io.weft.api.lineage.ShuffleDependency;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cuts lineage into stages: narrow dependencies stay inside a stage (pipelined in one task), each shuffle
 * dependency starts a parent {@link ShuffleMapStage}. Map stages are kept by shuffle id, so a later job that
 * reads the same shuffle reuses the stage (and, through the {@link MapOutputRegistry}, its outputs).
 *
 * <p>Not thread-safe: used only on the scheduler thread.
 */
public final class StagePlanner {

    private final Map<Integer, ShuffleMapStage> mapStagesByShuffle = new HashMap<>();
    private int nextStageId;

    /**
     * @param node the job's final node
     * @param function the action's per-partition function
     * @param partitions the partitions to compute
     * @return the job's result stage, its parents created or reused
     */
    public ResultStage resultStage(Node<?> node, SerializableFunction<?, ?> function, int[] partitions) {
        List<ShuffleMapStage> parents = parentStages(node);
        return new ResultStage(nextStageId++, node, parents, function, partitions);
    }

    /**
     * @param dependency a shuffle
     * @return the map stage that writes it, created on first use
     */
    public ShuffleMapStage mapStage(ShuffleDependency<?, ?, ?> dependency) {
        ShuffleMapStage existing = mapStagesByShuffle.get(dependency.shuffleId());
        if (existing != null) {
            return existing;
        }
        List<ShuffleMapStage> parents = parentStages(dependency.parent());
        ShuffleMapStage stage = new ShuffleMapStage(nextStageId++, dependency.parent(), parents, dependency);
        mapStagesByShuffle.put(dependency.shuffleId(), stage);
        return stage;
    }

    /**
     * @param shuffleId a shuffle
     * @return its map stage, or {@code null} if none was planned
     */
    public ShuffleMapStage mapStageOf(int shuffleId) {
        return mapStagesByShuffle.get(shuffleId);
    }

    /**
     * The shuffles a node's stage reads directly: found by walking narrow dependencies until shuffle ones. A
     * checkpointed node has none ({@link Node#lineageDependencies()}): its stage starts there.
     *
     * @param node a stage's last node
     * @return the shuffle dependencies, in discovery order, without duplicates
     */
    public static List<ShuffleDependency<?, ?, ?>> directShuffles(Node<?> node) {
        Map<Integer, ShuffleDependency<?, ?, ?>> found = new LinkedHashMap<>();
        Set<Integer> visited = new HashSet<>();
        Deque<Node<?>> toVisit = new ArrayDeque<>();
        toVisit.push(node);
        while (!toVisit.isEmpty()) {
            Node<?> current = toVisit.pop();
            if (!visited.add(current.id())) {
                continue;
            }
            for (Dependency<?> dep : current.lineageDependencies()) {
                if (dep instanceof ShuffleDependency<?, ?, ?> shuffle) {
                    found.putIfAbsent(shuffle.shuffleId(), shuffle);
                } else if (dep instanceof NarrowDependency<?> narrow) {
                    toVisit.push(narrow.parent());
                }
            }
        }
        return new ArrayList<>(found.values());
    }

    private List<ShuffleMapStage> parentStages(Node<?> node) {
        List<ShuffleMapStage> parents = new ArrayList<>();
        for (ShuffleDependency<?, ?, ?> shuffle : directShuffles(node)) {
            parents.add(mapStage(shuffle));
        }
        return parents;
    }
}
