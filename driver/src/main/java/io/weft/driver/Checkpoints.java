package io.weft.driver;

import io.weft.api.SerializableFunction;
import io.weft.api.StorageLevel;
import io.weft.api.WeftException;
import io.weft.api.lineage.CheckpointKind;
import io.weft.api.lineage.Dependency;
import io.weft.api.lineage.LocalCheckpoint;
import io.weft.api.lineage.Node;
import io.weft.runtime.checkpoint.PartitionCounter;
import io.weft.runtime.checkpoint.ReliableCheckpoint;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the checkpoints that {@code checkpoint()} and {@code localCheckpoint()} ask for, after the job that
 * first computes the marked node, and owns the application's checkpoint directory.
 *
 * <p>As in Spark, writing takes one more job per marked node, run right after the user's job. Unlike Spark, a
 * marked node the user did not persist is persisted ({@code MEMORY_AND_DISK}) for the user's job, so the extra
 * job reads its partitions from the executors instead of recomputing its lineage; that temporary cache is dropped
 * once the checkpoint is written. Only the marked nodes nearest the job's final node are written (as Spark's
 * {@code doCheckpoint}): their ancestors are cut off with them.
 *
 * <p>Thread-safe: user threads call it around their jobs; writing is serialized, so two jobs on one marked node
 * write it once. Jobs whose lineage has no pending checkpoint never wait for another job's checkpoint.
 */
final class Checkpoints {

    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);

    /** Runs a job without checkpoint handling (the engine's own job path). */
    interface JobRunner {
        @SuppressWarnings("rawtypes")
        List<?> run(Node node, SerializableFunction function, String callSite);
    }

    private final String applicationId;
    private final Configuration hadoopConf;
    private final JobRunner jobs;
    private final java.util.function.IntConsumer dropCached;
    private final boolean cleanOnClose;
    private final Set<Integer> persistedForCheckpoint = new HashSet<>();
    private volatile Path dir;

    /**
     * @param applicationId names the application's subdirectory
     * @param hadoopConf to reach the checkpoint directory
     * @param jobs runs the checkpoint jobs
     * @param dropCached drops a node's cached partitions from the executors
     * @param cleanOnClose whether {@link #close()} deletes the application's subdirectory
     */
    Checkpoints(String applicationId, Configuration hadoopConf, JobRunner jobs,
            java.util.function.IntConsumer dropCached, boolean cleanOnClose) {
        this.applicationId = applicationId;
        this.hadoopConf = hadoopConf;
        this.jobs = jobs;
        this.dropCached = dropCached;
        this.cleanOnClose = cleanOnClose;
    }

    /**
     * Sets where reliable checkpoints go: a subdirectory named after the application, created now.
     *
     * @param directory a Hadoop path (HDFS on YARN, so every executor can read it)
     * @throws WeftException when it cannot be created
     */
    synchronized void setDirectory(String directory) {
        Path appDir = new Path(directory, applicationId);
        try {
            appDir.getFileSystem(hadoopConf).mkdirs(appDir);
        } catch (IOException e) {
            throw new WeftException("setCheckpointDir: cannot create " + appDir + ": " + e.getMessage()
                    + ". Fix: give a writable directory on a file system every executor can read.", e);
        }
        this.dir = appDir;
    }

    /** @return the application's checkpoint directory, or {@code null} before {@link #setDirectory} */
    String directory() {
        Path current = dir;
        return current == null ? null : current.toString();
    }

    /**
     * Before a job: persists, for the job's duration, marked nodes that are not persisted (see the class comment).
     *
     * @param node the job's final node
     */
    void beforeJob(Node<?> node) {
        List<Node<?>> marked = pending(node);
        if (!marked.isEmpty()) {
            persistForCheckpoint(marked);
        }
    }

    private synchronized void persistForCheckpoint(List<Node<?>> nodes) {
        for (Node<?> marked : nodes) {
            if (marked.storageLevel() == null && marked.pendingCheckpoint() == CheckpointKind.RELIABLE) {
                marked.setStorageLevel(StorageLevel.MEMORY_AND_DISK);
                persistedForCheckpoint.add(marked.id());
            }
        }
    }

    /**
     * After a successful job: writes the checkpoints of the marked nodes it computed.
     *
     * @param node the job's final node
     * @throws WeftException when a checkpoint cannot be written
     */
    void afterJob(Node<?> node) {
        // Most jobs have nothing to write: only those that do take the lock (and hold it while writing, so a
        // concurrent job on the same node waits and then finds it written).
        if (!pending(node).isEmpty()) {
            write(node);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private synchronized void write(Node<?> node) {
        for (Node marked : pending(node)) {
            if (marked.pendingCheckpoint() == CheckpointKind.LOCAL) {
                if (marked.storageLevel() == null) {
                    // Unpersisted after localCheckpoint(): the blocks are its only copy once the lineage is cut.
                    marked.setStorageLevel(StorageLevel.MEMORY_AND_DISK);
                }
                jobs.run(marked, new PartitionCounter<>(), "localCheckpoint of " + marked.name());
                marked.checkpointWritten(new LocalCheckpoint<>());
                LOG.info("Node {} is locally checkpointed", marked.id());
                continue;
            }
            Path nodeDir = new Path(dir, "node-" + marked.id());
            jobs.run(marked, ReliableCheckpoint.writer(nodeDir.toString()), "checkpoint of " + marked.name());
            checkWritten(marked, nodeDir);
            marked.checkpointWritten(new ReliableCheckpoint<>(nodeDir.toString()));
            LOG.info("Node {} is checkpointed to {}", marked.id(), nodeDir);
            if (persistedForCheckpoint.remove(marked.id())) {
                marked.setStorageLevel(null);
                dropCached.accept(marked.id());
            }
        }
    }

    private void checkWritten(Node<?> node, Path nodeDir) {
        try {
            FileSystem fs = nodeDir.getFileSystem(hadoopConf);
            for (int p = 0; p < node.numPartitions(); p++) {
                if (!fs.exists(ReliableCheckpoint.partitionFile(nodeDir.toString(), p))) {
                    throw new WeftException("Checkpoint of " + node + ": partition " + p + " was not written to "
                            + nodeDir);
                }
            }
        } catch (IOException e) {
            throw new WeftException("Checkpoint of " + node + ": cannot check " + nodeDir + ": " + e.getMessage(), e);
        }
    }

    /** The marked, unwritten nodes nearest {@code node} along its (uncut) lineage. */
    private static List<Node<?>> pending(Node<?> node) {
        List<Node<?>> found = new ArrayList<>();
        Set<Integer> visited = new HashSet<>();
        Deque<Node<?>> toVisit = new ArrayDeque<>();
        toVisit.push(node);
        while (!toVisit.isEmpty()) {
            Node<?> current = toVisit.pop();
            if (!visited.add(current.id())) {
                continue;
            }
            if (current.pendingCheckpoint() != null) {
                found.add(current);
                continue;
            }
            for (Dependency<?> dep : current.lineageDependencies()) {
                toVisit.push(dep.parent());
            }
        }
        return found;
    }

    /** Deletes the application's checkpoint directory unless {@code weft.checkpoint.cleanOnClose} is false. */
    void close() {
        Path current = dir;
        if (current == null || !cleanOnClose) {
            return;
        }
        try {
            current.getFileSystem(hadoopConf).delete(current, true);
        } catch (IOException e) {
            LOG.warn("Could not delete the checkpoint directory {}: {}", current, e.toString());
        }
    }
}
