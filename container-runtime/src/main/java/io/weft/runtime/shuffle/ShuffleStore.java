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
 * <p>Two layouts under {@code <applicationShuffleDir>/shuffle_<shuffleId>/} (format in {@link MapOutputWriter}):
 * <ul>
 * <li>Consolidated ({@code weft.shuffle.consolidateFiles}, the default): {@code seg_<writer>_<n>.data}, segment
 * files each holding the outputs (all reduce partitions plus an index footer) of several map tasks of one executor
 * JVM, appended and {@code hflush}ed (see {@link SegmentFiles}). A shuffle of M maps on E executors makes about
 * E files instead of M, and a reducer opens each file once, so the NameNode sees about E creates and E x R opens
 * instead of M and M x R. Losing a segment file loses every map output in it, and only those: the driver
 * forgets all outputs that name the file and reruns those maps.</li>
 * <li>One file per map task attempt, {@code map_<mapIndex>_<taskAttemptId>.data}, committed by rename; also used
 * when the file system's streams cannot {@code hflush} (the local file system).</li>
 * </ul>
 * Either way concurrent attempts never clash (attempt-unique names, or disjoint ranges of a file only one task
 * appends to at a time) and readers are only sent to committed bytes; the driver's map output registry picks the
 * attempt whose output is read.
 *
 * <p>Only the application's user can read it: the application directory and each shuffle's directory are made
 * 0700 and map output and segment files 0600 ({@link OwnerOnly}), whatever the file system's umask.
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
    /** Whether the application directory is the driver's to make ({@link #applicationDirMadeByDriver()}). */
    private volatile boolean appDirIsTheDrivers;
    /** The consolidated layout's open files, or {@code null} for one file per map output. */
    private final SegmentFiles segments;

    /**
     * Settings of the consolidated layout.
     *
     * @param writerName unique among the application's executor JVMs (the executor id plus a random token)
     * @param segmentFileBytes roll size: a segment file is closed once it holds this many bytes
     * @param idleCloseMillis a segment file is closed once no map task of its shuffle has run in this JVM for this
     *     long; 0: never for idleness
     * @param filesPerShuffle most segment files open per shuffle, at which a committing map task waits for one to
     *     be given back; 0: no cap (one per task committing at the same moment)
     */
    public record Consolidation(String writerName, long segmentFileBytes, long idleCloseMillis,
            int filesPerShuffle) {
        /** @throws IllegalArgumentException if the roll size is not positive or the cap is negative */
        public Consolidation {
            Objects.requireNonNull(writerName, "writerName");
            if (segmentFileBytes < 1) {
                throw new IllegalArgumentException("Segment file size must be positive, got " + segmentFileBytes);
            }
            if (filesPerShuffle < 0) {
                throw new IllegalArgumentException("Segment files per executor must be 0 (no cap) or more, got "
                        + filesPerShuffle);
            }
        }

        /** Without a cap on open files. */
        public Consolidation(String writerName, long segmentFileBytes, long idleCloseMillis) {
            this(writerName, segmentFileBytes, idleCloseMillis, 0);
        }
    }

    /** Makes a shuffle's directory, owner-only, before the first map output is written into it. */
    @FunctionalInterface
    interface DirectoryCheck {
        /** @throws IOException when the directory cannot be made or its mode set */
        void ensure() throws IOException;
    }

    /**
     * A store writing one file per map output.
     *
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
        this(fs, applicationShuffleDir, replication, kryoPool, localSpillDir, writeBufferBytes, null);
    }

    /**
     * @param fs the file system holding shuffle files (HDFS on a cluster)
     * @param applicationShuffleDir this application's shuffle directory; deleted by {@link #deleteAll()}
     * @param replication replication of map output files (1: lost outputs are recomputed from lineage)
     * @param kryoPool the application's Kryo instances
     * @param localSpillDir a local directory for map-side spill files
     * @param writeBufferBytes bytes a map task buffers in memory before spilling to {@code localSpillDir}
     * @param consolidation settings of segment files, or {@code null} for one file per map output
     * @throws IllegalArgumentException if {@code replication} or {@code writeBufferBytes} is not positive
     */
    public ShuffleStore(FileSystem fs, Path applicationShuffleDir, short replication, KryoPool kryoPool,
            File localSpillDir, long writeBufferBytes, Consolidation consolidation) {
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
        this.segments = consolidation == null ? null : new SegmentFiles(fs, id -> {
            ensureShuffleDir(id);
            return shuffleDir(id);
        }, consolidation.writerName(), replication, consolidation.segmentFileBytes(),
                consolidation.idleCloseMillis(), consolidation.filesPerShuffle(), System::nanoTime);
    }

    /**
     * For executors' stores: the application directory is the driver's, made before any executor starts and
     * deleted by the application's cleanup (its driver's close, or a killed application's ApplicationMaster). This
     * store then never makes it, and makes a shuffle's directory only inside it, so an executor that commits its
     * first map output of a shuffle after that cleanup fails the task instead of leaving directories behind. Call
     * before the first write.
     *
     * @return this store
     */
    public ShuffleStore applicationDirMadeByDriver() {
        appDirIsTheDrivers = true;
        return this;
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
     * Starts a map task attempt's output. Writes nothing to the file system before {@link MapOutputWriter#commit()},
     * which appends it to a segment file (consolidated layout) or writes a file of its own. Until the writer's
     * commit or abort, the shuffle's segment files of this JVM are not closed for idleness (a writer never ended
     * keeps them open until they roll, the shuffle is removed or the store closes), so call it when the map task
     * starts and end it on every path.
     *
     * @param shuffleId the shuffle
     * @param mapIndex the map partition
     * @param taskAttemptId the attempt, unique within the application
     * @param numPartitions the number of reduce partitions
     * @return a writer for the calling thread
     */
    public MapOutputWriter newMapOutputWriter(int shuffleId, int mapIndex, long taskAttemptId, int numPartitions) {
        return newMapOutputWriter(shuffleId, mapIndex, taskAttemptId, numPartitions, false);
    }

    /**
     * Like {@link #newMapOutputWriter(int, int, long, int)}, for a map task of a given stage attempt.
     *
     * <p>A map stage runs again (stage attempt above 0) because reducers could not read some of its outputs, and a
     * whole segment file is forgotten with any of them. This executor may still hold that file open in its pool
     * (its map tasks of the shuffle keep it from closing), and appending to a file that was deleted or went bad
     * can still succeed at the writer's end, so the rerun would report the lost file again. A rerun's output
     * therefore goes to a file of its own, never to a pooled segment file: reruns are few, and each costs the
     * NameNode a create and a rename, as before consolidation.
     *
     * @param shuffleId the shuffle
     * @param mapIndex the map partition
     * @param taskAttemptId the attempt, unique within the application
     * @param numPartitions the number of reduce partitions
     * @param rerun whether the task belongs to a resubmitted map stage (stage attempt above 0)
     * @return a writer for the calling thread
     */
    public MapOutputWriter newMapOutputWriter(int shuffleId, int mapIndex, long taskAttemptId, int numPartitions,
            boolean rerun) {
        return newMapOutputWriter(shuffleId, mapIndex, taskAttemptId, numPartitions, rerun, kryoPool);
    }

    /**
     * {@link #newMapOutputWriter(int, int, long, int, boolean)} writing records with other serializers: those of
     * the task's class-loader scope, whose classes the store's own serializers cannot load.
     *
     * @param shuffleId the shuffle
     * @param mapIndex the map partition
     * @param taskAttemptId the attempt, unique within the application
     * @param numPartitions the number of reduce partitions
     * @param rerun whether the task belongs to a resubmitted map stage (stage attempt above 0)
     * @param kryo the serializers for the records
     * @return a writer for the calling thread
     */
    public MapOutputWriter newMapOutputWriter(int shuffleId, int mapIndex, long taskAttemptId, int numPartitions,
            boolean rerun, KryoPool kryo) {
        String name = "map_" + mapIndex + "_" + taskAttemptId;
        MapOutputTarget target = new PerMapFileTarget(fs, new Path(shuffleDir(shuffleId), name + ".data"),
                () -> ensureShuffleDir(shuffleId), replication);
        if (segments != null && !rerun) {
            target = segments.writerTarget(shuffleId, target); // a live writer of the shuffle from here on
        }
        try {
            return new MapOutputWriter(target, kryo,
                    localSpillDir, "shuffle_" + shuffleId + "_" + name + "-", writeBufferBytes, numPartitions);
        } catch (RuntimeException | Error e) {
            target.writerEnded();
            throw e;
        }
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
            if (appDirIsTheDrivers) {
                OwnerOnly.mkdirInExistingDirectory(fs, shuffleDir(shuffleId));
            } else {
                if (!madeAppDir) {
                    OwnerOnly.mkdirs(fs, appDir);
                    madeAppDir = true;
                }
                OwnerOnly.mkdirs(fs, shuffleDir(shuffleId));
            }
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
        return read(shuffleId, reducePartition, segments, kryoPool);
    }

    /**
     * {@link #read(int, int, List)} with other serializers: those of the task's class-loader scope, which wrote
     * the records.
     *
     * @param shuffleId the shuffle (for error reports)
     * @param reducePartition the reduce partition (for error reports)
     * @param segments the byte ranges to read
     * @param kryo the serializers the records were written with
     * @param <K> the key type
     * @param <V> the value type
     * @return the records
     */
    public <K, V> ShuffleReader<K, V> read(int shuffleId, int reducePartition, List<ShuffleSegment> segments,
            KryoPool kryo) {
        return new ShuffleReader<>(fs, kryo, shuffleId, reducePartition, segments);
    }

    /**
     * Deletes one shuffle's files (after its last reader finished).
     *
     * @param shuffleId the shuffle
     * @throws IOException if the file system fails
     */
    public void removeShuffle(int shuffleId) throws IOException {
        if (segments != null) {
            segments.closeShuffle(shuffleId);
        }
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
        if (segments != null) {
            segments.closeFree();
        }
        synchronized (madeDirs) {
            madeAppDir = false;
            madeDirs.clear();
            fs.delete(appDir, true);
        }
    }

    /**
     * Closes the segment files this JVM has open, so their blocks complete; later outputs get files of their own.
     * Called when the executor stops, after its task threads ended. Never throws: flushed outputs stay readable
     * even if a close fails.
     */
    public void close() {
        if (segments != null) {
            segments.close();
        }
    }

    /** @return the consolidated layout's pool, or {@code null}; for tests */
    SegmentFiles segmentFiles() {
        return segments;
    }

    /**
     * Reads and checks the index footer of one committed map output in either layout, e.g. to check that an
     * output recorded in the AM-restart journal is still intact. Reads the footer at {@code footerStart} without
     * asking for the file's length (a segment file may still be open for writing).
     *
     * @param fs the file system
     * @param path the file
     * @param footerStart the end of the output's last partition (its offset plus its length)
     * @param numPartitions the output's number of reduce partitions
     * @return {@code numPartitions + 1} absolute offsets: partition {@code p} spans {@code [offsets[p],
     *     offsets[p+1])}
     * @throws IOException if the file cannot be read there or holds no footer of such an output there
     */
    public static long[] readIndex(FileSystem fs, Path path, long footerStart, int numPartitions)
            throws IOException {
        return ShuffleFormat.readIndexAt(fs, path, footerStart, numPartitions);
    }

    /**
     * Reads and checks the index footer at the end of a map output file of its own (one-file-per-map layout).
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
