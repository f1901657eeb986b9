package io.weft.runtime.shuffle;

import java.io.Serializable;

/**
 * One byte range of one map output file that a reduce task reads: the bytes of one reduce partition (or of
 * several adjacent ones) written by map task {@code mapIndex}. The driver builds these from the committed
 * {@link MapOutputCommit}s and ships them in task descriptions.
 *
 * @param mapIndex the map partition that wrote the file, reported in a {@link FetchFailedException}
 * @param path the file, as returned by {@link MapOutputCommit#path()}
 * @param offset where the range starts
 * @param length its length in bytes; zero-length segments are skipped without opening the file
 */
public record ShuffleSegment(int mapIndex, String path, long offset, long length) implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * @throws IllegalArgumentException if the offset or length is negative
     */
    public ShuffleSegment {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("Bad shuffle segment of map " + mapIndex + " in " + path + ": offset "
                    + offset + ", length " + length);
        }
    }
}
