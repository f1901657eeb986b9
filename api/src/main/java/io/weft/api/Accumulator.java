package io.weft.api;

import java.io.Serializable;

/**
 * A value that tasks add to and the driver reads, of any type: the base of {@link LongAccumulator},
 * {@link DoubleAccumulator}, {@link CollectionAccumulator} and user-defined accumulators (Spark's
 * {@code AccumulatorV2}). Register a user-defined one with {@link WeftSession#register(Accumulator, String)}
 * before a function captures it.
 *
 * <p>How updates travel: a function that captures a registered accumulator ships a zero copy of it
 * ({@link #copyAndReset()}) in the task; inside the task, {@link #add} changes that copy; when the attempt
 * succeeds, the copy travels back with its result and the driver {@link #merge}s it into the registered
 * accumulator - only for the first successful attempt of each partition, so retried and speculative attempts
 * never count twice. Updates made in transformations count each time a job computes the partition (as in Spark);
 * for exact counts update accumulators in actions such as {@link Dataset#foreach}.
 *
 * <p>Threads: a task's copy is used by that task's thread only. On the driver the scheduler thread merges task
 * copies while holding the accumulator's monitor; implementations read on other threads ({@link #value()}) should
 * synchronize on {@code this} too if their state is not thread-safe (the built-in ones do).
 *
 * @param <IN> what {@link #add} takes
 * @param <OUT> what {@link #value()} gives
 */
public abstract class Accumulator<IN, OUT> implements Serializable {

    private static final long serialVersionUID = 1L;

    private long id = -1;
    private String name;
    /** True only on the registered driver-side instance: copies (and everything deserialized) leave it false. */
    private transient boolean atDriverSide;

    /** @return whether this accumulator holds its zero value */
    public abstract boolean isZero();

    /** @return a new accumulator of the same kind with the same value */
    public abstract Accumulator<IN, OUT> copy();

    /** Sets the value back to zero. */
    public abstract void reset();

    /** @param value added to this accumulator */
    public abstract void add(IN value);

    /**
     * Adds another accumulator's value (a task's copy) to this one.
     *
     * @param other an accumulator of the same kind
     */
    public abstract void merge(Accumulator<IN, OUT> other);

    /** @return the current value: on the driver, the merged updates of successful tasks; in a task, its own */
    public abstract OUT value();

    /**
     * A zero copy carrying this accumulator's id and name: what a task receives.
     *
     * @return the copy
     */
    public final Accumulator<IN, OUT> copyAndReset() {
        Accumulator<IN, OUT> zero = copy();
        zero.reset();
        zero.id = id;
        zero.name = name;
        return zero;
    }

    /**
     * Registers this accumulator as the driver-side one. Engine-facing: users call
     * {@link WeftSession#register(Accumulator, String)}.
     *
     * @param id an id unique within the application
     * @param name a name for logs
     * @throws IllegalStateException if it is already registered
     */
    public final void registerAs(long id, String name) {
        if (this.id >= 0) {
            throw new IllegalStateException("Accumulator '" + this.name + "' is already registered (id " + this.id
                    + "); register each accumulator once");
        }
        this.id = id;
        this.name = name;
        this.atDriverSide = true;
    }

    /** @return whether a session registered this accumulator */
    public final boolean isRegistered() {
        return id >= 0;
    }

    /** @return whether this is the registered driver-side instance (not a task's copy) */
    public final boolean isAtDriverSide() {
        return atDriverSide;
    }

    /** @return the id, or -1 when not registered */
    public final long id() {
        return id;
    }

    /** @return the name given when registering, or {@code null} */
    public final String name() {
        return name;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(id: " + id + ", name: " + name + ", value: " + value() + ")";
    }
}
