package io.weft.api.lineage;

import io.weft.api.Pair;
import io.weft.api.Partitioner;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Groups several keyed inputs by key: each output record is a key with, for every input, the list of its
 * values. An input already partitioned by the same partitioner is read narrowly (no shuffle); the others are
 * shuffled. Joins are built on this.
 *
 * @param <K> key type
 */
public final class CoGroupedNode<K> extends Node<Pair<K, List<List<Object>>>> {

    private static final long serialVersionUID = 1L;

    private final Partitioner partitioner;
    private final List<Dependency<?>> dependencies;

    /**
     * @param id node id
     * @param name operator and call site
     * @param parents the keyed inputs
     * @param partitioner the output partitioner
     * @param firstShuffleId the shuffle id for the first input that needs a shuffle; later ones take the next ids
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public CoGroupedNode(int id, String name, List<? extends Node<? extends Pair<K, ?>>> parents,
            Partitioner partitioner, int firstShuffleId) {
        super(id, name);
        this.partitioner = partitioner;
        List<Dependency<?>> deps = new ArrayList<>();
        int shuffleId = firstShuffleId;
        for (Node<? extends Pair<K, ?>> parent : parents) {
            if (parent.partitioner().filter(partitioner::equals).isPresent()) {
                deps.add(new NarrowDependency.OneToOne<>(parent));
            } else {
                deps.add(new ShuffleDependency(parent, shuffleId++, partitioner, null, false, null));
            }
        }
        this.dependencies = List.copyOf(deps);
    }

    /**
     * @param parents the inputs
     * @param partitioner the output partitioner
     * @return how many shuffle ids a node over these inputs consumes
     */
    public static int shufflesNeeded(List<? extends Node<?>> parents, Partitioner partitioner) {
        return (int) parents.stream().filter(p -> p.partitioner().filter(partitioner::equals).isEmpty()).count();
    }

    @Override
    public int numPartitions() {
        return partitioner.numPartitions();
    }

    @Override
    public List<Dependency<?>> dependencies() {
        return dependencies;
    }

    @Override
    public Optional<Partitioner> partitioner() {
        return Optional.of(partitioner);
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    protected Iterator<Pair<K, List<List<Object>>>> compute(int partition, TaskContext context) {
        int n = dependencies.size();
        List<Iterator<Pair<K, Tagged>>> tagged = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Dependency<?> dep = dependencies.get(i);
            Iterator<Pair<K, Object>> in = dep instanceof ShuffleDependency shuffle
                    ? context.readShuffle(shuffle, partition)
                    : ((Node<Pair<K, Object>>) dep.parent()).iterator(partition, context);
            int tag = i;
            tagged.add(Iterators.map(in, p -> new Pair<>(p.key(), new Tagged(tag, p.value()))));
        }
        Aggregator<Tagged, ArrayList<ArrayList<Object>>> grouping = new Aggregator<>(
                t -> {
                    ArrayList<ArrayList<Object>> groups = emptyGroups(n);
                    groups.get(t.tag()).add(t.value());
                    return groups;
                },
                (groups, t) -> {
                    groups.get(t.tag()).add(t.value());
                    return groups;
                },
                (a, b) -> {
                    for (int i = 0; i < a.size(); i++) {
                        a.get(i).addAll(b.get(i));
                    }
                    return a;
                });
        Iterator<Pair<K, ArrayList<ArrayList<Object>>>> grouped =
                context.combineByKey(Iterators.concat(tagged.iterator()), grouping, false);
        return (Iterator) grouped;
    }

    private static ArrayList<ArrayList<Object>> emptyGroups(int n) {
        ArrayList<ArrayList<Object>> groups = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            groups.add(new ArrayList<>());
        }
        return groups;
    }

    /**
     * A value marked with the index of the input it came from.
     *
     * @param tag the input's index
     * @param value the value
     */
    public record Tagged(int tag, Object value) {
    }
}
