package io.weft.runtime.shuffle;

import io.weft.runtime.files.OwnerOnly;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local spill files of one map output, oldest first. Each holds every partition's bytes from one spill of the
 * {@link PartitionPages}, partition after partition; the length of each partition's segment is kept in memory. A
 * partition's bytes in the final file are its segments in spill order, then what is still buffered, so records
 * keep their write order. Reading copies the segments of all files sequentially in partition order, each file
 * read once; {@link #mergeDownTo} first concatenates the oldest files so that few are open at once.
 *
 * <p>Used by one thread; {@link #deleteAll()} removes every file, whatever happened.
 */
final class SpillFiles {

    private static final Logger LOG = LoggerFactory.getLogger(SpillFiles.class);
    private static final int COPY_BUFFER = 64 * 1024;

    private final File dir;
    private final String prefix;
    private final int numPartitions;
    private final List<Spill> spills = new ArrayList<>();
    private int spillCount;

    private record Spill(File file, long[] lengths) {
    }

    /**
     * @param dir the local directory for spill files (created 0700 on first spill if missing; files are 0600)
     * @param prefix the files' name prefix
     * @param numPartitions the reduce partitions
     */
    SpillFiles(File dir, String prefix, int numPartitions) {
        this.dir = dir;
        this.prefix = prefix;
        this.numPartitions = numPartitions;
    }

    /**
     * Writes every partition's buffered bytes to a new spill file, then empties the buffers.
     *
     * @param pages the buffered records
     * @throws UncheckedIOException when the file cannot be written
     */
    void spill(PartitionPages pages) {
        Spill spill = newSpillFile();
        try (OutputStream os = new BufferedOutputStream(new FileOutputStream(spill.file), COPY_BUFFER)) {
            for (int p = 0; p < numPartitions; p++) {
                spill.lengths[p] = pages.writeTo(p, os);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write shuffle spill file " + spill.file, e);
        }
        LOG.debug("Spilled {} bytes of pages to {}", pages.heldBytes(), spill.file);
        pages.releaseAll();
        spillCount++;
    }

    /** @return how many times records were spilled */
    int spillCount() {
        return spillCount;
    }

    /**
     * @param partition a partition
     * @return the bytes its segments hold, over all files
     */
    long length(int partition) {
        long total = 0;
        for (Spill spill : spills) {
            total += spill.lengths[partition];
        }
        return total;
    }

    /**
     * Replaces the oldest files by their partition-wise concatenation, {@code maxOpen} at a time, until at most
     * {@code maxOpen} remain.
     *
     * @param maxOpen the most files a reader may hold open
     * @throws IOException when a file cannot be read or written
     */
    void mergeDownTo(int maxOpen) throws IOException {
        while (spills.size() > maxOpen) {
            List<Spill> batch = List.copyOf(spills.subList(0, maxOpen));
            Spill merged = newSpillFile();
            try (Reader reader = new Reader(batch);
                    OutputStream os = new BufferedOutputStream(new FileOutputStream(merged.file), COPY_BUFFER)) {
                for (int p = 0; p < numPartitions; p++) {
                    merged.lengths[p] = reader.copy(p, os);
                }
            }
            batch.forEach(SpillFiles::delete);
            // The merged file takes the batch's place at the front, so records keep their write order.
            spills.remove(spills.size() - 1);
            spills.subList(0, maxOpen).clear();
            spills.add(0, merged);
        }
    }

    /**
     * @return a reader of every file's segments; read partition 0, 1, ... in order, then close it
     * @throws IOException when a file cannot be opened
     */
    Reader open() throws IOException {
        return new Reader(List.copyOf(spills));
    }

    /** Deletes every spill file. Idempotent. */
    void deleteAll() {
        spills.forEach(SpillFiles::delete);
        spills.clear();
    }

    private Spill newSpillFile() {
        try {
            Spill spill = new Spill(OwnerOnly.createLocalTempFile(dir, prefix, ".spill"), new long[numPartitions]);
            spills.add(spill);
            return spill;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a shuffle spill file in " + dir, e);
        }
    }

    private static void delete(Spill spill) {
        if (!spill.file.delete() && spill.file.exists()) {
            LOG.warn("Could not delete shuffle spill file {}", spill.file);
        }
    }

    /** Open streams over some spill files, read once, sequentially, in partition order. */
    static final class Reader implements AutoCloseable {
        private final List<Spill> spills;
        private final InputStream[] ins;
        private final byte[] copy = new byte[COPY_BUFFER];

        private Reader(List<Spill> spills) throws IOException {
            this.spills = spills;
            this.ins = new InputStream[spills.size()];
            try {
                for (int i = 0; i < ins.length; i++) {
                    ins[i] = new FileInputStream(spills.get(i).file);
                }
            } catch (IOException e) {
                close();
                throw e;
            }
        }

        /**
         * Copies partition {@code p}'s segment of each file, in file order.
         *
         * @param p the next partition
         * @param os where to
         * @return the bytes copied
         * @throws IOException when a file is unreadable or shorter than recorded
         */
        long copy(int p, OutputStream os) throws IOException {
            long copied = 0;
            for (int i = 0; i < ins.length; i++) {
                long remaining = spills.get(i).lengths[p];
                copied += remaining;
                while (remaining > 0) {
                    int n = ins[i].read(copy, 0, (int) Math.min(copy.length, remaining));
                    if (n < 0) {
                        throw new EOFException("Shuffle spill file " + spills.get(i).file + " is truncated");
                    }
                    os.write(copy, 0, n);
                    remaining -= n;
                }
            }
            return copied;
        }

        @Override
        public void close() throws IOException {
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
    }
}
