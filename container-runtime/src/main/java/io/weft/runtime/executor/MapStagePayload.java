package io.weft.runtime.executor;

import io.weft.api.lineage.Node;
import io.weft.api.lineage.ShuffleDependency;

/**
 * What a map stage's binary holds: the pipelined lineage whose records are written, and the shuffle.
 *
 * @param node the stage's last node
 * @param dependency the shuffle written
 */
public record MapStagePayload(Node<?> node, ShuffleDependency<?, ?, ?> dependency) {
}
