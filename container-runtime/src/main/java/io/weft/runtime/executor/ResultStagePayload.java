package io.weft.runtime.executor;

import io.weft.api.SerializableFunction;
import io.weft.api.lineage.Node;

/**
 * What a result stage's binary holds: the pipelined lineage and the action's per-partition function.
 *
 * @param node the stage's last node
 * @param function applied to the partition's iterator
 */
public record ResultStagePayload(Node<?> node, SerializableFunction<?, ?> function) {
}
