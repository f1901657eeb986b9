package io.weft.api;

import java.io.Serializable;
import java.util.Comparator;

/**
 * A comparator that can be shipped to executors, used by {@link PairDataset#sortByKey(SerializableComparator,
 * boolean, int)}.
 *
 * @param <T> the compared type
 */
@FunctionalInterface
public interface SerializableComparator<T> extends Comparator<T>, Serializable {

    /**
     * The natural order of a {@link Comparable} type, as a serializable comparator.
     *
     * @param <T> a comparable type
     * @return a comparator that calls {@code compareTo}
     */
    @SuppressWarnings("unchecked")
    static <T> SerializableComparator<T> naturalOrder() {
        return (SerializableComparator<T>) NaturalOrder.INSTANCE;
    }

    /**
     * The reverse of the natural order of a {@link Comparable} type, as a serializable comparator; what
     * {@code sortByKey(false)} sorts by.
     *
     * @param <T> a comparable type
     * @return a comparator that calls {@code compareTo} with its arguments swapped
     */
    @SuppressWarnings("unchecked")
    static <T> SerializableComparator<T> reverseNaturalOrder() {
        return (SerializableComparator<T>) ReverseNaturalOrder.INSTANCE;
    }

    /** The natural order as a singleton, so that two sorts with the natural order compare equal. */
    enum NaturalOrder implements SerializableComparator<Object> {
        INSTANCE;

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public int compare(Object a, Object b) {
            return ((Comparable) a).compareTo(b);
        }
    }

    /** The reverse natural order as a singleton, which executors recognise to sort by key prefixes. */
    enum ReverseNaturalOrder implements SerializableComparator<Object> {
        INSTANCE;

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public int compare(Object a, Object b) {
            return ((Comparable) b).compareTo(a);
        }
    }
}
