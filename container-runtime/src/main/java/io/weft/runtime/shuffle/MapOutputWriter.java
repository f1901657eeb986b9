package io.weft.runtime.shuffle;

import io.weft.runtime.files.OwnerOnly;
import io.weft.runtime.serial.KryoPool;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one map task attempt's output: records bucketed by reduce partition, committed as one file with an
 * index footer. Made by {@link ShuffleStore#newMapOutputWriter}; used by one thread; call {@link #commit()} or
 * {@link #abort()} exactly once at the end (both delete the local spill files; {@code abort} after a successful
 * commit does nothing).
 *
 * <h2>Memory</h2>
 * Records are encoded at once (with {@link io.weft.runtime.serial.RecordCodec}, key then value) into a chain of
 * fixed-size byte pages per partition ({@link PartitionPages}: 1 to 64 KiB, a quarter of {@code writeBufferBytes}
 * spread over the partitions); no record objects are kept and nothing is copied to grow a buffer. When the pages
 * held exceed {@code writeBufferBytes}, all partitions go to one new spill file in the local spill directory,
 * partition after partition ({@link SpillFiles}), and their pages return to a pool that the next round reuses. Live memory thus stays within {@code writeBufferBytes} plus one page (plus one
 * oversized page while a single record larger than a page is written). At commit, more than 64 spill files are
 * first concatenated, 64 at a time, so at most 64 files are open at once.
 *
 * <h2>File format</h2>
 * <pre>
 * file      := partition[0] ... partition[n-1] footer
 * partition := block*                        (zero blocks for an empty partition)
 * block     := length:int32 payload          (big-endian; 0 &lt; length; payload ~32 KiB, more for a huge record)
 * payload   := (key value)+                  (each a {@link RecordCodec} field)
 * footer    := offset:int64 * (n+1)  n:int32  magic:int64 ("WEFTSHF1")
 * </pre>
 * {@code offset[p]} is where partition {@code p} starts and {@code offset[n]} where the footer starts, so
 * partition {@code p} is {@code [offset[p], offset[p+1])}. Every field is a top-level Kryo object (Kryo's state
 * resets after each), so a block decodes on its own: a partition made of blocks from several spills and the final
 * buffer needs no re-encoding, just concatenation, and a reader holds at most one block plus its read chunk.
 *
 * <h2>Commit</h2>
 * The file is written through the {@link FileSystem} to {@code .<name>.tmp-<uuid>} next to its final name, with
 * the store's replication and a block size large enough for the whole file to be one block, closed (which
 * publishes it), then renamed to {@code map_<mapIndex>_<taskAttemptId>.data}: the rename is the commit, so a
 * reader never sees a partial file.
 *
 * <h2>Who can read it</h2>
 * The shuffle directory is made 0700 before the first file in it ({@link ShuffleStore}), the file is created 0600
 * ({@link OwnerOnly}) and the rename keeps that mode; local spill files are 0600 in the executor's 0700 scratch
 * directory.
 */
public final class MapOutputWriter {

    private static final Logger LOG = LoggerFactory.getLogger(MapOutputWriter.class);

    private static final int MIN_PAGE = 1024;
    private static final int MAX_PAGE = 64 * 1024;
    private static final int MAX_OPEN_SPILLS = 64;
    private static final int FS_BUFFER = 128 * 1024;
    private static final long MIB = 1L << 20;
    private static final long MIN_BLOCK_SIZE = 128 * MIB;

    private final FileSystem fs;
    private final Path finalPath;
    private final ShuffleStore.DirectoryCheck shuffleDir;
    private final short replication;
    private final long writeBufferBytes;
    private final int numPartitions;
    private final PartitionPages pages;
    private final SpillFiles spills;
    private long records;
    private boolean finished;

    MapOutputWriter(FileSystem fs, Path finalPath, ShuffleStore.DirectoryCheck shuffleDir, short replication,
            KryoPool kryoPool, File spillDir, String spillPrefix, long writeBufferBytes, int numPartitions) {
        if (numPartitions < 1) {
            throw new IllegalArgumentException("A map output needs at least 1 partition, got " + numPartitions);
        }
        this.fs = fs;
        this.finalPath = finalPath;
        this.shuffleDir = shuffleDir;
        this.replication = replication;
        this.writeBufferBytes = writeBufferBytes;
        this.numPartitions = numPartitions;
        int pageSize = (int) Math.max(MIN_PAGE, Math.min(MAX_PAGE, writeBufferBytes / (4L * numPartitions)));
        this.pages = new PartitionPages(kryoPool, numPartitions, pageSize);
        this.spills = new SpillFiles(spillDir, spillPrefix, numPartitions);
    }

