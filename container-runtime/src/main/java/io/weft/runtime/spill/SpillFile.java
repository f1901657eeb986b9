package io.weft.runtime.spill;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.weft.runtime.serial.RecordCodec;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A local file of key-value records ({@link RecordCodec} key then value, back to back), written once and read
 * once, in order, streaming. The record count is kept in memory, so the file has no header or trailer.
 */
final class SpillFile {

    /** At most this many spill files are merged at once (open files, read buffers); more take several passes. */
    static final int MAX_FAN_IN = 64;

    /**
     * Closes the readers and deletes the files, best effort, logging what could not be deleted. Used by the
     * aggregator and the sorter when they are closed, whatever state they are in.
     *
     * @param readers open readers (cleared)
     * @param files spill files
     */
    static void deleteAll(java.util.List<Reader> readers, java.util.List<SpillFile> files) {
        for (Reader reader : readers) {
            try {
                reader.close();
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(SpillFile.class).warn("Could not delete a spill file", e);
            }
        }
        readers.clear();
        for (SpillFile spill : files) {
            if (spill.file().exists() && !spill.file().delete()) {
                org.slf4j.LoggerFactory.getLogger(SpillFile.class).warn("Could not delete spill file {}",
                        spill.file());
            }
        }
    }
    private static final int MIN_BUFFER = 4 * 1024;
    private static final int MAX_BUFFER = 64 * 1024;

    private final File file;
    private final long records;

    private SpillFile(File file, long records) {
        this.file = file;
        this.records = records;
    }

    /**
     * @param dir the local spill directory (created 0700 if missing)
     * @param prefix the file name prefix
     * @param bufferSize the write buffer size
     * @return a writer to a new, uniquely named file, readable and writable by its owner only (0600)
     */
    static Writer create(File dir, String prefix, int bufferSize) {
        try {
            File file = io.weft.runtime.files.OwnerOnly.createLocalTempFile(dir, prefix, ".spill");
            return new Writer(file, bufferSize);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a spill file in " + dir, e);
        }
    }

    /**
     * @param budget the memory budget of the structure spilling or merging
     * @param streams how many files share it
     * @return a buffer size between 4 and 64 KiB
     */
    static int bufferSize(MemoryBudget budget, int streams) {
        return (int) Math.max(MIN_BUFFER, Math.min(MAX_BUFFER, budget.bytes() / Math.max(1, streams)));
    }

    File file() {
        return file;
    }

    long records() {
        return records;
    }

    /**
     * @param kryo the reading thread's Kryo
     * @param bufferSize the read buffer size
     * @return a reader positioned before the first record; it deletes the file when exhausted or closed
     */
    Reader open(Kryo kryo, int bufferSize) {
        try {
            return new Reader(new Input(new FileInputStream(file), bufferSize), kryo);
        } catch (IOException e) {
            delete();
            throw new UncheckedIOException("Could not open spill file " + file, e);
        }
    }

    void delete() {
        if (!file.delete() && file.exists()) {
            throw new UncheckedIOException(new IOException("Could not delete spill file " + file));
        }
    }

    /** Appends records to a new spill file. */
    static final class Writer {
        private final File file;
        private final Output out;
        private long records;

        private Writer(File file, int bufferSize) throws IOException {
            this.file = file;
            this.out = new Output(new FileOutputStream(file), bufferSize);
        }

        void append(Kryo kryo, Object key, Object value) {
            try {
                RecordCodec.writeField(kryo, out, key);
                RecordCodec.writeField(kryo, out, value);
            } catch (RuntimeException e) {
                abort();
                throw asIoFailure(e);
            }
            records++;
        }

        SpillFile finish() {
            try {
                out.close();
            } catch (RuntimeException e) {
                abort();
                throw asIoFailure(e);
            }
            return new SpillFile(file, records);
        }

        void abort() {
            try {
                out.close();
            } catch (RuntimeException e) {
                // Already failing; the file is deleted below.
            }
            file.delete();
        }

        private RuntimeException asIoFailure(RuntimeException e) {
            if (e instanceof KryoException && e.getCause() instanceof IOException io) {
                return new UncheckedIOException("Could not write spill file " + file, io);
            }
            return e;
        }
    }

    /** Streams a spill file's records; {@link #advance()} then read {@link #key} and {@link #value}. */
    final class Reader implements AutoCloseable {
        private final Input in;
        private final Kryo kryo;
        private long remaining = records;
        private boolean closed;
        Object key;
        Object value;

        private Reader(Input in, Kryo kryo) {
            this.in = in;
            this.kryo = kryo;
        }

        /** @return whether a record was read into {@link #key} and {@link #value}; at the end, closes the reader */
        boolean advance() {
            if (remaining == 0) {
                close();
                return false;
            }
            try {
                key = RecordCodec.readField(kryo, in);
                value = RecordCodec.readField(kryo, in);
            } catch (RuntimeException e) {
                close();
                throw new IllegalStateException("Corrupt spill file " + file + ": " + e.getMessage(), e);
            }
            remaining--;
            return true;
        }

        /** Closes and deletes the file. Idempotent. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            key = null;
            value = null;
            try {
                in.close();
            } finally {
                delete();
            }
        }
    }
}
