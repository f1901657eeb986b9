package io.weft.api.lineage;

import io.weft.api.Partitioner;
import io.weft.api.StorageLevel;
import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * One step of a dataset's lineage: how to compute each of its partitions from its dependencies.
 *
 * <p>Nodes are created on the driver and are immutable there except for their storage level, which
 * {@code cache()}/{@code persist()} set before a job runs. Executors receive deserialized copies and call
 * {@link #iterator(int, TaskContext)} on task threads.
 *
 * @param <T> the record type
 */
public abstract class Node<T> implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int id;
    private final String name;
    private volatile StorageLevel storageLevel;

    /**
     * @param id an id unique within the application
     * @param name the operator and its call site, e.g. {@code map at WordCount.java:31}
     */
    protected Node(int id, String name) {
        this.id = id;
        this.name = name;
    }

    /** @return this node's id, unique within the application */
    public final int id() {
        return id;
    }

    /** @return the operator and call site that made this node */
    public final String name() {
        return name;
    }

    /** @return the number of partitions */
    public abstract int numPartitions();

    /** @return the dependencies on parent nodes, narrow or shuffle */
    public abstract List<Dependency<?>> dependencies();

    /** @return the partitioner that places this node's keys, when it is known */
    public Optional<Partitioner> partitioner() {
        return Optional.empty();
    }

    /**
     * Hosts where a partition's input lives, as scheduling hints.
     *
     * @param partition a partition index
     * @return host names, possibly empty
     */
    public List<String> preferredLocations(int partition) {
        return List.of();
    }

    /**
     * Computes one partition from scratch. Called on a task thread.
     *
     * @param partition the partition index
     * @param context the running task
     * @return the partition's records, read lazily
     */
    protected abstract Iterator<T> compute(int partition, TaskContext context);

    /**
     * A partition's records: from the executor's cache when this node is persisted and the partition is there,
     * otherwise computed. Called on a task thread.
     *
     * @param partition the partition index
     * @param context the running task
     * @return the records
     */
    public final Iterator<T> iterator(int partition, TaskContext context) {
        return storageLevel == null ? compute(partition, context) : context.getOrCompute(this, partition);
    }

    /**
     * Computes a partition, bypassing the cache; for the executor's cache manager.
     *
     * @param partition the partition index
     * @param context the running task
     * @return the records
     */
    public final Iterator<T> computeUncached(int partition, TaskContext context) {
        return compute(partition, context);
    }

    /** @return the storage level, or {@code null} when this node is not persisted */
    public final StorageLevel storageLevel() {
        return storageLevel;
    }

    /**
     * Sets or clears the storage level. Driver only.
     *
     * @param level the level, or {@code null} to stop caching
     */
    public final void setStorageLevel(StorageLevel level) {
        this.storageLevel = level;
    }

    @Override
    public String toString() {
        return name + " [node " + id + ", " + numPartitions() + " partitions]";
    }
}
