package io.weft.runtime.io;

import io.weft.api.SerializableFunction;
import io.weft.api.WeftException;
import io.weft.api.lineage.TaskContext;
import io.weft.runtime.executor.ExecutorTaskContext;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code saveAsTextFile}'s commit protocol. Before the job: the destination must not exist. Each task attempt
 * writes its partition to {@code <dest>/_temporary/<job>/attempt_<taskAttemptId>/part-NNNNN} and returns that
 * path as its result; the scheduler keeps exactly one successful attempt per partition. After the job, the
 * driver renames each winning file to {@code <dest>/part-NNNNN}, writes {@code _SUCCESS} and removes
 * {@code _temporary}. If the job fails, the driver deletes the destination it created, so no partial output is
 * ever visible as a finished one.
 */
public final class TextOutputJob {

    private static final Logger LOG = LoggerFactory.getLogger(TextOutputJob.class);

    private final Path destination;
    private final FileSystem fs;
    private final Path jobTemp;

    /**
     * Checks the destination.
     *
     * @param destination where the files go
     * @param hadoopConf the driver's Hadoop configuration
     * @throws WeftException when it exists or its file system cannot be reached
     */
    public TextOutputJob(String destination, Configuration hadoopConf) {
        this.destination = new Path(destination);
        try {
            this.fs = this.destination.getFileSystem(hadoopConf);
            if (fs.exists(this.destination)) {
                throw new WeftException("saveAsTextFile: the destination " + destination + " already exists."
                        + " Fix: write to a new path, or delete the old output first.");
            }
        } catch (IOException e) {
            throw new WeftException("saveAsTextFile: cannot reach " + destination + ": " + e.getMessage(), e);
        }
        this.jobTemp = new Path(new Path(this.destination, "_temporary"), UUID.randomUUID().toString());
    }

    /** @return the function each task runs: writes its partition and returns the attempt file's path */
    public SerializableFunction<Iterator<Object>, String> taskFunction() {
        String temp = jobTemp.toString();
        return records -> writePartition(temp, records);
    }

    private static String writePartition(String jobTemp, Iterator<Object> records) {
        TaskContext task = TaskContext.current();
        Configuration conf = ExecutorTaskContext.currentEnvironment().hadoopConf();
        Path file = new Path(new Path(jobTemp, "attempt_" + task.taskAttemptId()),
                String.format("part-%05d", task.partitionId()));
        try {
            FileSystem fs = file.getFileSystem(conf);
            // A killed attempt (the loser of a speculative race) must not write after the job committed: that
            // would bring back the _temporary directory the commit removed.
            checkNotKilled(file);
            try (Writer out = new BufferedWriter(new OutputStreamWriter(fs.create(file, false),
                    StandardCharsets.UTF_8), 1 << 16)) {
                while (records.hasNext()) {
                    out.write(String.valueOf(records.next()));
                    out.write('\n');
                }
            }
            if (Thread.currentThread().isInterrupted()) {
                fs.delete(file.getParent(), true);
                checkNotKilled(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
        return file.toString();
    }

    private static void checkNotKilled(Path file) {
        if (Thread.currentThread().isInterrupted()) {
            throw new WeftException("Task killed before it could write " + file);
        }
    }

    /**
     * Publishes the winning attempts' files.
     *
     * @param attemptFiles per partition, the file its winning attempt wrote
     * @throws WeftException when a rename fails (the destination is then removed)
     */
    public void commit(List<String> attemptFiles) {
        try {
            for (int i = 0; i < attemptFiles.size(); i++) {
                Path target = new Path(destination, String.format("part-%05d", i));
                if (!fs.rename(new Path(attemptFiles.get(i)), target)) {
                    throw new IOException("rename of " + attemptFiles.get(i) + " to " + target + " failed");
                }
            }
            fs.delete(new Path(destination, "_temporary"), true);
            fs.create(new Path(destination, "_SUCCESS"), false).close();
            LOG.info("Committed {} files to {}", attemptFiles.size(), destination);
        } catch (IOException e) {
            abort();
            throw new WeftException("saveAsTextFile: could not commit the output to " + destination + ": "
                    + e.getMessage(), e);
        }
    }

    /** Removes everything the job wrote. Called when the job failed. */
    public void abort() {
        try {
            fs.delete(destination, true);
        } catch (IOException e) {
            LOG.warn("Could not remove the failed output {}: {}", destination, e.toString());
        }
    }
}
