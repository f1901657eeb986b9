package io.weft.runtime.executor;

import io.weft.api.WeftException;
import io.weft.runtime.broadcast.BroadcastStore;
import io.weft.runtime.cache.BlockStore;
import io.weft.conf.ConfigKeys;
import io.weft.conf.WeftConf;
import io.weft.api.spi.FilesRoot;
import io.weft.runtime.files.FileFetcher;
import io.weft.runtime.files.ShippedClassLoader;
import io.weft.runtime.serial.KryoPool;
import io.weft.runtime.shuffle.ShuffleStore;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Builds an executor's environment from the application's settings; the same in every kind of executor. */
public final class ExecutorEnvironments {

    private ExecutorEnvironments() {
    }

    /**
     * Files go where {@link io.weft.api.WeftFiles} looks in this JVM: the driver's directory when the executor
     * shares the driver's JVM (local mode), a YARN container's working directory (where the NodeManager put
     * {@code --files}), else a directory in the executor's scratch space. Jars go to the scratch space.
     */
    private static FileFetcher fileFetcher(Configuration hadoopConf, File localDir, KryoPool kryo)
            throws IOException {
        String root = FilesRoot.get();
        File filesDir = root != null ? new File(root) : System.getenv("CONTAINER_ID") != null
                ? new File(System.getProperty("user.dir")).getAbsoluteFile() : new File(localDir, "files");
        Files.createDirectories(filesDir.toPath());
        FilesRoot.set(filesDir.getAbsolutePath());
        return new FileFetcher(hadoopConf, filesDir, new File(localDir, "jars"),
                ShippedClassLoader.over(kryo.classLoader()));
    }

    /**
     * @param executorId the executor
     * @param host its host
     * @param cores its task threads
     * @param conf the session's settings
     * @param hadoopConf the Hadoop configuration
     * @param shuffleDir the application's shuffle directory
     * @param kryo serializers with the application's class loader
     * @return the environment, with a fresh local scratch directory
     */
    public static ExecutorEnvironment create(String executorId, String host, int cores, WeftConf conf,
            Configuration hadoopConf, Path shuffleDir, KryoPool kryo) {
        return create(executorId, host, cores, conf, hadoopConf, shuffleDir, kryo, Runtime.getRuntime().maxMemory());
    }

    /**
     * As {@link #create(String, String, int, WeftConf, Configuration, Path, KryoPool)}, for an executor that has
     * only part of this JVM's heap (one in the ApplicationMaster's JVM, beside the driver or the launcher).
     *
     * @param heap the bytes of heap the executor's task and storage memory are shares of
     */
    public static ExecutorEnvironment create(String executorId, String host, int cores, WeftConf conf,
            Configuration hadoopConf, Path shuffleDir, KryoPool kryo, long heap) {
        long taskMemory = (long) (heap * conf.get(ConfigKeys.MEMORY_FRACTION) / Math.max(1, cores));
        long storageMemory = (long) (heap * conf.get(ConfigKeys.STORAGE_FRACTION));
        String localRoot = conf.get(ConfigKeys.LOCAL_DIR);
        File localDir;
        try {
            File root = new File(localRoot != null ? localRoot : System.getProperty("java.io.tmpdir"));
            Files.createDirectories(root.toPath());
            localDir = Files.createTempDirectory(root.toPath(), "weft-" + executorId + "-").toFile();
            FileSystem fs = shuffleDir.getFileSystem(hadoopConf);
            // A map task holds its write buffer and its combine buffer at once: keep the two within the task's
            // share of the heap, whatever the configured buffer, so small heaps spill instead of failing.
            long writeBuffer = Math.max(1 << 20, Math.min(conf.get(ConfigKeys.SHUFFLE_WRITE_BUFFER), taskMemory / 2));
            // The random token keeps file names unique if executor ids repeat (a restarted AM's executors).
            ShuffleStore.Consolidation consolidation = conf.get(ConfigKeys.SHUFFLE_CONSOLIDATE_FILES)
                    ? new ShuffleStore.Consolidation(executorId + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16),
                            conf.get(ConfigKeys.SHUFFLE_SEGMENT_FILE_SIZE),
                            conf.get(ConfigKeys.SHUFFLE_SEGMENT_FILE_IDLE_TIMEOUT),
                            conf.get(ConfigKeys.SHUFFLE_SEGMENT_FILES_PER_EXECUTOR))
                    : null;
            // The driver made the application's shuffle directory before starting executors (DriverEngine).
            ShuffleStore shuffle = new ShuffleStore(fs, shuffleDir, conf.get(ConfigKeys.SHUFFLE_REPLICATION), kryo,
                    localDir, writeBuffer, consolidation).applicationDirMadeByDriver();
            return new ExecutorEnvironment(executorId, host, kryo, shuffle,
                    new BlockStore(kryo, localDir, storageMemory), new BroadcastStore(kryo, hadoopConf), hadoopConf,
                    localDir, taskMemory, fileFetcher(hadoopConf, localDir, kryo),
                    conf.get(io.weft.conf.ShuffleTuningKeys.MAP_SIDE_COMBINE_UNIQUE_RATIO));
        } catch (IOException e) {
            throw new WeftException("Could not set up executor " + executorId + " scratch space under "
                    + (localRoot != null ? localRoot : "java.io.tmpdir") + ": " + e.getMessage()
                    + ". Fix: point " + ConfigKeys.LOCAL_DIR.name() + " at a writable local directory.", e);
        }
    }
}
