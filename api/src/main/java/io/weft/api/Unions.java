package io.weft.api;

import io.weft.api.lineage.Iterators;
import io.weft.api.lineage.Node;
import io.weft.api.lineage.UnionNode;
import io.weft.api.lineage.ZippedPartitionsNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/** The union of several datasets, partitioner-aware as Spark's {@code union}. */
final class Unions {

    private Unions() {
    }

    /**
     * When every input has the same partitioner, partition {@code i} of the union concatenates partition
     * {@code i} of each input and keeps the partitioner (Spark's {@code PartitionerAwareUnionRDD}); otherwise
     * the inputs' partitions are laid side by side and the partitioner is unknown.
     *
     * @param datasets at least one dataset, all of one session
     * @return the union's lineage node
     */
    @SuppressWarnings("unchecked")
    static <T> Node<T> of(List<? extends Dataset<T>> datasets) {
        if (datasets.isEmpty()) {
            throw new IllegalArgumentException("union needs at least one dataset; use emptyDataset() for none");
        }
        Dataset<T> first = datasets.get(0);
        List<Node<T>> nodes = new ArrayList<>();
        for (Dataset<T> ds : datasets) {
            first.requireSameSession(ds);
            nodes.add(ds.node);
        }
        first.session.checkOpen();
        Optional<Partitioner> partitioner = first.node.partitioner();
        boolean aligned = partitioner.isPresent() && nodes.stream().allMatch(n -> n.partitioner().equals(partitioner));
        if (aligned && nodes.size() > 1) {
            return new ZippedPartitionsNode<T>(first.session.engine().newNodeId(), CallSites.of("union"), nodes,
                    (i, its) -> Iterators.concat((Iterator<Iterator<T>>) (Iterator<?>) its.iterator()),
                    partitioner.get());
        }
        return new UnionNode<>(first.session.engine().newNodeId(), CallSites.of("union"), nodes);
    }
}
