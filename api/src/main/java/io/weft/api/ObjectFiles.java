package io.weft.api;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.io.BytesWritable;

/**
 * The format of {@code saveAsObjectFile} / {@code objectFile}, Spark's: a SequenceFile of
 * ({@code NullWritable}, {@code BytesWritable}) pairs, each value a Java-serialized {@code Object[]} of up to
 * {@value #BATCH} records. Java serialization (not Kryo) because the files outlive the application: they must
 * read back in another program whose Kryo registrations may differ, as long as the record classes are the same.
 */
final class ObjectFiles {

    static final int BATCH = 10;

    private ObjectFiles() {
    }

    /** @return the records in batches, each serialized; runs on an executor thread */
    static <T> Iterator<Pair<Object, byte[]>> serialize(Iterator<T> records) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return records.hasNext();
            }

            @Override
            public Pair<Object, byte[]> next() {
                List<Object> batch = new ArrayList<>(BATCH);
                while (batch.size() < BATCH && records.hasNext()) {
                    batch.add(records.next());
                }
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                    out.writeObject(batch.toArray());
                } catch (NotSerializableException e) {
                    throw new WeftException("saveAsObjectFile: a record of class " + e.getMessage() + " is not"
                            + " java.io.Serializable. Fix: make it Serializable, or map the records to a"
                            + " serializable form first.", e);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return Pair.of(null, bytes.toByteArray());
            }
        };
    }

    /** @return one batch's records; resolves classes with the thread's context class loader (the application's) */
    @SuppressWarnings("unchecked")
    static <T> Iterator<T> deserialize(BytesWritable batch) {
        try (ObjectInputStream in = new ApplicationObjectInputStream(
                new ByteArrayInputStream(batch.getBytes(), 0, batch.getLength()))) {
            return (Iterator<T>) Arrays.asList((Object[]) in.readObject()).iterator();
        } catch (IOException e) {
            throw new UncheckedIOException("objectFile: a batch is not readable: " + e, e);
        } catch (ClassNotFoundException e) {
            throw new WeftException("objectFile: the record class " + e.getMessage() + " is not on the class path."
                    + " Fix: ship the jar that holds it with the application.", e);
        }
    }

    private static final class ApplicationObjectInputStream extends ObjectInputStream {
        ApplicationObjectInputStream(InputStream in) throws IOException {
            super(in);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            if (loader != null) {
                try {
                    return Class.forName(desc.getName(), false, loader);
                } catch (ClassNotFoundException e) {
                    // Fall through: JDK and framework classes come from the default resolution.
                }
            }
            return super.resolveClass(desc);
        }
    }
}
