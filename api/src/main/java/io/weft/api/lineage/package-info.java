/**
 * A dataset's lineage: the graph of nodes that {@link io.weft.api.Dataset} builds and that the engine plans and
 * runs. Engine-facing: user programs do not need these types, and they may change between minor versions.
 *
 * <p>A node is serialized (with Kryo) into the task binary of every stage that computes it. A
 * {@link io.weft.api.lineage.ShuffleDependency} marks a stage boundary; its parent is transient, so a stage's
 * binary holds only the narrow part of the lineage that its tasks run.
 */
package io.weft.api.lineage;
