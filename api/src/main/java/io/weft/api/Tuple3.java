package io.weft.api;

/**
 * Three values, named as Scala's {@code Tuple3} so ported code compiles: the value type of a three-way
 * {@link PairDataset#cogroup(PairDataset, PairDataset)}.
 *
 * @param _1 the first value
 * @param _2 the second value
 * @param _3 the third value
 * @param <A> the first type
 * @param <B> the second type
 * @param <C> the third type
 */
public record Tuple3<A, B, C>(A _1, B _2, C _3) {

    @Override
    public String toString() {
        return "(" + _1 + "," + _2 + "," + _3 + ")";
    }
}
