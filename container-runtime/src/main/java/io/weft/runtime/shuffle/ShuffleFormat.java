package io.weft.runtime.shuffle;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Constants and the index footer of the map output file format described in {@link MapOutputWriter}.
 */
final class ShuffleFormat {

    /** "WEFTSHF1": the last 8 bytes of every map output file. */
    static final long MAGIC = 0x5745_4654_5348_4631L;

    /** Bytes of a block's length prefix. */
    static final int BLOCK_HEADER = 4;

    /** A block is closed once its payload reaches this size, so readers never hold much more than this. */
    static final int BLOCK_TARGET = 32 * 1024;

    /** Footer bytes after the offsets: the partition count (int) and the magic (long). */
    static final int FOOTER_TAIL = 4 + 8;

    private ShuffleFormat() {
    }

    /**
     * @param numPartitions the partition count
     * @return the footer's size in bytes
     */
    static long footerBytes(int numPartitions) {
        return 8L * (numPartitions + 1) + FOOTER_TAIL;
    }

    /**
     * @param offsets {@code numPartitions + 1} offsets: each partition's start, then the data end
     * @return the footer bytes
     */
    static byte[] encodeFooter(long[] offsets) {
        int numPartitions = offsets.length - 1;
        ByteBuffer footer = ByteBuffer.allocate((int) footerBytes(numPartitions));
        for (long offset : offsets) {
            footer.putLong(offset);
        }
        footer.putInt(numPartitions);
        footer.putLong(MAGIC);
        return footer.array();
    }

    /**
     * Reads and checks the index footer of one map output wherever it sits in a file: at the end of a file of its
     * own, or after the output's bytes inside a segment file that holds several ({@link SegmentFiles}). Footer
     * offsets are absolute (positions in the file), so the footer's last offset is where the footer itself starts.
     * Reads the footer with one positioned read and never asks for the file's length, which the NameNode does not
     * know yet for a segment file still being written (the bytes its writer flushed are readable all the same).
     *
     * @param fs the file system
     * @param path the file
     * @param footerStart where the footer starts: the end of the output's last partition
     * @param numPartitions the output's partition count
     * @return {@code numPartitions + 1} absolute offsets: partition {@code p} spans {@code [offsets[p],
     *     offsets[p+1])}
     * @throws IOException if the file cannot be read there or the bytes there are not this output's footer
     */
    static long[] readIndexAt(FileSystem fs, Path path, long footerStart, int numPartitions) throws IOException {
        byte[] bytes = new byte[(int) footerBytes(numPartitions)];
        try (FSDataInputStream in = fs.open(path)) {
            in.readFully(footerStart, bytes, 0, bytes.length);
        }
        ByteBuffer footer = ByteBuffer.wrap(bytes);
        long[] offsets = new long[numPartitions + 1];
        for (int p = 0; p <= numPartitions; p++) {
            offsets[p] = footer.getLong();
        }
        int recorded = footer.getInt();
        long magic = footer.getLong();
        if (magic != MAGIC || recorded != numPartitions) {
            throw new IOException("No map output footer at offset " + footerStart + " of " + path + " (magic "
                    + Long.toHexString(magic) + ", " + recorded + " partitions where " + numPartitions
                    + " were expected)");
        }
        for (int p = 1; p <= numPartitions; p++) {
            if (offsets[p] < offsets[p - 1]) {
                throw new IOException("Corrupt map output footer at offset " + footerStart + " of " + path
                        + " (offset of partition " + p + " is " + offsets[p] + ")");
            }
        }
        if (offsets[numPartitions] != footerStart) {
            throw new IOException("Corrupt map output footer at offset " + footerStart + " of " + path
                    + " (it says the data ends at " + offsets[numPartitions] + ")");
        }
        return offsets;
    }

    /**
     * Reads and checks the footer of a committed map output file.
     *
     * @param fs the file system
     * @param path the file
     * @return {@code numPartitions + 1} offsets: partition {@code p} spans {@code [offsets[p], offsets[p+1])}
     * @throws IOException if the file cannot be read or its footer is not valid
     */
    static long[] readIndex(FileSystem fs, Path path) throws IOException {
        long fileLength = fs.getFileStatus(path).getLen();
        if (fileLength < FOOTER_TAIL + 8) {
            throw new IOException("Not a map output file (only " + fileLength + " bytes): " + path);
        }
        try (FSDataInputStream in = fs.open(path)) {
            byte[] tail = new byte[FOOTER_TAIL];
            in.readFully(fileLength - FOOTER_TAIL, tail, 0, FOOTER_TAIL);
            ByteBuffer tailBuffer = ByteBuffer.wrap(tail);
            int numPartitions = tailBuffer.getInt();
            long magic = tailBuffer.getLong();
            if (magic != MAGIC) {
                throw new IOException("Not a map output file (bad magic " + Long.toHexString(magic) + "): " + path);
            }
            long footerBytes = footerBytes(numPartitions);
            if (numPartitions < 0 || footerBytes > fileLength) {
                throw new IOException("Corrupt map output footer (" + numPartitions + " partitions in a "
                        + fileLength + "-byte file): " + path);
            }
            byte[] offsetBytes = new byte[(int) (footerBytes - FOOTER_TAIL)];
            in.readFully(fileLength - footerBytes, offsetBytes, 0, offsetBytes.length);
            ByteBuffer offsetBuffer = ByteBuffer.wrap(offsetBytes);
            long[] offsets = new long[numPartitions + 1];
            for (int p = 0; p <= numPartitions; p++) {
                offsets[p] = offsetBuffer.getLong();
                if (p == 0 ? offsets[0] != 0 : offsets[p] < offsets[p - 1]) {
                    throw new IOException("Corrupt map output footer (offset of partition " + p + " is " + offsets[p]
                            + "): " + path);
                }
            }
            if (offsets[numPartitions] != fileLength - footerBytes) {
                throw new IOException("Corrupt map output footer (data ends at " + offsets[numPartitions]
                        + ", footer starts at " + (fileLength - footerBytes) + "): " + path);
            }
            return offsets;
        }
    }
}
