package io.weft.api;

import java.io.Serializable;
import java.util.function.Predicate;

/**
 * A test on one value that can be shipped to executors (see {@link SerializableFunction}).
 *
 * @param <T> the tested type
 */
@FunctionalInterface
public interface SerializablePredicate<T> extends Predicate<T>, Serializable {
}
