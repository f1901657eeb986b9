package io.weft.planner;

import io.weft.api.SerializableFunction;
import io.weft.api.lineage.Node;
import java.util.List;

/** The last stage of a job: its tasks apply the action's function to partitions and return the results. */
public final class ResultStage extends Stage {

    private final SerializableFunction<?, ?> function;
    private final int[] partitions;

    ResultStage(int id, Node<?> node, List<ShuffleMapStage> parents, SerializableFunction<?, ?> function,
            int[] partitions) {
        super(id, node, parents);
        this.function = function;
        this.partitions = partitions.clone();
    }

    /** @return the per-partition function */
    public SerializableFunction<?, ?> function() {
        return function;
    }

    /** @return the partitions the job computes, in result order */
    public int[] partitions() {
        return partitions.clone();
    }

    int partition(int outputIndex) {
        return partitions[outputIndex];
    }

    int numOutputs() {
        return partitions.length;
    }

    @Override
    public String describe() {
        return "ResultStage " + id() + " (" + node().name() + ")";
    }
}
