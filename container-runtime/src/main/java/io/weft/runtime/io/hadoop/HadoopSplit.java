package io.weft.runtime.io.hadoop;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.serializer.Deserializer;
import org.apache.hadoop.io.serializer.SerializationFactory;
import org.apache.hadoop.io.serializer.Serializer;

/**
 * An InputFormat's split (old or new API), carried as its class and its bytes in Hadoop's own serialization
 * ({@code io.serializations}: Writable splits such as FileSplit, as MapReduce's split files hold them), with
 * the hosts the format named for it.
 *
 * @param className the split's class
 * @param bytes the split, serialized
 * @param length the split's length in bytes, as the format reported it (for input metrics)
 * @param hosts where its data is, sorted (the lineage must serialize the same way in every driver attempt)
 */
public record HadoopSplit(String className, byte[] bytes, long length, List<String> hosts) implements Serializable {

    /**
     * Serializes a split on the driver.
     *
     * @param split the split
     * @param length its length
     * @param hosts its locations
     * @param conf the configuration naming the serializations
     * @return the carried split
     * @throws IllegalArgumentException when Hadoop has no serialization for the split's class
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static HadoopSplit of(Object split, long length, String[] hosts, Configuration conf) {
        Serializer serializer = new SerializationFactory(conf).getSerializer(split.getClass());
        if (serializer == null) {
            throw new IllegalArgumentException("The split class " + split.getClass().getName() + " is neither"
                    + " Writable nor known to io.serializations, so Weft cannot ship it to executors");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            serializer.open(out);
            serializer.serialize(split);
            serializer.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot serialize the split " + split, e);
        }
        List<String> sorted = hosts == null ? List.of() : Arrays.stream(hosts).sorted().toList();
        return new HadoopSplit(split.getClass().getName(), out.toByteArray(), length, sorted);
    }

    /**
     * @param conf the task's configuration (its class loader finds the split's class)
     * @return the split, deserialized
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Object read(Configuration conf) {
        try {
            Class<?> type = conf.getClassByName(className);
            Deserializer deserializer = new SerializationFactory(conf).getDeserializer(type);
            deserializer.open(new ByteArrayInputStream(bytes));
            Object split = deserializer.deserialize(null);
            deserializer.close();
            return split;
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("Cannot read the split of class " + className + ": " + e, e);
        }
    }

    @Override
    public String toString() {
        return className.substring(className.lastIndexOf('.') + 1) + "(" + length + " bytes)";
    }
}
