package io.weft.runtime.shuffle;

/**
 * A reduce task could not read one map output: the file is missing, unreadable, shorter than the driver says, or
 * its bytes do not decode. The scheduler reacts by recomputing only that map output ({@link #mapIndex()} of
 * {@link #shuffleId()}) and retrying the reduce task; it is never the user's fault, so it is not retried in place.
 */
public final class FetchFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int shuffleId;
    private final int mapIndex;
    private final int reducePartition;
    private final String path;

    /**
     * @param shuffleId the shuffle being read
     * @param mapIndex the map output that could not be read
     * @param reducePartition the reduce partition being read
     * @param path the map output file
     * @param reason what went wrong
     * @param cause the underlying error, or {@code null}
     */
    public FetchFailedException(int shuffleId, int mapIndex, int reducePartition, String path, String reason,
            Throwable cause) {
        super("Fetch failed: shuffle " + shuffleId + ", map " + mapIndex + ", reduce partition " + reducePartition
                + ", file " + path + ": " + reason, cause);
        this.shuffleId = shuffleId;
        this.mapIndex = mapIndex;
        this.reducePartition = reducePartition;
        this.path = path;
    }

    /** @return the shuffle being read */
    public int shuffleId() {
        return shuffleId;
    }

    /** @return the map output to recompute */
    public int mapIndex() {
        return mapIndex;
    }

    /** @return the reduce partition being read */
    public int reducePartition() {
        return reducePartition;
    }

    /** @return the map output file */
    public String path() {
        return path;
    }
}
