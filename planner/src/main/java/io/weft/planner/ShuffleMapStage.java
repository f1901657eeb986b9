package io.weft.planner;

import io.weft.api.lineage.Node;
import io.weft.api.lineage.ShuffleDependency;
import java.util.List;

/**
 * A stage whose tasks write their partition's records, partitioned by key, as one map output each. Reused by
 * every later job that reads the same shuffle: once all its outputs are registered it does not run again.
 */
public final class ShuffleMapStage extends Stage {

    private final ShuffleDependency<?, ?, ?> dependency;

    ShuffleMapStage(int id, Node<?> node, List<ShuffleMapStage> parents, ShuffleDependency<?, ?, ?> dependency) {
        super(id, node, parents);
        this.dependency = dependency;
    }

    /** @return the shuffle this stage writes */
    public ShuffleDependency<?, ?, ?> dependency() {
        return dependency;
    }

    /** @return the shuffle's id */
    public int shuffleId() {
        return dependency.shuffleId();
    }

    @Override
    public String describe() {
        return "ShuffleMapStage " + id() + " (" + node().name() + ", shuffle " + shuffleId() + ")";
    }
}
