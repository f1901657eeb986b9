package io.weft.driver;

import io.weft.api.SerializableFunction;
import io.weft.api.WeftException;
import io.weft.api.lineage.Node;
import io.weft.planner.Digests;
import io.weft.runtime.io.TextOutputJob;
import io.weft.runtime.serial.KryoPool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code saveAsTextFile} on the driver: {@link TextOutputJob}'s commit protocol around the job and, in a driver that
 * may be retried (one with a journal), resuming what an earlier attempt of the application started or committed.
 * Called on the user's thread that runs the action; thread-safe as the journal is.
 */
final class TextOutputs {

    private static final Logger LOG = LoggerFactory.getLogger(TextOutputs.class);

    /** Runs the write job: one attempt file per partition, from the winning attempts. */
    @FunctionalInterface
    interface WriteJob {
        List<String> run(Node<?> node, SerializableFunction<Iterator<Object>, String> taskFunction, String callSite);
    }

    private final Configuration hadoopConf;
    private final java.util.function.Supplier<KryoPool> kryo;
    private final FileMapOutputJournal journal;
    private final WriteJob writeJob;

    /**
     * @param hadoopConf the driver's Hadoop configuration
     * @param kryo serializes the lineage for the output's fingerprint (the calling thread's scope's serializers)
     * @param journal the attempt's journal, or {@code null} when the driver is not retried
     * @param writeJob runs the job
     */
    TextOutputs(Configuration hadoopConf, java.util.function.Supplier<KryoPool> kryo, FileMapOutputJournal journal,
            WriteJob writeJob) {
        this.hadoopConf = hadoopConf;
        this.kryo = kryo;
        this.journal = journal;
        this.writeJob = writeJob;
    }

    /**
     * Writes the records' lines under {@code path}; on failure removes what the job wrote.
     *
     * @param node the records
     * @param path the destination, which must not exist (unless an earlier attempt of this application left it)
     * @param callSite for logs
     * @throws WeftException when the destination exists or cannot be reached, or the commit fails
     */
    void save(Node<?> node, String path, String callSite) {
        String fingerprint = journal == null ? null : fingerprint(node, path);
        if (fingerprint != null && resume(path, fingerprint)) {
            return;
        }
        TextOutputJob output = new TextOutputJob(path, hadoopConf);
        if (fingerprint != null) {
            journal.recordOutputStarted(path, fingerprint);
        }
        List<String> files;
        try {
            files = writeJob.run(node, output.taskFunction(), callSite);
        } catch (RuntimeException e) {
            output.abort();
            throw e;
        }
        output.commit(files);
        if (fingerprint != null) {
            journal.recordOutputCommitted(path, fingerprint);
        }
    }

    /**
     * In a retried driver: an output an earlier attempt committed is kept and not rerun; one it had only started is
     * removed (it may hold part of the files) and written again.
     *
     * @return whether the output is already complete
     */
    private boolean resume(String path, String fingerprint) {
        Path destination = new Path(path);
        try {
            FileSystem fs = destination.getFileSystem(hadoopConf);
            if (journal.outputCommitted(path, fingerprint) && fs.exists(new Path(destination, "_SUCCESS"))) {
                LOG.info("saveAsTextFile({}): an earlier attempt of this application committed it; not rerun", path);
                return true;
            }
            if (journal.outputStarted(path, fingerprint) && fs.exists(destination)) {
                LOG.info("saveAsTextFile({}): removing what an earlier attempt left unfinished", path);
                fs.delete(destination, true);
            }
        } catch (IOException e) {
            throw new WeftException("saveAsTextFile: cannot reach " + path + ": " + e.getMessage(), e);
        }
        return false;
    }

    /** The saved lineage and destination, as a digest; null when the lineage cannot be serialized. */
    private String fingerprint(Node<?> node, String path) {
        try {
            return Digests.sha256Hex(path.getBytes(StandardCharsets.UTF_8), kryo.get().serialize(node));
        } catch (RuntimeException e) {
            LOG.debug("No fingerprint for the output {}: {}", path, e.toString());
            return null;
        }
    }
}
