package io.weft.runtime.shuffle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.weft.runtime.serial.KryoPool;
import io.weft.runtime.serial.RecordCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link RecordCodec} (in the serial package) is the shuffle's record encoding; tested here with the shuffle. */
class RecordCodecTest {

    private static final KryoPool KRYO = new KryoPool(RecordCodecTest.class.getClassLoader());

    @Test
    void roundTripsFastPathAndGenericFields() {
        List<Object> fields = Arrays.asList(null, "", "héllo", 0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0L,
                Long.MIN_VALUE, Long.MAX_VALUE, -3.5, Double.NaN, true, false, List.of(1, 2),
                new ArrayList<>(List.of("a")), Map.of("k", 1), new ShuffleTestData.Point(3, "p"),
                new int[] {1, 2}, 'c', (short) 7, 1.5f);
        Kryo kryo = KRYO.borrow();
        try {
            Output out = new Output(16, -1);
            for (Object field : fields) {
                RecordCodec.writeField(kryo, out, field);
            }
            Input in = new Input(out.getBuffer(), 0, out.position());
            for (Object field : fields) {
                Object read = RecordCodec.readField(kryo, in);
                if (field instanceof int[] ints) {
                    assertThat((int[]) read).containsExactly(ints);
                } else {
                    assertThat(read).isEqualTo(field);
                }
            }
            assertThat(in.position()).isEqualTo(out.position());
        } finally {
            KRYO.release(kryo);
        }
    }

    @Test
    void stringsRoundTripFromMemoryAndThroughASmallStreamBuffer() {
        List<Object> fields = Arrays.asList("", "a", "k123456", "x".repeat(33), "y".repeat(100_000), "héllo",
                "\u00ff latin", "日本語", "tab\tand\u0000nul", "z".repeat(70) + "é");
        Kryo kryo = KRYO.borrow();
        try {
            Output out = new Output(16, -1);
            for (Object field : fields) {
                RecordCodec.writeField(kryo, out, field);
            }
            Input fromMemory = new Input(out.getBuffer(), 0, out.position());
            Input fromStream = new Input(new java.io.ByteArrayInputStream(out.getBuffer(), 0, out.position()), 16);
            for (Object field : fields) {
                assertThat(RecordCodec.readField(kryo, fromMemory)).isEqualTo(field);
                assertThat(RecordCodec.readField(kryo, fromStream)).isEqualTo(field);
            }
            assertThat(fromMemory.position()).isEqualTo(out.position());
        } finally {
            KRYO.release(kryo);
        }
    }

    @Test
    void fastPathsAreCompact() {
        Kryo kryo = KRYO.borrow();
        try {
            Output out = new Output(16, -1);
            RecordCodec.writeField(kryo, out, null);
            RecordCodec.writeField(kryo, out, true);
            RecordCodec.writeField(kryo, out, 5);
            RecordCodec.writeField(kryo, out, -5L);
            assertThat(out.position()).isEqualTo(1 + 1 + 2 + 2);
        } finally {
            KRYO.release(kryo);
        }
    }

    @Test
    void unknownTagIsAKryoException() {
        Kryo kryo = KRYO.borrow();
        try {
            assertThatThrownBy(() -> RecordCodec.readField(kryo, new Input(new byte[] {42})))
                    .isInstanceOf(KryoException.class).hasMessageContaining("tag 42");
        } finally {
            KRYO.release(kryo);
        }
    }
}
