package io.weft.driver;

import io.weft.api.Broadcast;
import io.weft.api.WeftException;
import io.weft.runtime.broadcast.BroadcastLifecycle;
import io.weft.runtime.broadcast.BroadcastStore;
import io.weft.runtime.broadcast.FileBroadcast;
import io.weft.runtime.serial.KryoPool;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's broadcasts: writes each value once to {@code <app dir>/broadcast/broadcast_<id>}, and unpersists
 * (the executors drop their copies) or destroys (and the file is deleted) them. Thread-safe.
 */
final class DriverBroadcasts implements BroadcastLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(DriverBroadcasts.class);

    private final FileSystem fs;
    private final Path dir;
    private final KryoPool kryo;
    private final ClusterBackend backend;
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean dirMade;

    DriverBroadcasts(FileSystem fs, Path appDir, KryoPool kryo, ClusterBackend backend) {
        this.fs = fs;
        this.dir = new Path(appDir, "broadcast");
        this.kryo = kryo;
        this.backend = backend;
    }

    <T> Broadcast<T> create(T value) {
        return create(value, kryo);
    }

    /**
     * @param value the value
     * @param serializers the serializers of the calling thread's class-loader scope (which executors read it with)
     * @param <T> its type
     * @return the broadcast
     */
    <T> Broadcast<T> create(T value, KryoPool serializers) {
        long id = ids.getAndIncrement();
        Path file = new Path(dir, "broadcast_" + id);
        try {
            if (!dirMade) {
                io.weft.runtime.files.OwnerOnly.mkdirs(fs, dir);
                dirMade = true;
            }
            BroadcastStore.write(fs, file, serializers.serialize(value));
        } catch (IOException e) {
            throw new WeftException("Could not write broadcast " + id + " to " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new WeftException("Could not serialize the broadcast value of type "
                    + (value == null ? "null" : value.getClass().getName()) + ": " + e.getMessage(), e);
        }
        return new FileBroadcast<>(id, file.toString(), value, this);
    }

    @Override
    public void unpersist(long id) {
        backend.unpersistBroadcast(id);
    }

    @Override
    public void destroy(long id, String path) {
        backend.unpersistBroadcast(id);
        try {
            fs.delete(new Path(path), false);
        } catch (IOException e) {
            LOG.warn("Could not delete the file of broadcast {} ({}): {}", id, path, e.toString());
        }
    }
}
