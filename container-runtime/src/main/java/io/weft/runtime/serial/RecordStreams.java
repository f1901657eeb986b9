package io.weft.runtime.serial;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A partition's records as one stream: each record is a {@code true} byte then the record
 * ({@link RecordCodec#writeField}), and a {@code false} byte ends the stream. Used for disk and serialized
 * cache blocks and for checkpoint files. Stateless; a Kryo instance is borrowed per record, so an iterator that
 * is abandoned half-way holds none.
 */
public final class RecordStreams {

    private static final int BUFFER = 64 * 1024;

    private RecordStreams() {
    }

    /**
     * Writes records and the end marker, and flushes; does not close {@code out}.
     *
     * @param kryo serializers
     * @param out where to write
     * @param records the records, consumed
     * @return how many records were written
     */
    public static long write(KryoPool kryo, OutputStream out, Iterator<?> records) {
        Kryo k = kryo.borrow();
        try {
            Output output = new Output(out, BUFFER);
            long n = 0;
            while (records.hasNext()) {
                output.writeBoolean(true);
                RecordCodec.writeField(k, output, records.next());
                n++;
            }
            output.writeBoolean(false);
            output.flush();
            return n;
        } finally {
            kryo.release(k);
        }
    }

    /**
     * Reads records lazily; closes {@code in} at the end marker.
     *
     * @param kryo serializers
     * @param in a stream written by {@link #write}
     * @param <T> record type
     * @return the records
     */
    public static <T> Iterator<T> read(KryoPool kryo, InputStream in) {
        Input input = new Input(in, BUFFER);
        return new Iterator<>() {
            private Boolean ready;

            @Override
            public boolean hasNext() {
                if (ready == null) {
                    ready = input.readBoolean();
                    if (!ready) {
                        input.close();
                    }
                }
                return ready;
            }

            @Override
            @SuppressWarnings("unchecked")
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                ready = null;
                return (T) kryo.with(k -> RecordCodec.readField(k, input));
            }
        };
    }
}
