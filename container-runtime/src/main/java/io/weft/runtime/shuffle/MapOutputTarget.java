package io.weft.runtime.shuffle;

import java.io.IOException;
import org.apache.hadoop.fs.FSDataOutputStream;

/**
 * Where {@link MapOutputWriter#commit()} puts one map output's bytes: a file of its own committed by rename
 * ({@link PerMapFileTarget}) or a range appended to a segment file shared with the executor's other map outputs of
 * the shuffle ({@link SegmentFiles}). Called on the committing task's thread.
 */
interface MapOutputTarget {

    /**
     * Opens a place for one map output.
     *
     * @param outputBytes the output's size, footer included
     * @return the place, owned by the caller until it calls {@link Slot#commit()} or {@link Slot#abandon()}
     * @throws IOException if the file system fails
     */
    Slot open(long outputBytes) throws IOException;

    /**
     * Like {@link #open(long)}, but never on a stream that carried earlier outputs: used for the second try after a
     * pooled stream failed.
     *
     * @param outputBytes the output's size, footer included
     * @return the place, owned by the caller
     * @throws IOException if the file system fails
     */
    default Slot openNew(long outputBytes) throws IOException {
        return open(outputBytes);
    }

    /** @return what to name in error messages (the final file, or the shuffle and map for a segment file) */
    String describe();

    /**
     * Tells the target that its writer ended (committed, failed or aborted), after any slot it opened was
     * committed or abandoned. Called by {@link MapOutputWriter} exactly once, on the writer's thread; a target of
     * the consolidated layout counts its shuffle's live writers with it (see {@link SegmentFiles}). Idempotent;
     * never throws.
     */
    default void writerEnded() {
    }

    /** A stream positioned where one map output's bytes go. */
    interface Slot {

        /** @return the stream to write the output's partitions and footer to */
        FSDataOutputStream stream();

        /** @return the position in the file of the output's first byte (0 for a file of its own) */
        long base();

        /**
         * @return whether the stream carried earlier outputs (a pooled segment file): if writing to it fails, the
         *     writer abandons it and tries once more in a new file, since its DataNode may have died since
         */
        boolean reusedStream();

        /**
         * Makes the bytes written visible to readers that open the file from now on and durable on the
         * DataNodes, and gives the stream back.
         *
         * @return the fully qualified path readers open
         * @throws IOException if that fails; the caller then calls {@link #abandon()}
         */
        String commit() throws IOException;

        /**
         * Gives up on the output after a failure: nothing a reader would be sent to refers to its bytes. Never
         * throws; other outputs already committed to the same file stay readable.
         */
        void abandon();
    }
}
