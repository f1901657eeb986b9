package io.weft.planner;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * Everything an executor needs to run one task attempt: the stage's binary (shared by all its tasks), which
 * partition to compute, where to read its shuffle input, and, for a map task, the shuffle to write.
 *
 * @param taskId unique within the application; also the attempt id used in output file names
 * @param stageId the stage
 * @param stageAttempt the stage attempt
 * @param partition the partition of the stage's node to compute
 * @param attemptNumber 0 for the first attempt of this partition in this stage attempt
 * @param binary the stage's serialized lineage and function
 * @param shuffleInputs for each shuffle the task reads, the blocks of its partition
 * @param shuffleOutput for a map task, the shuffle it writes; {@code null} for a result task
 * @param preferredHosts hosts where the input lives (scheduling hints)
 * @param partitionData the parallelized slices this task reads, serialized with the stage's serializer (see
 *     {@link TaskSlices}); {@code null} when it reads none. Unlike the binary, sent with every attempt.
 */
public record TaskDescription(long taskId, int stageId, int stageAttempt, int partition, int attemptNumber,
        StageBinary binary, Map<Integer, List<ShuffleBlock>> shuffleInputs, ShuffleOutput shuffleOutput,
        List<String> preferredHosts, byte[] partitionData) implements Serializable {

    /** A task that reads no parallelized slices. */
    public TaskDescription(long taskId, int stageId, int stageAttempt, int partition, int attemptNumber,
            StageBinary binary, Map<Integer, List<ShuffleBlock>> shuffleInputs, ShuffleOutput shuffleOutput,
            List<String> preferredHosts) {
        this(taskId, stageId, stageAttempt, partition, attemptNumber, binary, shuffleInputs, shuffleOutput,
                preferredHosts, null);
    }

    /**
     * @param other another binary for the same stage (the same bytes, or none when the executor has them)
     * @return this attempt with that binary
     */
    public TaskDescription withBinary(StageBinary other) {
        return new TaskDescription(taskId, stageId, stageAttempt, partition, attemptNumber, other, shuffleInputs,
                shuffleOutput, preferredHosts, partitionData);
    }

    /**
     * What the driver keeps of an attempt once it is launched: the same attempt without its shuffle blocks and
     * parallelized slices, which only the executor reads. A reduce task of an M-map shuffle carries M blocks
     * (about 44 bytes each on the heap), so keeping them for every running attempt would hold, on 4,000 cores
     * reading a 10,000-map shuffle, about 1.7 GB.
     *
     * @return this attempt with no shuffle inputs and no partition data
     */
    public TaskDescription withoutInputs() {
        return new TaskDescription(taskId, stageId, stageAttempt, partition, attemptNumber, binary, Map.of(),
                shuffleOutput, preferredHosts, null);
    }

    /** @return whether this task writes a shuffle */
    public boolean isMapTask() {
        return shuffleOutput != null;
    }

    /**
     * The shuffle a map task writes.
     *
     * @param shuffleId the shuffle
     * @param numReducePartitions the number of reduce partitions
     */
    public record ShuffleOutput(int shuffleId, int numReducePartitions) implements Serializable {
    }

    @Override
    public String toString() {
        return "task " + taskId + " (stage " + stageId + "." + stageAttempt + ", partition " + partition
                + ", attempt " + attemptNumber + ")";
    }
}