    /**
     * Adds a record. May spill all buffers to local disk.
     *
     * @param partition its reduce partition, in {@code [0, numPartitions)}
     * @param key the key (may be {@code null})
     * @param value the value (may be {@code null})
     * @throws IllegalArgumentException if the partition is out of range
     * @throws IllegalStateException after {@link #commit()} or {@link #abort()}
     * @throws com.esotericsoftware.kryo.KryoException if the key or value cannot be serialized (nothing of the
     *     record is kept)
     * @throws UncheckedIOException if a spill fails
     */
    public void write(int partition, Object key, Object value) {
        if (finished) {
            throw new IllegalStateException("Map output " + finalPath.getName() + " is already committed or aborted");
        }
        if (partition < 0 || partition >= numPartitions) {
            throw new IllegalArgumentException("Partition " + partition + " out of range [0, " + numPartitions
                    + ") for map output " + finalPath.getName());
        }
        pages.append(partition, key, value);
        records++;
        if (pages.heldBytes() > writeBufferBytes) {
            spills.spill(pages);
        }
    }

    /** @return the number of records written so far */
    public long records() {
        return records;
    }

    /** @return bytes of the pages currently holding records (what {@code writeBufferBytes} bounds) */
    long heldBytes() {
        return pages.heldBytes();
    }

    /** @return the size of a buffer page */
    int pageSize() {
        return pages.pageSize();
    }

    /** @return the number of times the buffers were spilled to local disk */
    public int spillCount() {
        return spills.spillCount();
    }

    /**
     * Writes the file and renames it to its final name. Deletes the spill files whatever happens.
     *
     * @return where the file is and where each partition is in it
     * @throws IllegalStateException after {@link #commit()} or {@link #abort()}
     * @throws UncheckedIOException if the file cannot be written or renamed (no temporary file is left)
     */
    public MapOutputCommit commit() {
        if (finished) {
            throw new IllegalStateException("Map output " + finalPath.getName() + " is already committed or aborted");
        }
        finished = true;
        Path tmp = new Path(finalPath.getParent(), "." + finalPath.getName() + ".tmp-" + UUID.randomUUID());
        boolean renamed = false;
        try {
            spills.mergeDownTo(MAX_OPEN_SPILLS);
            long[] lengths = new long[numPartitions];
            long dataBytes = 0;
            for (int p = 0; p < numPartitions; p++) {
                lengths[p] = spills.length(p) + pages.closeBlockAndSize(p);
                dataBytes += lengths[p];
            }
            long blockSize = blockSizeFor(dataBytes + ShuffleFormat.footerBytes(numPartitions));
            long[] offsets = new long[numPartitions + 1];
            shuffleDir.ensure();
            try (FSDataOutputStream os = OwnerOnly.create(fs, tmp, false, FS_BUFFER, replication, blockSize)) {
                writeData(os, offsets);
                os.write(ShuffleFormat.encodeFooter(offsets));
            }
            if (!fs.rename(tmp, finalPath)) {
                throw new IOException("rename of " + tmp + " to " + finalPath + " returned false");
            }
            renamed = true;
            return new MapOutputCommit(finalPath.toString(), lengths, Arrays.copyOf(offsets, numPartitions));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not commit map output " + finalPath + ": " + e.getMessage(), e);
        } finally {
            if (!renamed) {
                deleteQuietly(tmp);
            }
            cleanUp();
        }
    }

    /**
     * @param fileBytes the file's size
     * @return a block size holding the whole file in one block: at least 128 MiB, a multiple of 1 MiB (and so of
     *     the 512-byte checksum chunk)
     */
    static long blockSizeFor(long fileBytes) {
        return Math.max(MIN_BLOCK_SIZE, (fileBytes + MIB - 1) / MIB * MIB);
    }

    /** Each partition: its spilled segments in spill order, then its buffered bytes. */
    private void writeData(FSDataOutputStream os, long[] offsets) throws IOException {
        try (SpillFiles.Reader spilled = spills.open()) {
            long position = 0;
            for (int p = 0; p < numPartitions; p++) {
                offsets[p] = position;
                position += spilled.copy(p, os);
                position += pages.writeTo(p, os);
            }
            offsets[numPartitions] = position;
        }
    }

    /**
     * Discards the output: deletes the spill files. Idempotent; does nothing after a commit (a committed file
     * belongs to the driver's map output registry).
     */
    public void abort() {
        if (finished) {
            return;
        }
        finished = true;
        cleanUp();
    }

    private void cleanUp() {
        spills.deleteAll();
        pages.close();
    }

    private void deleteQuietly(Path path) {
        try {
            fs.delete(path, false);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not delete temporary map output {}", path, e);
        }
    }
}
