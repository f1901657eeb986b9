package io.weft.runtime.checkpoint;

import io.weft.api.SerializableFunction;
import io.weft.api.WeftException;
import io.weft.api.lineage.CheckpointedPartitions;
import io.weft.api.lineage.Node;
import io.weft.api.lineage.TaskContext;
import io.weft.runtime.executor.ExecutorEnvironment;
import io.weft.runtime.executor.ExecutorTaskContext;
import io.weft.runtime.serial.RecordStreams;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A node's partitions as files in a checkpoint directory on a Hadoop file system: {@code <dir>/part-NNNNN}, one
 * per partition, each a {@link RecordStreams} stream. Written by a job running {@link #writer(String)} (each
 * attempt writes a temporary file and renames it into place; the first rename wins, so retried and speculative
 * attempts never leave a mixed file); read by any task through {@link #read}.
 *
 * @param <T> record type
 */
public final class ReliableCheckpoint<T> implements CheckpointedPartitions<T> {

    private static final long serialVersionUID = 1L;

    private final String dir;

    /** @param dir the node's checkpoint directory, holding every partition's file */
    public ReliableCheckpoint(String dir) {
        this.dir = dir;
    }

    /**
     * @param dir the node's checkpoint directory
     * @param partition a partition
     * @return the partition's file
     */
    public static Path partitionFile(String dir, int partition) {
        return new Path(dir, String.format("part-%05d", partition));
    }

    @Override
    public Iterator<T> read(Node<T> node, int partition, TaskContext context) {
        ExecutorEnvironment env = ExecutorTaskContext.currentEnvironment();
        Path file = partitionFile(dir, partition);
        try {
            InputStream in = file.getFileSystem(env.hadoopConf()).open(file);
            return RecordStreams.read(env.kryo(), in);
        } catch (FileNotFoundException e) {
            throw new WeftException("The checkpoint file " + file + " of " + node + " is missing; was the"
                    + " checkpoint directory deleted while the session used it?", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the checkpoint file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String location() {
        return dir;
    }

    /**
     * The function a checkpoint job runs on each partition.
     *
     * @param dir the node's checkpoint directory
     * @param <T> record type
     * @return writes the partition's records to its file and returns how many there were
     */
    public static <T> SerializableFunction<Iterator<T>, Long> writer(String dir) {
        return new Writer<>(dir);
    }

    private static final class Writer<T> implements SerializableFunction<Iterator<T>, Long> {
        private static final long serialVersionUID = 1L;
        private final String dir;

        Writer(String dir) {
            this.dir = dir;
        }

        @Override
        public Long call(Iterator<T> records) throws IOException {
            TaskContext task = TaskContext.current();
            ExecutorEnvironment env = ExecutorTaskContext.currentEnvironment();
            Path target = partitionFile(dir, task.partitionId());
            Path temp = new Path(dir, "." + target.getName() + "-attempt-" + task.taskAttemptId());
            FileSystem fs = target.getFileSystem(env.hadoopConf());
            long written;
            try (OutputStream out = fs.create(temp, true)) {
                written = RecordStreams.write(env.kryo(), out, records);
            }
            if (!fs.rename(temp, target)) {
                // Another attempt of this partition committed first: its file holds the same records.
                fs.delete(temp, false);
                if (!fs.exists(target)) {
                    throw new IOException("Could not rename " + temp + " to " + target);
                }
            }
            return written;
        }
    }
}
