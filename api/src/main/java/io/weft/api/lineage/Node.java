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
 * {@code cache()}/{@code persist()} set before a job runs, and their checkpoint state: asked for by
 * {@code checkpoint()}/{@code localCheckpoint()}, then set by the engine once the partitions are written, after
 * which {@link #lineageDependencies()} is empty and every partition is read back instead of computed. Executors
 * receive deserialized copies and call {@link #iterator(int, TaskContext)} on task threads. Subclasses implement
 * {@link #dependencies()} and {@link #compute}; the checkpoint handling wraps them and needs nothing from them.
 *
 * @param <T> the record type
 */
public abstract class Node<T> implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int id;
    private final String name;
    private volatile StorageLevel storageLevel;
    /** Driver-set, like the storage level: a checkpoint asked for, then where its written partitions are. */
    private volatile CheckpointKind checkpointRequest;
    private volatile CheckpointedPartitions<T> checkpointed;

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

    /**
     * The dependencies on parent nodes, narrow or shuffle, as this node's operator defines them. Schedulers call
     * {@link #lineageDependencies()}, which honours checkpoints.
     *
     * @return the dependencies
     */
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
        return storageLevel == null ? computeOrReadCheckpoint(partition, context)
                : context.getOrCompute(this, partition);
    }

    /**
     * Computes a partition, bypassing the cache; for the executor's cache manager.
     *
     * @param partition the partition index
     * @param context the running task
     * @return the records
     */
    public final Iterator<T> computeUncached(int partition, TaskContext context) {
        return computeOrReadCheckpoint(partition, context);
    }

    private Iterator<T> computeOrReadCheckpoint(int partition, TaskContext context) {
        CheckpointedPartitions<T> written = checkpointed;
        return written != null ? written.read(this, partition, context) : compute(partition, context);
    }

    // ---- checkpoints ----

    /**
     * The dependencies the planner and the engine follow: none once this node is checkpointed (its partitions
     * are read back from the checkpoint, so its lineage is cut for every job, including those of children made
     * earlier), otherwise {@link #dependencies()}.
     *
     * @return the dependencies to follow
     */
    public final List<Dependency<?>> lineageDependencies() {
        return checkpointed != null ? List.of() : dependencies();
    }

    /**
     * Marks this node for checkpointing after the next job that computes it. Driver only.
     *
     * @param kind reliable (files) or local (executor storage)
     */
    public final void requestCheckpoint(CheckpointKind kind) {
        if (checkpointed == null) {
            checkpointRequest = kind;
        }
    }

    /** @return the checkpoint asked for and not yet written, or {@code null} */
    public final CheckpointKind pendingCheckpoint() {
        return checkpointed == null ? checkpointRequest : null;
    }

    /**
     * Records that this node's partitions are written: from now on they are read from there. Driver only.
     *
     * @param partitions where the partitions are
     */
    public final void checkpointWritten(CheckpointedPartitions<T> partitions) {
        this.checkpointed = partitions;
    }

    /** @return whether this node's partitions are checkpointed and its lineage cut */
    public final boolean isCheckpointed() {
        return checkpointed != null;
    }

    /**
     * Engine-facing: where this node's partitions were written, so that another copy of the same node (a
     * long-running session receives a fresh copy of a program's lineage with each job) can be marked written too.
     *
     * @return the written partitions, or {@code null} before the checkpoint is written
     */
    public final CheckpointedPartitions<T> checkpointedPartitions() {
        return checkpointed;
    }

    /** @return the checkpoint's directory, for a reliable checkpoint once written */
    public final Optional<String> checkpointLocation() {
        CheckpointedPartitions<T> written = checkpointed;
        return written == null ? Optional.empty() : Optional.ofNullable(written.location());
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
