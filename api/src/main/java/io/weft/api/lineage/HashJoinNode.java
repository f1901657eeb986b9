package io.weft.api.lineage;

import io.weft.api.Pair;
import io.weft.api.Partitioner;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Function;

/**
 * An inner join of two keyed inputs, partitioned alike (each shuffled unless already partitioned by the output
 * partitioner, as {@link CoGroupedNode} does). Each task builds an in-memory table of one side's partition, the
 * side with fewer shuffle bytes (the right one when that is not known), and streams the other side past it,
 * emitting a pair per match: the streamed side's records are never grouped, and those without a match cost one
 * lookup. When the build side does not fit in the task's memory ({@link TaskContext#hashTable}), the task falls
 * back to grouping both sides by key, which spills ({@link CoGroupedNode}'s plan), reading the build side again.
 *
 * <p>The output holds the same pairs as a cogroup followed by the product of each key's value lists; their order
 * within a partition differs (it follows the streamed side).
 *
 * @param <K> key type
 * @param <V> left value type
 * @param <W> right value type
 */
public final class HashJoinNode<K, V, W> extends Node<Pair<K, Pair<V, W>>> {

    private static final long serialVersionUID = 1L;

    private final CoGroupedNode<K> grouped;

    /**
     * @param id node id
     * @param name operator and call site
     * @param left the left input
     * @param right the right input
     * @param partitioner the output partitioner
     * @param firstShuffleId the shuffle id for the first input that needs a shuffle; the second takes the next
     */
    public HashJoinNode(int id, String name, Node<? extends Pair<K, V>> left, Node<? extends Pair<K, W>> right,
            Partitioner partitioner, int firstShuffleId) {
        super(id, name);
        // The grouped plan is this node's dependencies, and its fallback; it is never a separate stage.
        this.grouped = new CoGroupedNode<>(id, name, List.of(left, right), partitioner, firstShuffleId);
    }

    @Override
    public int numPartitions() {
        return grouped.numPartitions();
    }

    @Override
    public List<Dependency<?>> dependencies() {
        return grouped.dependencies();
    }

    @Override
    public Optional<Partitioner> partitioner() {
        return grouped.partitioner();
    }

    @Override
    protected Iterator<Pair<K, Pair<V, W>>> compute(int partition, TaskContext context) {
        boolean buildLeft = buildsLeft(partition, context);
        int buildSide = buildLeft ? 0 : 1;
        Optional<Function<K, List<Object>>> table = context.hashTable(input(buildSide, partition, context));
        if (table.isEmpty()) {
            return fallback(partition, context);
        }
        return new Probe(input(1 - buildSide, partition, context), table.get(), buildLeft);
    }

    /** Builds the side with fewer shuffle bytes; the right one when a side is not shuffled or sizes are unknown. */
    private boolean buildsLeft(int partition, TaskContext context) {
        List<Dependency<?>> deps = grouped.dependencies();
        if (deps.get(0) instanceof ShuffleDependency<?, ?, ?> left
                && deps.get(1) instanceof ShuffleDependency<?, ?, ?> right) {
            long leftBytes = context.shuffleBytes(left, partition);
            long rightBytes = context.shuffleBytes(right, partition);
            return leftBytes >= 0 && rightBytes >= 0 && leftBytes < rightBytes;
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private Iterator<Pair<K, Object>> input(int side, int partition, TaskContext context) {
        Dependency<?> dep = grouped.dependencies().get(side);
        return dep instanceof ShuffleDependency<?, ?, ?> shuffle
                ? context.readShuffle((ShuffleDependency<K, ?, ?>) shuffle, partition)
                : ((Node<Pair<K, Object>>) dep.parent()).iterator(partition, context);
    }

    @SuppressWarnings("unchecked")
    private Iterator<Pair<K, Pair<V, W>>> fallback(int partition, TaskContext context) {
        Iterator<Pair<K, List<List<Object>>>> groups = grouped.compute(partition, context);
        return Iterators.flatMap(groups, g -> {
            List<Object> lefts = g.value().get(0);
            List<Object> rights = g.value().get(1);
            if (lefts.isEmpty() || rights.isEmpty()) {
                return Collections.emptyIterator();
            }
            List<Pair<K, Pair<V, W>>> out = new ArrayList<>(lefts.size() * rights.size());
            for (Object v : lefts) {
                for (Object w : rights) {
                    out.add(new Pair<>(g.key(), new Pair<>((V) v, (W) w)));
                }
            }
            return out.iterator();
        });
    }

    /** Streams one side past the other's table; lazy, one match list at a time. */
    private final class Probe implements Iterator<Pair<K, Pair<V, W>>> {
        private final Iterator<Pair<K, Object>> stream;
        private final Function<K, List<Object>> table;
        private final boolean buildLeft;
        private Pair<K, Object> current;
        private List<Object> matches = List.of();
        private int next;

        Probe(Iterator<Pair<K, Object>> stream, Function<K, List<Object>> table, boolean buildLeft) {
            this.stream = stream;
            this.table = table;
            this.buildLeft = buildLeft;
        }

        @Override
        public boolean hasNext() {
            while (next >= matches.size()) {
                if (!stream.hasNext()) {
                    return false;
                }
                current = stream.next();
                List<Object> found = table.apply(current.key());
                matches = found == null ? List.of() : found;
                next = 0;
            }
            return true;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Pair<K, Pair<V, W>> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Object built = matches.get(next++);
            Pair<V, W> values = buildLeft ? new Pair<>((V) built, (W) current.value())
                    : new Pair<>((V) current.value(), (W) built);
            return new Pair<>(current.key(), values);
        }
    }
}
