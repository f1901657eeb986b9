package io.weft.api;

import io.weft.api.lineage.Node;
import io.weft.api.lineage.ShuffleDependency;
import io.weft.api.lineage.ShuffledNode;
import java.util.List;

/**
 * {@code take(n)} straight after {@code sortByKey}, answered without the sort: the first {@code n} pairs of the
 * sorted dataset are the {@code n} pairs with the smallest keys in the sort's order, so one job keeps each input
 * partition's smallest {@code n} and the driver merges them, as Spark SQL plans {@code ORDER BY ... LIMIT n}. That
 * saves the sampling job, the shuffle and the sort. Pairs with equal keys come in no defined order either way.
 *
 * <p>Only when the sort has not been needed yet (its range bounds are unsampled, so no job has read its shuffle),
 * and the sorted dataset is neither persisted nor marked for a checkpoint, which would expect the sort to run; and
 * only for a "top n": the driver gathers up to {@code n} records from every input partition, so when that could
 * exceed {@link #MAX_GATHERED_RECORDS}, the sort runs and {@code take} reads its first partitions, as before.
 */
final class SortedTake {

    /** The most records the driver may gather (n times the sort's input partitions) instead of sorting. */
    static final long MAX_GATHERED_RECORDS = 1_000_000;

    private SortedTake() {
    }

    /**
     * @param dataset the dataset taken from, on the calling (driver) thread
     * @param n how many, at least 1
     * @param <T> the record type
     * @return the first {@code n} records, or {@code null} when {@code dataset} is not such a sort
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static <T> List<T> takeWithoutSorting(Dataset<T> dataset, int n) {
        Node<T> node = dataset.node;
        if (n < 1 || !(node instanceof ShuffledNode<?, ?, ?> shuffled) || node.storageLevel() != null
                || node.pendingCheckpoint() != null || node.isCheckpointed()) {
            return null;
        }
        ShuffleDependency<?, ?, ?> dep = shuffled.dependency();
        if (dep.partitionerChosen() || dep.aggregator() != null
                || !(dep.keyOrdering() instanceof SerializableComparator<?> ordering)) {
            return null;
        }
        if ((long) n * dep.parent().numPartitions() > MAX_GATHERED_RECORDS) {
            return null;
        }
        SerializableComparator<Object> keys = (SerializableComparator<Object>) ordering;
        Dataset<Pair<Object, Object>> input = new Dataset<>(dataset.session, (Node) dep.parent());
        return (List<T>) input.takeOrdered(n, (a, b) -> keys.compare(a.key(), b.key()), "take (sorted)");
    }
}
