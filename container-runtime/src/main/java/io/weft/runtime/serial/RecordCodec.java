package io.weft.runtime.serial;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.nio.charset.StandardCharsets;

/**
 * Writes and reads one field of a record (a key or a value) with fast paths for the common types.
 *
 * <p>Format: a one-byte tag, then the payload: an ASCII {@code String} as its length (varint) and its bytes, any
 * other {@code String} with {@link Output#writeString}, {@code Integer} as a
 * zig-zag varint, {@code Long} as a zig-zag varlong, {@code Double} as 8 bytes, {@code Boolean} and {@code null}
 * in the tag alone, and anything else with {@link Kryo#writeClassAndObject}. Each field is a top-level Kryo
 * object, so Kryo's reference and class-name state is reset after it: a stream of fields can be cut between any
 * two fields and each piece decoded on its own (the shuffle and spill files rely on that).
 *
 * <p>Stateless and thread-safe; the {@link Kryo} passed in is not, and belongs to the calling thread.
 */
public final class RecordCodec {

    private static final byte NULL = 0;
    private static final byte STRING = 1;
    private static final byte INT = 2;
    private static final byte LONG = 3;
    private static final byte DOUBLE = 4;
    private static final byte FALSE = 5;
    private static final byte TRUE = 6;
    private static final byte OBJECT = 7;
    private static final byte ASCII = 8;

    private RecordCodec() {
    }

    /**
     * @param kryo the calling thread's Kryo, used only for types without a fast path
     * @param out where to write
     * @param value the field, may be {@code null}
     * @throws KryoException when the value cannot be serialized
     */
    public static void writeField(Kryo kryo, Output out, Object value) {
        if (value == null) {
            out.writeByte(NULL);
        } else if (value instanceof String s) {
            writeString(out, s);
        } else if (value instanceof Integer i) {
            out.writeByte(INT);
            out.writeVarInt(i, false);
        } else if (value instanceof Long l) {
            out.writeByte(LONG);
            out.writeVarLong(l, false);
        } else if (value instanceof Double d) {
            out.writeByte(DOUBLE);
            out.writeDouble(d);
        } else if (value instanceof Boolean b) {
            out.writeByte(b ? TRUE : FALSE);
        } else {
            out.writeByte(OBJECT);
            kryo.writeClassAndObject(out, value);
        }
    }

    /**
     * ASCII strings (nearly all keys) as bytes: the JDK encodes and decodes those with array copies, where Kryo's
     * {@code writeString} and {@code readString} go char by char. Any other string keeps Kryo's encoding, exactly
     * as before.
     */
    private static void writeString(Output out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length != s.length()) {
            out.writeByte(STRING);
            out.writeString(s);
            return;
        }
        out.writeByte(ASCII);
        out.writeVarInt(bytes.length, true);
        out.writeBytes(bytes);
    }

    private static String readAscii(Input in) {
        int length = in.readVarInt(true);
        if (in.limit() - in.position() >= length) {
            int at = in.position();
            in.setPosition(at + length);
            return new String(in.getBuffer(), at, length, StandardCharsets.ISO_8859_1);
        }
        return new String(in.readBytes(length), StandardCharsets.ISO_8859_1);
    }

    /**
     * @param kryo the calling thread's Kryo, used only for types without a fast path
     * @param in where to read from, positioned at a field written by {@link #writeField}
     * @return the field
     * @throws KryoException when the input ends early or holds an unknown tag
     */
    public static Object readField(Kryo kryo, Input in) {
        byte tag = in.readByte();
        return switch (tag) {
            case NULL -> null;
            case ASCII -> readAscii(in);
            case STRING -> in.readString();
            case INT -> in.readVarInt(false);
            case LONG -> in.readVarLong(false);
            case DOUBLE -> in.readDouble();
            case FALSE -> Boolean.FALSE;
            case TRUE -> Boolean.TRUE;
            case OBJECT -> kryo.readClassAndObject(in);
            default -> throw new KryoException("Corrupt record: unknown field tag " + tag);
        };
    }
}
