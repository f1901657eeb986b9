package io.weft.runtime.spill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Output;
import io.weft.runtime.serial.KryoPool;
import io.weft.runtime.serial.RecordCodec;
import org.junit.jupiter.api.Test;

class SizeEstimatorTest {

    private static final KryoPool KRYO = new KryoPool(SizeEstimatorTest.class.getClassLoader());

    @Test
    void estimatesTwiceTheSerializedSizePlusOverheadPerEntry() {
        Kryo kryo = KRYO.borrow();
        try {
            SizeEstimator estimator = new SizeEstimator();
            assertThat(estimator.estimate(10)).isZero();
            String value = "x".repeat(100);
            for (int i = 0; i < 1000; i++) {
                estimator.update(kryo, 1000 + i, value);
            }
            Output out = new Output(256);
            RecordCodec.writeField(kryo, out, 2000);
            RecordCodec.writeField(kryo, out, value);
            long perEntry = 2L * out.position() + SizeEstimator.ENTRY_OVERHEAD;
            assertThat(estimator.estimate(1000)).isBetween(1000 * perEntry - 1000, 1000 * perEntry + 1000);
            estimator.reset();
            assertThat(estimator.estimate(1)).as("the per-entry size survives a reset").isPositive();
        } finally {
            KRYO.release(kryo);
        }
    }

    @Test
    void followsGrowingEntries() {
        Kryo kryo = KRYO.borrow();
        try {
            SizeEstimator estimator = new SizeEstimator();
            for (int i = 0; i < 2000; i++) {
                estimator.update(kryo, 1, "y".repeat(i));
            }
            assertThat(estimator.estimate(1)).isGreaterThan(2000);
        } finally {
            KRYO.release(kryo);
        }
    }

    @Test
    void budgetIsNonNegative() {
        assertThat(new MemoryBudget(5).bytes()).isEqualTo(5);
        assertThatThrownBy(() -> new MemoryBudget(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
