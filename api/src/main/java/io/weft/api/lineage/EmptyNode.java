package io.weft.api.lineage;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * A dataset with no partitions (Spark's {@code emptyRDD}): jobs on it run no tasks.
 *
 * @param <T> record type
 */
public final class EmptyNode<T> extends Node<T> {

    private static final long serialVersionUID = 1L;

    /**
     * @param id node id
     * @param name operator and call site
     */
    public EmptyNode(int id, String name) {
        super(id, name);
    }

    @Override
    public int numPartitions() {
        return 0;
    }

    @Override
    public List<Dependency<?>> dependencies() {
        return List.of();
    }

    @Override
    protected Iterator<T> compute(int partition, TaskContext context) {
        return Collections.emptyIterator();
    }
}
