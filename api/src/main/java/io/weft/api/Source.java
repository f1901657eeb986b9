package io.weft.api;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;

/**
 * A reader a library adds to Weft: what Spark programs get by extending {@code RDD} with {@code getPartitions} and
 * {@code compute}. Give it to {@link WeftSession#fromSource(String, Source)} (or
 * {@link WeftSession#fromPairSource(String, Source)}) to get a dataset.
 *
 * <p>The source object is created on the driver, where {@link #numPartitions()} and
 * {@link #preferredLocations(int)} are called once per dataset; it is then serialized (Kryo, like every function)
 * into each task, where {@link #read(int)} is called on the task's thread. Keep it small: describe the partitions
 * (paths, ranges, connection settings), do not hold their data. A reader that holds a resource its consumer may
 * not drain (a connection, a process) registers its release with
 * {@link io.weft.api.lineage.TaskContext#addTaskCompletionListener(Runnable)}.
 *
 * @param <T> record type
 */
public interface Source<T> extends Serializable {

    /**
     * Called on the driver, once, when the dataset is made.
     *
     * @return how many partitions the source has, at least 0
     */
    int numPartitions();

    /**
     * Hosts that hold a partition's data, as hints for task placement and YARN container requests. Called on the
     * driver.
     *
     * @param partition a partition index
     * @return host names, possibly empty (the default)
     */
    default List<String> preferredLocations(int partition) {
        return List.of();
    }

    /**
     * Reads one partition. Called on an executor, on the task's thread, once per task attempt (a retried or
     * speculative attempt reads again, so reads must be repeatable). An exception fails the attempt, which the
     * scheduler retries as any task failure.
     *
     * @param partition the partition index
     * @return the partition's records, read lazily
     * @throws Exception when the partition cannot be read
     */
    Iterator<T> read(int partition) throws Exception;
}
