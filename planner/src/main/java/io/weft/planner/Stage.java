package io.weft.planner;

import io.weft.api.lineage.Node;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A set of tasks that run the same pipelined narrow lineage on different partitions, ending at a shuffle write
 * ({@link ShuffleMapStage}) or at a job's result ({@link ResultStage}). Owned by the scheduler thread.
 */
public abstract sealed class Stage permits ShuffleMapStage, ResultStage {

    private final int id;
    private final Node<?> node;
    private final List<ShuffleMapStage> parents;
    private final Set<Integer> jobIds = new HashSet<>();
    private int attempts;
    private int consecutiveFetchFailures;
    private StageBinary binary;
    /** Null until the stage is serialized; then gives a task's {@link TaskDescription#partitionData()}. */
    private java.util.function.IntFunction<byte[]> partitionData;
    private String fingerprint;

    Stage(int id, Node<?> node, List<ShuffleMapStage> parents) {
        this.id = id;
        this.node = node;
        this.parents = List.copyOf(parents);
    }

    /** @return the stage id, unique within the application */
    public int id() {
        return id;
    }

    /** @return the last node of the stage's pipeline */
    public Node<?> node() {
        return node;
    }

    /** @return the map stages whose output this stage reads */
    public List<ShuffleMapStage> parents() {
        return parents;
    }

    /** @return the number of partitions of the stage's node */
    public int numPartitions() {
        return node.numPartitions();
    }

    Set<Integer> jobIds() {
        return jobIds;
    }

    int nextAttempt() {
        return attempts++;
    }

    int attempts() {
        return attempts;
    }

    int recordFetchFailure() {
        return ++consecutiveFetchFailures;
    }

    void resetFetchFailures() {
        consecutiveFetchFailures = 0;
    }

    StageBinary binary() {
        return binary;
    }

    void setBinary(StageBinary binary) {
        this.binary = binary;
    }

    /**
     * @param partition a partition of the stage
     * @return the parallelized slices its task reads, serialized; {@code null} when none
     */
    byte[] partitionData(int partition) {
        return partitionData == null ? null : partitionData.apply(partition);
    }

    void setPartitionData(java.util.function.IntFunction<byte[]> partitionData) {
        this.partitionData = partitionData;
    }

    String fingerprint() {
        return fingerprint;
    }

    void setFingerprint(String fingerprint) {
        this.fingerprint = fingerprint;
    }

    /** @return a short description for logs */
    public abstract String describe();

    @Override
    public String toString() {
        return describe();
    }
}
