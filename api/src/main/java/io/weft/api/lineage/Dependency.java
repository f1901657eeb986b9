package io.weft.api.lineage;

import java.io.Serializable;

/**
 * How a node depends on one parent: narrowly (each child partition reads a few known parent partitions, in the
 * same task) or through a shuffle (a stage boundary).
 *
 * @param <T> the parent's record type
 */
public abstract sealed class Dependency<T> implements Serializable permits NarrowDependency, ShuffleDependency {

    private static final long serialVersionUID = 1L;

    /**
     * The parent node. For a {@link ShuffleDependency} this is {@code null} on executors: the parent belongs to
     * the previous stage.
     *
     * @return the parent
     */
    public abstract Node<T> parent();
}
