package io.weft.runtime.broadcast;

import io.weft.api.WeftException;
import io.weft.runtime.serial.KryoPool;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * An executor's broadcast values: each is read from its file once, by the first task that asks, and shared
 * by all later tasks. Thread-safe.
 */
public final class BroadcastStore {

    private final KryoPool kryo;
    private final Configuration hadoopConf;
    private final Map<Long, Object> values = new ConcurrentHashMap<>();
    private final AtomicLong fetches = new AtomicLong();

    /**
     * @param kryo serializers
     * @param hadoopConf to open broadcast files
     */
    public BroadcastStore(KryoPool kryo, Configuration hadoopConf) {
        this.kryo = kryo;
        this.hadoopConf = hadoopConf;
    }

    /**
     * @param id the broadcast
     * @param path its file
     * @param <T> value type
     * @return the value, fetched on first use
     */
    @SuppressWarnings("unchecked")
    public <T> T get(long id, String path) {
        return get(id, path, kryo);
    }

    /**
     * {@link #get(long, String)} read with other serializers: those of the task's class-loader scope, whose
     * classes the value may hold. Broadcast ids are unique within the application, so scopes never share one.
     *
     * @param id the broadcast
     * @param path its file
     * @param serializers the serializers that read the value on first use
     * @param <T> value type
     * @return the value, fetched on first use
     */
    @SuppressWarnings("unchecked")
    public <T> T get(long id, String path, KryoPool serializers) {
        return (T) values.computeIfAbsent(id, k -> fetch(path, serializers));
    }

    private Object fetch(String path, KryoPool kryo) {
        fetches.incrementAndGet();
        Path file = new Path(path);
        try (InputStream in = file.getFileSystem(hadoopConf).open(file)) {
            return kryo.deserialize(in.readAllBytes());
        } catch (IOException e) {
            throw new WeftException("Could not read broadcast value from " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Drops a value; a later {@link #get} fetches it again.
     *
     * @param id the broadcast
     */
    public void remove(long id) {
        values.remove(id);
    }

    /** @return how many broadcast files this executor has read */
    public long fetches() {
        return fetches.get();
    }

    /**
     * Writes a value for executors to fetch, readable by the application's user only (0600, in a directory the
     * caller made 0700 with {@link io.weft.runtime.files.OwnerOnly#mkdirs}). Driver side.
     *
     * @param fs the file system
     * @param file where
     * @param bytes the serialized value
     * @throws IOException on write failure
     */
    public static void write(FileSystem fs, Path file, byte[] bytes) throws IOException {
        try (var out = io.weft.runtime.files.OwnerOnly.create(fs, file, false)) {
            out.write(bytes);
        }
    }
}
