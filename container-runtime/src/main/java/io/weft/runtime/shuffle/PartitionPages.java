package io.weft.runtime.shuffle;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Output;
import io.weft.runtime.serial.KryoPool;
import io.weft.runtime.serial.RecordCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;

/**
 * A map task's buffered records: encoded at once (with {@link RecordCodec}, key then value) into a chain of
 * fixed-size byte pages per reduce partition, framed into blocks as {@link MapOutputWriter}'s file format says.
 * No record objects are kept and nothing is copied to grow a buffer: a record that does not fit goes on in a
 * fresh page. Pages come from a pool that {@link #releaseAll()} refills, so a writer that spills reuses them.
 * {@link #heldBytes()} is what the writer's buffer limit bounds.
 *
 * <p>Used by one thread. Holds a borrowed Kryo instance until {@link #close()}.
 */
final class PartitionPages implements AutoCloseable {

    private final KryoPool kryoPool;
    private final int pageSize;
    private final ArrayDeque<byte[]> freePages = new ArrayDeque<>();
    private Kryo kryo;
    private PartitionBuffer[] partitions;
    /** Bytes of the pages the partitions hold (full page sizes, not bytes written). */
    private long heldBytes;

    /**
     * @param kryoPool where the Kryo instance comes from and returns to
     * @param numPartitions the reduce partitions
     * @param pageSize the size of a page
     */
    PartitionPages(KryoPool kryoPool, int numPartitions, int pageSize) {
        this.kryoPool = kryoPool;
        this.pageSize = pageSize;
        this.partitions = new PartitionBuffer[numPartitions];
        this.kryo = kryoPool.borrow();
    }

    /**
     * Encodes a record into its partition's pages. When encoding fails nothing of the record is kept.
     *
     * @param partition the reduce partition, in range
     * @param key the key (may be {@code null})
     * @param value the value (may be {@code null})
     */
    void append(int partition, Object key, Object value) {
        PartitionBuffer out = partitions[partition];
        if (out == null) {
            out = new PartitionBuffer();
            partitions[partition] = out;
        }
        out.append(key, value);
    }

    /** @return bytes of the pages holding records */
    long heldBytes() {
        return heldBytes;
    }

    /** @return the size of a page */
    int pageSize() {
        return pageSize;
    }

    /**
     * Closes the partition's open block and writes its bytes.
     *
     * @param partition the partition
     * @param os where to
     * @return how many bytes
     * @throws IOException when writing fails
     */
    long writeTo(int partition, OutputStream os) throws IOException {
        PartitionBuffer out = partitions[partition];
        return out == null ? 0 : out.writeTo(os);
    }

    /**
     * @param partition the partition
     * @return the bytes {@link #writeTo} would write, after closing the open block
     */
    long closeBlockAndSize(int partition) {
        PartitionBuffer out = partitions[partition];
        if (out == null) {
            return 0;
        }
        out.closeBlock();
        return out.size();
    }

    /** Forgets every record (they were spilled) and returns the pages to the pool. */
    void releaseAll() {
        for (PartitionBuffer out : partitions) {
            if (out != null) {
                out.release();
            }
        }
    }

    /** Drops the pages and returns the Kryo instance. Idempotent. */
    @Override
    public void close() {
        partitions = null;
        freePages.clear();
        if (kryo != null) {
            kryoPool.release(kryo);
            kryo = null;
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

        void closeBlock() {
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
