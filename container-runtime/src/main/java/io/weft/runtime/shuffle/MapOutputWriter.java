package io.weft.runtime.shuffle;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Output;
import io.weft.runtime.serial.KryoPool;
import io.weft.runtime.serial.RecordCodec;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * Records are encoded at once (with {@link RecordCodec}, key then value) into a chain of fixed-size byte pages per
 * partition (1 to 64 KiB, a quarter of {@code writeBufferBytes} spread over the partitions); no record objects are
 * kept and nothing is copied to grow a buffer. When the pages held exceed {@code writeBufferBytes}, all partitions
 * go to one new spill file in the local spill directory, partition after partition, and their pages return to a
 * pool that the next round reuses. Live memory thus stays within {@code writeBufferBytes} plus one page (plus one
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
 */
public final class MapOutputWriter {

    private static final Logger LOG = LoggerFactory.getLogger(MapOutputWriter.class);

    private static final int MIN_PAGE = 1024;
    private static final int MAX_PAGE = 64 * 1024;
    private static final int MAX_OPEN_SPILLS = 64;
    private static final int COPY_BUFFER = 64 * 1024;
    private static final int FS_BUFFER = 128 * 1024;
    private static final long MIB = 1L << 20;
    private static final long MIN_BLOCK_SIZE = 128 * MIB;

    private final FileSystem fs;
    private final Path finalPath;
    private final short replication;
    private final KryoPool kryoPool;
    private final File spillDir;
    private final String spillPrefix;
    private final long writeBufferBytes;
    private final int numPartitions;
    private final int pageSize;

    private Kryo kryo;
    private PartitionBuffer[] partitions;
    private final ArrayDeque<byte[]> freePages = new ArrayDeque<>();
    /** Bytes of the pages the partitions hold (full page sizes, not bytes written). */
    private long heldBytes;
    private final List<Spill> spills = new ArrayList<>();
    private int spillCount;
    private long records;
    private boolean finished;

    private record Spill(File file, long[] lengths) {
    }

    MapOutputWriter(FileSystem fs, Path finalPath, short replication, KryoPool kryoPool, File spillDir,
            String spillPrefix, long writeBufferBytes, int numPartitions) {
        if (numPartitions < 1) {
            throw new IllegalArgumentException("A map output needs at least 1 partition, got " + numPartitions);
        }
        this.fs = fs;
        this.finalPath = finalPath;
        this.replication = replication;
        this.kryoPool = kryoPool;
        this.spillDir = spillDir;
        this.spillPrefix = spillPrefix;
        this.writeBufferBytes = writeBufferBytes;
        this.numPartitions = numPartitions;
        this.pageSize = (int) Math.max(MIN_PAGE, Math.min(MAX_PAGE, writeBufferBytes / (4L * numPartitions)));
        this.partitions = new PartitionBuffer[numPartitions];
        this.kryo = kryoPool.borrow();
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
        PartitionBuffer out = partitions[partition];
        if (out == null) {
            out = new PartitionBuffer();
            partitions[partition] = out;
        }
        out.append(key, value);
        records++;
        if (heldBytes > writeBufferBytes) {
            spill();
        }
    }

    /** @return the number of records written so far */
    public long records() {
        return records;
    }

    /** @return bytes of the pages currently holding records (what {@code writeBufferBytes} bounds) */
    long heldBytes() {
        return heldBytes;
    }

    /** @return the size of a buffer page */
    int pageSize() {
        return pageSize;
    }

    /** @return the number of times the buffers were spilled to local disk */
    public int spillCount() {
        return spillCount;
    }

    private void spill() {
        Spill spill = newSpillFile();
        try (OutputStream os = new BufferedOutputStream(new FileOutputStream(spill.file), COPY_BUFFER)) {
            for (int p = 0; p < numPartitions; p++) {
                PartitionBuffer out = partitions[p];
                if (out != null) {
                    spill.lengths[p] = out.writeTo(os);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write shuffle spill file " + spill.file, e);
        }
        LOG.debug("Spilled {} bytes of pages of {} to {}", heldBytes, finalPath.getName(), spill.file);
        for (PartitionBuffer out : partitions) {
            if (out != null) {
                out.release();
            }
        }
        spillCount++;
    }

    private Spill newSpillFile() {
        try {
            Files.createDirectories(spillDir.toPath());
            Spill spill = new Spill(File.createTempFile(spillPrefix, ".spill", spillDir), new long[numPartitions]);
            spills.add(spill);
            return spill;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a shuffle spill file in " + spillDir, e);
        }
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
            while (spills.size() > MAX_OPEN_SPILLS) {
                concatenateOldestSpills();
            }
            long[] lengths = new long[numPartitions];
            long dataBytes = 0;
            for (int p = 0; p < numPartitions; p++) {
                for (Spill spill : spills) {
                    lengths[p] += spill.lengths[p];
                }
                if (partitions[p] != null) {
                    lengths[p] += partitions[p].closeBlockAndSize();
                }
                dataBytes += lengths[p];
            }
            long blockSize = blockSizeFor(dataBytes + ShuffleFormat.footerBytes(numPartitions));
            long[] offsets = new long[numPartitions + 1];
            try (FSDataOutputStream os = fs.create(tmp, false, FS_BUFFER, replication, blockSize)) {
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

    private void writeData(FSDataOutputStream os, long[] offsets) throws IOException {
        InputStream[] ins = openSpills(spills);
        try {
            byte[] copy = spills.isEmpty() ? null : new byte[COPY_BUFFER];
            long position = 0;
            for (int p = 0; p < numPartitions; p++) {
                offsets[p] = position;
                position += copySegments(ins, spills, p, os, copy);
                if (partitions[p] != null) {
                    position += partitions[p].writeTo(os);
                }
            }
            offsets[numPartitions] = position;
        } finally {
            closeAll(ins);
        }
    }

    /** Replaces the oldest {@link #MAX_OPEN_SPILLS} spill files by their partition-wise concatenation. */
    private void concatenateOldestSpills() throws IOException {
        List<Spill> batch = List.copyOf(spills.subList(0, MAX_OPEN_SPILLS));
        Spill merged = newSpillFile();
        InputStream[] ins = openSpills(batch);
        try (OutputStream os = new BufferedOutputStream(new FileOutputStream(merged.file), COPY_BUFFER)) {
            byte[] copy = new byte[COPY_BUFFER];
            for (int p = 0; p < numPartitions; p++) {
                merged.lengths[p] = copySegments(ins, batch, p, os, copy);
            }
        } finally {
            closeAll(ins);
        }
        for (Spill spill : batch) {
            deleteSpill(spill);
        }
        // The merged file takes the batch's place at the front, so records keep their write order.
        spills.remove(spills.size() - 1);
        spills.subList(0, MAX_OPEN_SPILLS).clear();
        spills.add(0, merged);
    }

    private static InputStream[] openSpills(List<Spill> list) throws IOException {
        InputStream[] ins = new InputStream[list.size()];
        try {
            for (int i = 0; i < ins.length; i++) {
                ins[i] = new FileInputStream(list.get(i).file);
            }
        } catch (IOException e) {
            closeAll(ins);
            throw e;
        }
        return ins;
    }

    /** Copies partition {@code p}'s segment of each spill; spills are read once, sequentially, in partition order. */
    private static long copySegments(InputStream[] ins, List<Spill> list, int p, OutputStream os, byte[] copy)
            throws IOException {
        long copied = 0;
        for (int i = 0; i < ins.length; i++) {
            long remaining = list.get(i).lengths[p];
            copied += remaining;
            while (remaining > 0) {
                int n = ins[i].read(copy, 0, (int) Math.min(copy.length, remaining));
                if (n < 0) {
                    throw new EOFException("Shuffle spill file " + list.get(i).file + " is truncated");
                }
                os.write(copy, 0, n);
                remaining -= n;
            }
        }
        return copied;
    }

    private static void closeAll(InputStream[] ins) throws IOException {
        IOException failure = null;
        for (InputStream in : ins) {
            if (in != null) {
                try {
                    in.close();
                } catch (IOException e) {
                    failure = e;
                }
            }
        }
        if (failure != null) {
            throw failure;
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
        for (Spill spill : spills) {
            deleteSpill(spill);
        }
        spills.clear();
        partitions = null;
        freePages.clear();
        if (kryo != null) {
            kryoPool.release(kryo);
            kryo = null;
        }
    }

    private static void deleteSpill(Spill spill) {
        if (!spill.file.delete() && spill.file.exists()) {
            LOG.warn("Could not delete shuffle spill file {}", spill.file);
        }
    }

    private void deleteQuietly(Path path) {
        try {
            fs.delete(path, false);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not delete temporary map output {}", path, e);
        }
    }

    private byte[] takePage(int required) {
        byte[] page = required <= pageSize ? freePages.poll() : null;
        if (page == null) {
            page = new byte[Math.max(required, pageSize)];
        }
        heldBytes += page.length;
        return page;
    }

    private void returnPage(byte[] page) {
        heldBytes -= page.length;
        if (page.length == pageSize) {
            freePages.push(page);
        }
    }

    /**
     * One partition's encoded records in a chain of pages, framed into blocks as they are written. Kryo writes
     * straight into the current page; when it needs more room, {@link #require} moves on to a fresh page, so a
     * record may span pages and the partition's bytes are the pages' contents in order.
     */
    private final class PartitionBuffer extends Output {
        private final ArrayList<byte[]> pages = new ArrayList<>();
        /** Bytes used in each page but the last (whose use is {@link #position}). */
        private int[] pageLengths = new int[8];
        private long fullPagesBytes;
        /** Where the open block's length prefix is, or {@code null} when no block is open. */
        private byte[] headerPage;
        private int headerPosition;
        private long blockStart;

        PartitionBuffer() {
            super();
        }

        @Override
        protected boolean require(int required) {
            if (capacity - position >= required) {
                return false;
            }
            if (!pages.isEmpty()) {
                int full = pages.size() - 1;
                if (full == pageLengths.length) {
                    pageLengths = Arrays.copyOf(pageLengths, 2 * full);
                }
                pageLengths[full] = position;
                fullPagesBytes += position;
            }
            byte[] page = takePage(required);
            pages.add(page);
            buffer = page;
            capacity = page.length;
            position = 0;
            return true;
        }

        @Override
        public void flush() {
            // No stream behind the pages.
        }

        long size() {
            return fullPagesBytes + position;
        }

        void append(Object key, Object value) {
            int markPages = pages.size();
            int markPosition = position;
            long markFullBytes = fullPagesBytes;
            boolean openedBlock = headerPage == null;
            try {
                if (openedBlock) {
                    writeInt(0);
                    headerPage = buffer;
                    headerPosition = position - ShuffleFormat.BLOCK_HEADER;
                    blockStart = size();
                }
                RecordCodec.writeField(kryo, this, key);
                RecordCodec.writeField(kryo, this, value);
            } catch (RuntimeException | Error e) {
                rollback(markPages, markPosition, markFullBytes, openedBlock);
                throw e;
            }
            if (size() - blockStart >= ShuffleFormat.BLOCK_TARGET) {
                closeBlock();
            }
        }

        private void rollback(int markPages, int markPosition, long markFullBytes, boolean openedBlock) {
            while (pages.size() > Math.max(markPages, 1)) {
                returnPage(pages.remove(pages.size() - 1));
            }
            if (markPages == 0) {
                release();
                return;
            }
            buffer = pages.get(markPages - 1);
            capacity = buffer.length;
            position = markPosition;
            fullPagesBytes = markFullBytes;
            if (openedBlock) {
                headerPage = null;
            }
        }

        private void closeBlock() {
            if (headerPage == null) {
                return;
            }
            long length = size() - blockStart;
            byte[] b = headerPage;
            int at = headerPosition;
            b[at] = (byte) (length >>> 24);
            b[at + 1] = (byte) (length >>> 16);
            b[at + 2] = (byte) (length >>> 8);
            b[at + 3] = (byte) length;
            headerPage = null;
        }

        long closeBlockAndSize() {
            closeBlock();
            return size();
        }

        /** Closes the open block and writes the partition's bytes; returns how many. */
        long writeTo(OutputStream os) throws IOException {
            closeBlock();
            int last = pages.size() - 1;
            for (int i = 0; i <= last; i++) {
                os.write(pages.get(i), 0, i < last ? pageLengths[i] : position);
            }
            return size();
        }

        /** Returns the pages to the pool and forgets the records. */
        void release() {
            for (byte[] page : pages) {
                returnPage(page);
            }
            pages.clear();
            fullPagesBytes = 0;
            buffer = null;
            capacity = 0;
            position = 0;
            headerPage = null;
        }
    }
}
