package io.weft.runtime.shuffle;

import io.weft.runtime.serial.KryoPool;
import java.io.File;
import java.io.IOException;
import io.weft.runtime.files.OwnerOnly;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Shuffle data of one application on a Hadoop {@link FileSystem}, so it outlives the executors that wrote it.
 *
 * <p>Layout: {@code <applicationShuffleDir>/shuffle_<shuffleId>/map_<mapIndex>_<taskAttemptId>.data}, one file
 * per map task attempt holding all its reduce partitions plus an index footer (format in
 * {@link MapOutputWriter}). Attempt-unique names and a commit by rename mean concurrent attempts never clash and
 * readers never see partial files; the driver's map output registry picks the attempt whose output is read.
 *
 * <p>Only the application's user can read it: the application directory and each shuffle's directory are made
 * 0700 and map output files 0600 ({@link OwnerOnly}), whatever the file system's umask.
 *
 * <p>Thread-safe: writers and readers are per task and own their resources; the store holds configuration and the
 * set of shuffle directories this JVM has made already (each is made once per JVM, see {@code ensureShuffleDir}).
 */
public final class ShuffleStore {

    private final FileSystem fs;
    private final Path appDir;
    private final short replication;
    private final KryoPool kryoPool;
    private final File localSpillDir;
    private final long writeBufferBytes;
    /** Shuffles whose directory this store has made; also the lock under which directories are made. */
    private final Set<Integer> madeDirs = ConcurrentHashMap.newKeySet();
    /** Whether this store has made the application directory; written under {@link #madeDirs}' lock. */
    private volatile boolean madeAppDir;

    /** Makes a shuffle's directory, owner-only, before the first map output is written into it. */
    @FunctionalInterface
    interface DirectoryCheck {
        /** @throws IOException when the directory cannot be made or its mode set */
        void ensure() throws IOException;
    }

    /**
     * @param fs the file system holding shuffle files (HDFS on a cluster)
     * @param applicationShuffleDir this application's shuffle directory; deleted by {@link #deleteAll()}
     * @param replication replication of map output files (1: lost outputs are recomputed from lineage)
     * @param kryoPool the application's Kryo instances
     * @param localSpillDir a local directory for map-side spill files
     * @param writeBufferBytes bytes a map task buffers in memory before spilling to {@code localSpillDir}
     * @throws IllegalArgumentException if {@code replication} or {@code writeBufferBytes} is not positive
     */
    public ShuffleStore(FileSystem fs, Path applicationShuffleDir, short replication, KryoPool kryoPool,
            File localSpillDir, long writeBufferBytes) {
        if (replication < 1) {
            throw new IllegalArgumentException("Shuffle replication must be at least 1, got " + replication);
        }
        if (writeBufferBytes < 1) {
            throw new IllegalArgumentException("Shuffle write buffer must be positive, got " + writeBufferBytes);
        }
        this.fs = Objects.requireNonNull(fs, "fs");
        this.appDir = fs.makeQualified(applicationShuffleDir);
        this.replication = replication;
        this.kryoPool = Objects.requireNonNull(kryoPool, "kryoPool");
        this.localSpillDir = Objects.requireNonNull(localSpillDir, "localSpillDir");
        this.writeBufferBytes = writeBufferBytes;
    }

    /** @return the qualified application shuffle directory */
    public Path applicationDir() {
        return appDir;
    }

    /**
     * @param shuffleId the shuffle
     * @return its directory
     */
    public Path shuffleDir(int shuffleId) {
        return new Path(appDir, "shuffle_" + shuffleId);
    }

    /**
     * Starts a map task attempt's output. Writes nothing to the file system before {@link MapOutputWriter#commit()}.
     *
     * @param shuffleId the shuffle
     * @param mapIndex the map partition
     * @param taskAttemptId the attempt, unique within the application
     * @param numPartitions the number of reduce partitions
     * @return a writer for the calling thread
     */
    public MapOutputWriter newMapOutputWriter(int shuffleId, int mapIndex, long taskAttemptId, int numPartitions) {
        String name = "map_" + mapIndex + "_" + taskAttemptId;
        return new MapOutputWriter(fs, new Path(shuffleDir(shuffleId), name + ".data"),
                () -> ensureShuffleDir(shuffleId), replication, kryoPool,
                localSpillDir, "shuffle_" + shuffleId + "_" + name + "-", writeBufferBytes, numPartitions);
    }

    /**
     * Makes the application's directory 0700 once per store (per executor JVM) and each shuffle's once per shuffle
     * (two NameNode calls each: mkdirs, setPermission), not once per map output nor once per concurrent task
     * thread: the first committing task makes them while the others wait on this store's lock, then find them
     * made. Commits after that take no lock. If making a directory fails, nothing is recorded and the next commit
     * tries again.
     */
    private void ensureShuffleDir(int shuffleId) throws IOException {
        if (madeDirs.contains(shuffleId)) {
            return;
        }
        synchronized (madeDirs) {
            if (madeDirs.contains(shuffleId)) {
                return;
            }
            if (!madeAppDir) {
                OwnerOnly.mkdirs(fs, appDir);
                madeAppDir = true;
            }
            OwnerOnly.mkdirs(fs, shuffleDir(shuffleId));
            madeDirs.add(shuffleId);
        }
    }

    /**
     * Reads one reduce partition lazily from the given segments, in order; see {@link ShuffleReader}.
     *
     * @param shuffleId the shuffle (for error reports)
     * @param reducePartition the reduce partition (for error reports)
     * @param segments the byte ranges to read, typically one per map output
     * @param <K> the key type
     * @param <V> the value type
     * @return the records; throws {@link FetchFailedException} while iterating if a map output is unreadable
     */
    public <K, V> ShuffleReader<K, V> read(int shuffleId, int reducePartition, List<ShuffleSegment> segments) {
        return new ShuffleReader<>(fs, kryoPool, shuffleId, reducePartition, segments);
    }

    /**
     * Deletes one shuffle's files (after its last reader finished).
     *
     * @param shuffleId the shuffle
     * @throws IOException if the file system fails
     */
    public void removeShuffle(int shuffleId) throws IOException {
        synchronized (madeDirs) {
            madeDirs.remove(shuffleId);
            fs.delete(shuffleDir(shuffleId), true);
        }
    }

    /**
     * Deletes the application's whole shuffle directory.
     *
     * @throws IOException if the file system fails
     */
    public void deleteAll() throws IOException {
        synchronized (madeDirs) {
            madeAppDir = false;
            madeDirs.clear();
            fs.delete(appDir, true);
        }
    }

    /**
     * Reads and checks the index footer of a committed map output file, e.g. to recover map outputs after an
     * application master restart.
     *
     * @param fs the file system
     * @param path the file
     * @return {@code numPartitions + 1} offsets: partition {@code p} spans {@code [offsets[p], offsets[p+1])}
     * @throws IOException if the file cannot be read or is not a valid map output
     */
    public static long[] readIndex(FileSystem fs, Path path) throws IOException {
        return ShuffleFormat.readIndex(fs, path);
    }
}
