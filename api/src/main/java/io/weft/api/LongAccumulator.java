package io.weft.api;

import io.weft.api.lineage.TaskContext;
import java.io.Serializable;
import java.util.concurrent.atomic.LongAdder;

/**
 * A counter that tasks add to and the driver reads. Create one with {@link WeftSession#longAccumulator(String)}.
 *
 * <p>Inside a task, {@link #add(long)} records the update against that task attempt; the driver adds it to the
 * total only when the attempt succeeds and only for the first successful attempt of a partition, so retried or
 * speculative attempts never count twice. Updates made inside transformations are counted every time a job
 * computes that partition (as in Spark): for exact counts, update accumulators in actions such as
 * {@link Dataset#foreach}. Thread-safe.
 */
public final class LongAccumulator implements Serializable {

    private static final long serialVersionUID = 1L;

    private final long id;
    private final String name;
    /** Only on the driver: executors receive a copy without it, and their updates go to the running task. */
    private final transient LongAdder total;

    /**
     * Used by the engine; users call {@link WeftSession#longAccumulator(String)}.
     *
     * @param id an id unique within the application
     * @param name a name for logs and the UI
     */
    public LongAccumulator(long id, String name) {
        this.id = id;
        this.name = name;
        this.total = new LongAdder();
    }

    /**
     * Adds to the accumulator: inside a task, to that attempt's updates; on the driver, to the total.
     *
     * @param delta the amount
     */
    public void add(long delta) {
        TaskContext task = TaskContext.current();
        if (task != null) {
            task.addAccumulatorUpdate(id, delta);
        } else if (total != null) {
            total.add(delta);
        } else {
            throw new IllegalStateException("Accumulator '" + name + "' was used on an executor outside a task");
        }
    }

    /**
     * The total of the updates of successful tasks so far. Only on the driver.
     *
     * @return the total
     * @throws IllegalStateException on an executor, where totals are not known
     */
    public long value() {
        if (total == null) {
            throw new IllegalStateException("Accumulator '" + name + "' can only be read on the driver");
        }
        return total.sum();
    }

    /**
     * The accumulator's id.
     *
     * @return the id
     */
    public long id() {
        return id;
    }

    /**
     * The accumulator's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "LongAccumulator(" + name + (total == null ? ")" : "=" + total.sum() + ")");
    }
}
