package io.weft.api.lineage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;
import java.util.function.Predicate;

/** Lazy iterator combinators used by the lineage nodes, so narrow steps pipeline record by record. */
public final class Iterators {

    private Iterators() {
    }

    /**
     * @param in the input
     * @param f applied to each record
     * @param <T> input type
     * @param <R> output type
     * @return a lazy mapping iterator
     */
    public static <T, R> Iterator<R> map(Iterator<T> in, Function<? super T, ? extends R> f) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return in.hasNext();
            }

            @Override
            public R next() {
                return f.apply(in.next());
            }
        };
    }

    /**
     * @param in the input
     * @param keep the test
     * @param <T> record type
     * @return a lazy filtering iterator
     */
    public static <T> Iterator<T> filter(Iterator<T> in, Predicate<? super T> keep) {
        return new Iterator<>() {
            private T next;
            private boolean ready;

            @Override
            public boolean hasNext() {
                while (!ready && in.hasNext()) {
                    T candidate = in.next();
                    if (keep.test(candidate)) {
                        next = candidate;
                        ready = true;
                    }
                }
                return ready;
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                ready = false;
                T result = next;
                next = null;
                return result;
            }
        };
    }

    /**
     * @param in the input
     * @param f gives each record's outputs
     * @param <T> input type
     * @param <R> output type
     * @return a lazy flattening iterator
     */
    public static <T, R> Iterator<R> flatMap(Iterator<T> in, Function<? super T, ? extends Iterator<? extends R>> f) {
        return new Iterator<>() {
            private Iterator<? extends R> current = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext()) {
                    if (!in.hasNext()) {
                        return false;
                    }
                    Iterator<? extends R> produced = f.apply(in.next());
                    current = produced == null ? Collections.emptyIterator() : produced;
                }
                return true;
            }

            @Override
            public R next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }

    /**
     * @param parts iterators to read one after another
     * @param <T> record type
     * @return their concatenation
     */
    public static <T> Iterator<T> concat(Iterator<? extends Iterator<? extends T>> parts) {
        return flatMap(parts, Function.identity());
    }

    /**
     * @param in the input
     * @param <T> record type
     * @return all records in a new list
     */
    public static <T> ArrayList<T> toList(Iterator<T> in) {
        ArrayList<T> out = new ArrayList<>();
        in.forEachRemaining(out::add);
        return out;
    }

    /**
     * @param in the input
     * @return the number of records
     */
    public static long count(Iterator<?> in) {
        long n = 0;
        while (in.hasNext()) {
            in.next();
            n++;
        }
        return n;
    }

    /**
     * @param in the input
     * @param limit at most this many
     * @param <T> record type
     * @return the first {@code limit} records
     */
    public static <T> List<T> take(Iterator<T> in, int limit) {
        List<T> out = new ArrayList<>();
        while (out.size() < limit && in.hasNext()) {
            out.add(in.next());
        }
        return out;
    }
}
