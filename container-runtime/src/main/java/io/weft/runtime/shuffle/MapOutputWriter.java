package io.weft.runtime.shuffle;

import io.weft.runtime.serial.KryoPool;
import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one map task attempt's output: records bucketed by reduce partition, committed with an index footer,
 * as a file of its own or appended to a segment file shared with other outputs of the executor. Made by
 * {@link ShuffleStore#newMapOutputWriter} when the map task starts; used by one thread. End it on every path with
 * {@link #commit()} or {@link #abort()} (both delete the local spill files; {@code abort} is idempotent and does
 * nothing after a commit, so {@code try { ...; commit(); } finally { abort(); }} is the pattern). Until it ends the
 * writer counts as a live writer of its shuffle, whose segment files the executor keeps open however long the
 * task takes (see {@link SegmentFiles}); a writer that is never ended keeps them open until they roll, the shuffle
 * is removed or the executor stops, which costs open files but loses nothing.
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
 * segment   := output*                       (a segment file: outputs one after the other, plus unreferenced
 *                                             bytes of failed or losing attempts)
 * output    := partition[0] ... partition[n-1] footer
 * </pre>
 * {@code offset[p]} is where partition {@code p} starts and {@code offset[n]} where the footer starts, so
 * partition {@code p} is {@code [offset[p], offset[p+1])}. Offsets are positions in the file: in a file of its own
 * {@code offset[0]} is 0, in a segment file it is where the output starts. Every field is a top-level Kryo object (Kryo's state
 * resets after each), so a block decodes on its own: a partition made of blocks from several spills and the final
 * buffer needs no re-encoding, just concatenation, and a reader holds at most one block plus its read chunk.
 *
 * <h2>Commit</h2>
 * The output goes to the {@link MapOutputTarget} the store chose. One file per output ({@link PerMapFileTarget}):
 * written to {@code .<name>.tmp-<uuid>} with a block size large enough for one block, closed, then renamed to
 * {@code map_<mapIndex>_<taskAttemptId>.data}; the rename is the commit. Consolidated ({@link SegmentFiles}):
 * appended to a pooled segment file and {@code hflush}ed; reporting the offsets to the driver is the commit, so
 * no reader is ever sent to bytes that were not flushed. Either way a failure abandons the target and leaves
 * nothing any reader would be sent to.
 *
 * <h2>Who can read it</h2>
 * The shuffle directory is made 0700 before the first file in it ({@link ShuffleStore}), map output and segment
 * files are created 0600 ({@link io.weft.runtime.files.OwnerOnly}) and the rename keeps that mode; local spill files are 0600 in the executor's 0700 scratch
 * directory.
 */
public final class MapOutputWriter {

    private static final Logger LOG = LoggerFactory.getLogger(MapOutputWriter.class);

    private static final int MIN_PAGE = 1024;
    private static final int MAX_PAGE = 64 * 1024;
    private static final int MAX_OPEN_SPILLS = 64;
    private static final long MIB = 1L << 20;
    private static final long MIN_BLOCK_SIZE = 128 * MIB;

    private final MapOutputTarget target;
    private final long writeBufferBytes;
    private final int numPartitions;
    private final PartitionPages pages;
    private final SpillFiles spills;
    private long records;
    private boolean finished;

    MapOutputWriter(MapOutputTarget target, KryoPool kryoPool, File spillDir, String spillPrefix, long writeBufferBytes, int numPartitions) {
        if (numPartitions < 1) {
            throw new IllegalArgumentException("A map output needs at least 1 partition, got " + numPartitions);
        }
        this.target = target;
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
            throw new IllegalStateException("Map output " + target.describe() + " is already committed or aborted");
        }
        if (partition < 0 || partition >= numPartitions) {
            throw new IllegalArgumentException("Partition " + partition + " out of range [0, " + numPartitions
                    + ") for map output " + target.describe());
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
     * Writes the output to its target and commits it (see "Commit" above). Deletes the spill files whatever happens.
     *
     * @return where the output is and where each partition is in it
     * @throws IllegalStateException after {@link #commit()} or {@link #abort()}
     * @throws UncheckedIOException if the output cannot be written or committed (the target is abandoned: no
     *     temporary file is left, a segment file's stream is discarded)
     */
    public MapOutputCommit commit() {
        if (finished) {
            throw new IllegalStateException("Map output " + target.describe() + " is already committed or aborted");
        }
        finished = true;
        try {
            spills.mergeDownTo(MAX_OPEN_SPILLS);
            long[] lengths = new long[numPartitions];
            long dataBytes = 0;
            for (int p = 0; p < numPartitions; p++) {
                lengths[p] = spills.length(p) + pages.closeBlockAndSize(p);
                dataBytes += lengths[p];
            }
            long outputBytes = dataBytes + ShuffleFormat.footerBytes(numPartitions);
            MapOutputTarget.Slot slot = target.open(outputBytes);
            try {
                return writeAndCommit(slot, lengths);
            } catch (IOException e) {
                if (!slot.reusedStream() || e instanceof InterruptedIOException
                        || Thread.currentThread().isInterrupted()) {
                    throw e; // a fresh file failed, or the task is being killed: no second try
                }
                // A pooled segment file's stream may have gone bad since its last output (its DataNode died):
                // the output is still in the spills and pages, so write it once more, to a new file.
                LOG.info("Writing map output {} to a pooled segment file failed ({}); writing it to a new one",
                        target.describe(), e.toString());
                return writeAndCommit(target.openNew(outputBytes), lengths);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not commit map output " + target.describe() + ": "
                    + e.getMessage(), e);
        } finally {
            cleanUp();
        }
    }

    /** Writes the whole output to the slot and commits it; abandons the slot if anything fails. */
    private MapOutputCommit writeAndCommit(MapOutputTarget.Slot slot, long[] lengths) throws IOException {
        boolean committed = false;
        try {
            long[] offsets = new long[numPartitions + 1];
            writeData(slot.stream(), offsets, slot.base());
            slot.stream().write(ShuffleFormat.encodeFooter(offsets));
            String path = slot.commit();
            committed = true;
            return new MapOutputCommit(path, lengths, Arrays.copyOf(offsets, numPartitions));
        } finally {
            if (!committed) {
                slot.abandon();
            }
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
    private void writeData(FSDataOutputStream os, long[] offsets, long base) throws IOException {
        try (SpillFiles.Reader spilled = spills.open()) {
            long position = base;
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

    /** Runs exactly once per writer: by the commit (whatever its outcome) or by the first abort. */
    private void cleanUp() {
        try {
            spills.deleteAll();
            pages.close();
        } finally {
            target.writerEnded();
        }
    }
}
