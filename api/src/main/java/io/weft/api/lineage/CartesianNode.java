package io.weft.api.lineage;

import io.weft.api.Pair;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * Every pair of a record of the first parent with a record of the second: partition {@code i * n + j} (where
 * {@code n} is the second parent's partition count) pairs the first parent's partition {@code i} with the
 * second's partition {@code j}, records of {@code i} in the outer loop, as Spark's {@code cartesian}.
 *
 * <p>The second parent's partition is read once per task and held in memory while the first is streamed.
 *
 * @param <A> the first parent's record type
 * @param <B> the second parent's record type
 */
public final class CartesianNode<A, B> extends Node<Pair<A, B>> {

    private static final long serialVersionUID = 1L;

    private final Node<A> first;
    private final Node<B> second;
    private final List<Dependency<?>> dependencies;

    /**
     * @param id node id
     * @param name operator and call site
     * @param first the outer input
     * @param second the inner input
     */
    public CartesianNode(int id, String name, Node<A> first, Node<B> second) {
        super(id, name);
        this.first = first;
        this.second = second;
        int n = second.numPartitions();
        this.dependencies = List.of(new Projected<>(first, n, true), new Projected<>(second, n, false));
    }

    @Override
    public int numPartitions() {
        return first.numPartitions() * second.numPartitions();
    }

    @Override
    public List<Dependency<?>> dependencies() {
        return dependencies;
    }

    @Override
    public List<String> preferredLocations(int partition) {
        return first.preferredLocations(partition / second.numPartitions());
    }

    @Override
    protected Iterator<Pair<A, B>> compute(int partition, TaskContext context) {
        int n = second.numPartitions();
        Iterator<A> outer = first.iterator(partition / n, context);
        if (!outer.hasNext()) {
            // Nothing to pair with: do not compute the inner partition at all.
            return Collections.emptyIterator();
        }
        ArrayList<B> inner = Iterators.toList(second.iterator(partition % n, context));
        return Iterators.flatMap(outer, a -> Iterators.map(inner.iterator(), b -> new Pair<>(a, b)));
    }

    /** Child partition {@code p} reads the first parent's {@code p / n} or the second parent's {@code p % n}. */
    private static final class Projected<T> extends NarrowDependency<T> {
        private static final long serialVersionUID = 1L;
        private final int n;
        private final boolean outer;

        Projected(Node<T> parent, int n, boolean outer) {
            super(parent);
            this.n = n;
            this.outer = outer;
        }

        @Override
        public int[] parentPartitions(int childPartition) {
            return new int[] {outer ? childPartition / n : childPartition % n};
        }
    }
}
