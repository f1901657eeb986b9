package io.weft.api;

import java.io.Serializable;
import java.util.function.Consumer;

/**
 * An action on one value that can be shipped to executors, used by {@link Dataset#foreach}.
 *
 * @param <T> the consumed type
 */
@FunctionalInterface
public interface SerializableConsumer<T> extends Consumer<T>, Serializable {
}
