package io.weft.runtime.shuffle;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import io.weft.api.Pair;
import io.weft.runtime.serial.KryoPool;
import io.weft.runtime.serial.RecordCodec;
import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Lazily reads a reduce partition's segments, in list order, from map output files (format in
 * {@link MapOutputWriter}). A file is opened when its first segment is reached and stays open until the reader
 * ends, so each file is opened once however its segments are spread over the list: a segment file holding the
 * outputs of many maps costs one NameNode lookup per reducer, not one per map. Segments are read in list order
 * (map order), so records arrive in the same order in either layout. Bytes are read with positioned reads of up
 * to 1 MiB and decoded from memory, one block at a time. A segment file still being written (or whose writer
 * died) is readable up to what its writer flushed, which covers every committed output in it.
 *
 * <p>Used by one thread. Any I/O error, missing file or undecodable byte throws {@link FetchFailedException}
 * naming the map output; after that (and once exhausted or {@linkplain #close() closed}) the reader holds no file
 * and no Kryo instance. Close it when abandoning it early.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class ShuffleReader<K, V> implements Iterator<Pair<K, V>>, AutoCloseable {

    private static final int CHUNK = 1 << 20;

    private final FileSystem fs;
    private final KryoPool kryoPool;
    private final int shuffleId;
    private final int reducePartition;
    private final List<ShuffleSegment> segments;

    private int nextSegment;
    private ShuffleSegment segment;
    private FSDataInputStream in;
    /** Every file opened so far, by path; closed when the reader ends. */
    private final Map<String, FSDataInputStream> opened = new HashMap<>();
    /** The unread part of the current segment that is not yet in {@link #buf}: {@code [filePos, segmentEnd)}. */
    private long filePos;
    private long segmentEnd;
    /** Read but not yet decoded bytes: {@code buf[bufPos, bufLimit)}. */
    private byte[] buf;
    private int bufPos;
    private int bufLimit;
    private final Input input = new Input();
    private int blockEnd;
    private Kryo kryo;
    private Pair<K, V> next;
    private boolean done;
    /** Time spent opening files and reading bytes (not decoding them); read by the task's own thread. */
    private long readNanos;

    ShuffleReader(FileSystem fs, KryoPool kryoPool, int shuffleId, int reducePartition,
            List<ShuffleSegment> segments) {
        this.fs = fs;
        this.kryoPool = kryoPool;
        this.shuffleId = shuffleId;
        this.reducePartition = reducePartition;
        this.segments = List.copyOf(segments);
    }

    @Override
    public boolean hasNext() {
        if (next == null && !done) {
            next = advance();
        }
        return next != null;
    }

    @Override
    public Pair<K, V> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Pair<K, V> result = next;
        next = null;
        return result;
    }

    @SuppressWarnings("unchecked")
    private Pair<K, V> advance() {
        while (true) {
            if (kryo != null && input.position() < blockEnd) {
                try {
                    K key = (K) RecordCodec.readField(kryo, input);
                    V value = (V) RecordCodec.readField(kryo, input);
                    return new Pair<>(key, value);
                } catch (KryoException | IndexOutOfBoundsException | NegativeArraySizeException e) {
                    throw fail("undecodable record: " + e.getMessage(), e);
                }
            }
            if (segment != null && nextBlock()) {
                continue;
            }
            if (!nextSegment()) {
                close();
                return null;
            }
        }
    }

    private boolean nextSegment() {
        segment = null;
        while (nextSegment < segments.size()) {
            ShuffleSegment s = segments.get(nextSegment++);
            if (s.length() == 0) {
                continue;
            }
            segment = s;
            in = opened.get(s.path());
            if (in == null) {
                long openStart = System.nanoTime();
                try {
                    in = fs.open(new Path(s.path()));
                } catch (IOException | RuntimeException e) {
                    throw fail("cannot open the map output file: " + e, e);
                } finally {
                    readNanos += System.nanoTime() - openStart;
                }
                opened.put(s.path(), in);
            }
            if (kryo == null) {
                kryo = kryoPool.borrow();
            }
            filePos = s.offset();
            segmentEnd = s.offset() + s.length();
            bufPos = 0;
            bufLimit = 0;
            if (buf == null || (buf.length < CHUNK && buf.length < s.length())) {
                buf = new byte[(int) Math.min(CHUNK, s.length())];
            }
            return true;
        }
        return false;
    }

    /** Makes the next block of the current segment the decoding input; false at the segment's end. */
    private boolean nextBlock() {
        if (bufLimit - bufPos == 0 && filePos == segmentEnd) {
            return false;
        }
        ensureBuffered(ShuffleFormat.BLOCK_HEADER);
        int length = ((buf[bufPos] & 0xff) << 24) | ((buf[bufPos + 1] & 0xff) << 16)
                | ((buf[bufPos + 2] & 0xff) << 8) | (buf[bufPos + 3] & 0xff);
        long remaining = bufLimit - bufPos - ShuffleFormat.BLOCK_HEADER + segmentEnd - filePos;
        if (length <= 0 || length > remaining) {
            throw fail("bad block length " + length + " with " + remaining + " bytes left in the segment", null);
        }
        bufPos += ShuffleFormat.BLOCK_HEADER;
        ensureBuffered(length);
        input.setBuffer(buf, bufPos, length);
        bufPos += length;
        blockEnd = bufPos;
        return true;
    }

    /** Reads more of the segment until {@code need} undecoded bytes are in the buffer. */
    private void ensureBuffered(int need) {
        int available = bufLimit - bufPos;
        if (available >= need) {
            return;
        }
        if (available + (segmentEnd - filePos) < need) {
            throw fail("segment ends inside a block (" + (available + segmentEnd - filePos) + " bytes left, "
                    + need + " needed)", null);
        }
        if (buf.length < need) {
            byte[] bigger = new byte[Math.max(need, Math.min(CHUNK, 2 * buf.length))];
            System.arraycopy(buf, bufPos, bigger, 0, available);
            buf = bigger;
        } else {
            System.arraycopy(buf, bufPos, buf, 0, available);
        }
        bufPos = 0;
        bufLimit = available;
        int n = (int) Math.min(segmentEnd - filePos, buf.length - bufLimit);
        long readStart = System.nanoTime();
        try {
            in.readFully(filePos, buf, bufLimit, n);
        } catch (IOException | RuntimeException e) {
            throw fail("cannot read " + n + " bytes at offset " + filePos + ": " + e, e);
        } finally {
            readNanos += System.nanoTime() - readStart;
        }
        filePos += n;
        bufLimit += n;
    }

    /**
     * Called on the thread that iterates this reader.
     *
     * @return nanoseconds spent so far opening map output files and reading their bytes (a chunk of up to 1 MiB at
     *     a time, so the clock is read a few times per MiB, not per record); decoding is not included
     */
    public long readNanos() {
        return readNanos;
    }

    private FetchFailedException fail(String reason, Throwable cause) {
        ShuffleSegment s = segment;
        close();
        return new FetchFailedException(shuffleId, s == null ? -1 : s.mapIndex(), reducePartition,
                s == null ? "?" : s.path(), reason + (s == null ? "" : " (segment offset " + s.offset() + ", length "
                + s.length() + ")"), cause);
    }

    private void closeFiles() {
        for (FSDataInputStream stream : opened.values()) {
            try {
                stream.close();
            } catch (IOException e) {
                // Read-only stream: nothing is lost.
            }
        }
        opened.clear();
        in = null;
    }

    /** Closes the open files and returns the Kryo instance; the iterator then ends. Idempotent. */
    @Override
    public void close() {
        done = true;
        closeFiles();
        blockEnd = 0;
        input.setBuffer(new byte[0]);
        buf = null;
        if (kryo != null) {
            kryoPool.release(kryo);
            kryo = null;
        }
    }
}
