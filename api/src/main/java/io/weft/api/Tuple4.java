package io.weft.api;

/**
 * Four values, named as Scala's {@code Tuple4} so ported code compiles: the value type of a four-way
 * {@link PairDataset#cogroup(PairDataset, PairDataset, PairDataset)}.
 *
 * @param _1 the first value
 * @param _2 the second value
 * @param _3 the third value
 * @param _4 the fourth value
 * @param <A> the first type
 * @param <B> the second type
 * @param <C> the third type
 * @param <D> the fourth type
 */
public record Tuple4<A, B, C, D>(A _1, B _2, C _3, D _4) {

    @Override
    public String toString() {
        return "(" + _1 + "," + _2 + "," + _3 + "," + _4 + ")";
    }
}
