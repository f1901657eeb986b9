package io.weft.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Collects elements into a list, as Spark's {@code CollectionAccumulator}. Create one with
 * {@link WeftSession#collectionAccumulator(String)}; see {@link Accumulator} for when updates count. The order
 * of elements from different tasks is the order in which their tasks finished. Thread-safe.
 *
 * @param <T> element type
 */
public final class CollectionAccumulator<T> extends Accumulator<T, List<T>> {

    private static final long serialVersionUID = 1L;

    private ArrayList<T> elements = new ArrayList<>();

    /** An empty accumulator; register it with {@link WeftSession#register(Accumulator, String)} before use. */
    public CollectionAccumulator() {
    }

    @Override
    public synchronized boolean isZero() {
        return elements.isEmpty();
    }

    @Override
    public synchronized CollectionAccumulator<T> copy() {
        CollectionAccumulator<T> copy = new CollectionAccumulator<>();
        copy.elements = new ArrayList<>(elements);
        return copy;
    }

    @Override
    public synchronized void reset() {
        elements = new ArrayList<>();
    }

    @Override
    public synchronized void add(T value) {
        elements.add(value);
    }

    @Override
    public void merge(Accumulator<T, List<T>> other) {
        if (!(other instanceof CollectionAccumulator<T> o)) {
            throw new UnsupportedOperationException("Cannot merge " + getClass().getSimpleName() + " with "
                    + other.getClass().getSimpleName());
        }
        List<T> theirs;
        synchronized (o) {
            theirs = new ArrayList<>(o.elements);
        }
        synchronized (this) {
            elements.addAll(theirs);
        }
    }

    /** @return a snapshot of the elements, unmodifiable */
    @Override
    public synchronized List<T> value() {
        return Collections.unmodifiableList(new ArrayList<>(elements));
    }
}
