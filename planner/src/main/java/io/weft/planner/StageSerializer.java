package io.weft.planner;

import io.weft.api.SerializableFunction;
import io.weft.api.lineage.Node;
import io.weft.api.lineage.ShuffleDependency;

/**
 * Turns a stage into the bytes its tasks run. Called on the scheduler thread once per stage submission.
 * Implementations must be thread-safe.
 */
public interface StageSerializer {

    /**
     * @param node the stage's last node (its records are written to the shuffle)
     * @param dependency the shuffle written
     * @return the bytes
     * @throws RuntimeException when the lineage cannot be serialized
     */
    byte[] serializeMapStage(Node<?> node, ShuffleDependency<?, ?, ?> dependency);

    /**
     * @param node the stage's last node
     * @param function applied to each partition's iterator
     * @return the bytes
     * @throws RuntimeException when the lineage cannot be serialized
     */
    byte[] serializeResultStage(Node<?> node, SerializableFunction<?, ?> function);

    /**
     * Serializes the parallelized slices one task reads ({@link TaskSlices}), with the same serializer as the
     * stage so that the executor reads them with its task class loader. Called on the scheduler thread for every
     * task attempt that reads such slices.
     *
     * @param slices the slices
     * @return the bytes
     * @throws RuntimeException when a record cannot be serialized
     */
    byte[] serializeTaskData(Object slices);
}
