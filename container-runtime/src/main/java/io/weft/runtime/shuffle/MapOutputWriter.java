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
 * Records are encoded at once (with {@link RecordCodec}, key then value) into one growable byte buffer per
 * partition; no record objects are kept. When the buffered bytes exceed {@code writeBufferBytes}, all buffers go
 * to one new spill file in the local spill directory, partition after partition, and are reset (buffers that grew
 * beyond their fair share are dropped). Live memory thus stays within two to three times {@code writeBufferBytes}
 * plus 256 bytes per partition written to.
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

    private static final int INITIAL_BUFFER = 256;
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
    private final int keepCapacity;

    private Kryo kryo;
    private Output[] buffers;
    /** Position of the open block's length prefix in each partition's buffer, or -1 when no block is open. */
    private final int[] blockStart;
    private final List<Spill> spills = new ArrayList<>();
    private long buffered;
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
        this.keepCapacity = (int) Math.max(INITIAL_BUFFER,
                Math.min(2L * ShuffleFormat.BLOCK_TARGET, writeBufferBytes / numPartitions));
        this.buffers = new Output[numPartitions];
        this.blockStart = new int[numPartitions];
        Arrays.fill(blockStart, -1);
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
        Output out = buffers[partition];
        if (out == null) {
            out = new Output(INITIAL_BUFFER, -1);
            buffers[partition] = out;
        }
        int start = out.position();
        try {
            if (blockStart[partition] < 0) {
                blockStart[partition] = start;
                out.writeInt(0);
            }
            RecordCodec.writeField(kryo, out, key);
            RecordCodec.writeField(kryo, out, value);
        } catch (RuntimeException e) {
            out.setPosition(start);
            if (blockStart[partition] == start) {
                blockStart[partition] = -1;
            }
            throw e;
        }
        buffered += out.position() - start;
        records++;
        if (out.position() - blockStart[partition] - ShuffleFormat.BLOCK_HEADER >= ShuffleFormat.BLOCK_TARGET) {
            closeBlock(partition);
        }
        if (buffered > writeBufferBytes) {
            spill();
        }
    }

    /** @return the number of records written so far */
    public long records() {
        return records;
    }

    /** @return the number of times the buffers were spilled to local disk */
    public int spillCount() {
        return spills.size();
    }

    private void closeBlock(int partition) {
        int start = blockStart[partition];
        if (start < 0) {
            return;
        }
        Output out = buffers[partition];
        int length = out.position() - start - ShuffleFormat.BLOCK_HEADER;
        byte[] b = out.getBuffer();
        b[start] = (byte) (length >>> 24);
        b[start + 1] = (byte) (length >>> 16);
        b[start + 2] = (byte) (length >>> 8);
        b[start + 3] = (byte) length;
        blockStart[partition] = -1;
    }

    private void closeAllBlocks() {
        for (int p = 0; p < numPartitions; p++) {
            closeBlock(p);
        }
    }

    private void spill() {
        closeAllBlocks();
        long[] lengths = new long[numPartitions];
        File file;
        try {
            Files.createDirectories(spillDir.toPath());
            file = File.createTempFile(spillPrefix, ".spill", spillDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a shuffle spill file in " + spillDir, e);
        }
        spills.add(new Spill(file, lengths));
        try (OutputStream os = new BufferedOutputStream(new FileOutputStream(file), COPY_BUFFER)) {
            for (int p = 0; p < numPartitions; p++) {
                Output out = buffers[p];
                if (out != null && out.position() > 0) {
                    os.write(out.getBuffer(), 0, out.position());
                    lengths[p] = out.position();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write shuffle spill file " + file, e);
        }
        LOG.debug("Spilled {} bytes of {} to {}", buffered, finalPath.getName(), file);
        for (int p = 0; p < numPartitions; p++) {
            Output out = buffers[p];
            if (out != null) {
                if (out.getBuffer().length > keepCapacity) {
                    buffers[p] = null;
                } else {
                    out.reset();
                }
            }
        }
        buffered = 0;
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
            closeAllBlocks();
            long[] lengths = new long[numPartitions];
            long dataBytes = 0;
            for (int p = 0; p < numPartitions; p++) {
                for (Spill spill : spills) {
                    lengths[p] += spill.lengths[p];
                }
                if (buffers[p] != null) {
                    lengths[p] += buffers[p].position();
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
        InputStream[] spillIns = new InputStream[spills.size()];
        try {
            for (int i = 0; i < spillIns.length; i++) {
                spillIns[i] = new FileInputStream(spills.get(i).file);
            }
            byte[] copy = spills.isEmpty() ? null : new byte[COPY_BUFFER];
            long position = 0;
            for (int p = 0; p < numPartitions; p++) {
                offsets[p] = position;
                // Spill files are laid out partition after partition, so each is read once, sequentially.
                for (int i = 0; i < spillIns.length; i++) {
                    long remaining = spills.get(i).lengths[p];
                    position += remaining;
                    while (remaining > 0) {
                        int n = spillIns[i].read(copy, 0, (int) Math.min(copy.length, remaining));
                        if (n < 0) {
                            throw new EOFException("Shuffle spill file " + spills.get(i).file + " is truncated");
                        }
                        os.write(copy, 0, n);
                        remaining -= n;
                    }
                }
                Output out = buffers[p];
                if (out != null && out.position() > 0) {
                    os.write(out.getBuffer(), 0, out.position());
                    position += out.position();
                }
            }
            offsets[numPartitions] = position;
        } finally {
            for (InputStream in : spillIns) {
                if (in != null) {
                    in.close();
                }
            }
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
            if (!spill.file.delete() && spill.file.exists()) {
                LOG.warn("Could not delete shuffle spill file {}", spill.file);
            }
        }
        spills.clear();
        buffers = null;
        if (kryo != null) {
            kryoPool.release(kryo);
            kryo = null;
        }
    }

    private void deleteQuietly(Path path) {
        try {
            fs.delete(path, false);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not delete temporary map output {}", path, e);
        }
    }
}
