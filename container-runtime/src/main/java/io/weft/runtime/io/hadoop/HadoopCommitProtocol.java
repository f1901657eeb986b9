package io.weft.runtime.io.hadoop;

import io.weft.api.Pair;
import io.weft.api.SerializableFunction;
import io.weft.api.WeftException;
import io.weft.api.lineage.TaskContext;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.text.SimpleDateFormat;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapred.FileAlreadyExistsException;
import org.apache.hadoop.mapreduce.JobContext;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.JobStatus;
import org.apache.hadoop.mapreduce.OutputCommitter;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a dataset through a Hadoop OutputFormat with the format's own committer (old or new API; the old API's
 * committer is a new-API one too, so one protocol serves both):
 * <ol>
 * <li>driver, before the job: {@link #setupJob()}: the format's {@code checkOutputSpecs} (an existing output
 * directory fails, as in Spark and MapReduce), then {@code committer.setupJob};
 * <li>executor, each task attempt ({@link #taskFunction()}): {@code setupTask}, the format's RecordWriter for
 * this attempt's own TaskAttemptID, close; it returns that id. On any failure, or when the attempt was killed
 * (a speculative loser), it runs {@code abortTask} and fails;
 * <li>driver, after every partition succeeded ({@link #commit(List)}): {@code commitTask} for exactly the attempt
 * the scheduler kept per partition (the only attempts whose output can become visible), then {@code commitJob};
 * <li>driver, when the job or a commit failed ({@link #abort()}): {@code abortJob}, and the output directory is
 * removed when this job created it, so a failed job leaves no partial output.
 * </ol>
 * Task commit runs on the driver because the driver alone knows which attempt won: no commit coordination is
 * needed, and a loser can never commit. This suits committers whose task commit is file-system work reachable
 * from the driver (FileOutputCommitter and those built like it); one that must commit on the task's own host
 * (local staging) is not supported.
 *
 * <p>The driver-side methods run on the thread of the action; {@link #writeTask} on an executor's task thread.
 */
public abstract class HadoopCommitProtocol implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(HadoopCommitProtocol.class);
    private static final AtomicInteger JOB_NUMBERS = new AtomicInteger();

    private final SerializableConfiguration conf;
    private final String jobTrackerId;
    private final int jobNumber;
    private final String operator;
    private transient Configuration driverConf;
    private transient boolean outputExisted;

    /**
     * @param jobConf the job's configuration: format, key and value classes, output path, compression
     * @param operator the user's method, for messages
     */
    protected HadoopCommitProtocol(Configuration jobConf, String operator) {
        this.conf = new SerializableConfiguration(jobConf);
        this.driverConf = jobConf;
        this.jobTrackerId = new SimpleDateFormat("yyyyMMddHHmmss", Locale.US).format(new Date());
        this.jobNumber = JOB_NUMBERS.getAndIncrement();
        this.operator = operator;
    }

    /** @return the context of the job */
    protected abstract JobContext jobContext(Configuration jobConf, JobID jobId);

    /** @return the context of a task attempt, its configuration a copy of {@code jobConf} naming the attempt */
    protected abstract TaskAttemptContext taskContext(Configuration jobConf, String attemptId);

    /** @return the format's committer for a task attempt (or, given the job's attempt 0 of task 0, the job) */
    protected abstract OutputCommitter committer(TaskAttemptContext context) throws IOException;

    /** The format's output check (FileOutputFormat: the directory must not exist). */
    protected abstract void checkOutputSpecs(JobContext context) throws IOException;

    /** @return the format's writer for a task attempt */
    protected abstract PartWriter open(TaskAttemptContext context, int partition) throws IOException;

    /** A RecordWriter of either API. */
    protected interface PartWriter {
        void write(Object key, Object value) throws IOException;

        void close() throws IOException;
    }

    /** @return the output directory the configuration names, or {@code null} */
    public String outputPath() {
        Configuration c = driverConf();
        String dir = c.get(org.apache.hadoop.mapreduce.lib.output.FileOutputFormat.OUTDIR);
        return dir != null ? dir : c.get("mapred.output.dir");
    }

    /**
     * Checks the output and sets the job up. Driver side.
     *
     * @throws WeftException naming the path and the fix when the output exists or cannot be set up
     */
    public void setupJob() {
        String out = outputPath();
        try {
            outputExisted = out != null && new Path(out).getFileSystem(driverConf()).exists(new Path(out));
            checkOutputSpecs(jobContext());
            committer(jobTask()).setupJob(jobContext());
        } catch (FileAlreadyExistsException e) {
            throw new WeftException(operator + ": the output directory " + out + " already exists. Fix: write to a"
                    + " new path, or delete the old output first (Spark and MapReduce refuse it too).", e);
        } catch (IOException e) {
            throw new WeftException(operator + ": cannot set up the output " + out + ": " + e.getMessage(), e);
        }
    }

    /** @return the function each task runs: writes its partition and returns its attempt's id */
    public SerializableFunction<Iterator<Object>, String> taskFunction() {
        HadoopCommitProtocol protocol = this;
        return protocol::writeTask;
    }

    @SuppressWarnings("rawtypes")
    String writeTask(Iterator<Object> records) {
        TaskContext task = TaskContext.current();
        // Unique per attempt in the application: speculative copies and retries each get their own directory.
        String attemptId = new TaskAttemptID(jobTrackerId, jobNumber, TaskType.REDUCE, task.partitionId(),
                (int) (task.taskAttemptId() & Integer.MAX_VALUE)).toString();
        TaskAttemptContext context = taskContext(conf.get(), attemptId);
        OutputCommitter committer;
        try {
            committer = committer(context);
            committer.setupTask(context);
        } catch (IOException e) {
            throw new UncheckedIOException(operator + ": task setup failed for " + attemptId, e);
        }
        PartWriter writer = null;
        try {
            checkNotKilled(attemptId);
            writer = open(context, task.partitionId());
            while (records.hasNext()) {
                Pair pair = (Pair) records.next();
                if (Thread.currentThread().isInterrupted()) {
                    // Killed while computing (a speculative loser): a lazily opened writer must not create files
                    // after the job may have committed.
                    checkNotKilled(attemptId);
                }
                writer.write(pair.key(), pair.value());
            }
            PartWriter closing = writer;
            writer = null;
            closing.close();
            checkNotKilled(attemptId);
            return attemptId;
        } catch (IOException | RuntimeException | Error e) {
            if (writer != null) {
                try {
                    writer.close();
                } catch (IOException | RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            try {
                committer.abortTask(context);
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException(operator + ": writing " + attemptId + " failed: " + io.getMessage(), io);
            }
            if (e instanceof Error error) {
                throw error;
            }
            throw (RuntimeException) e;
        }
    }

    private static void checkNotKilled(String attemptId) {
        // A killed attempt (a speculative loser) must not leave files behind after the job has committed.
        if (Thread.currentThread().isInterrupted()) {
            throw new WeftException("Task " + attemptId + " was killed; its output is aborted");
        }
    }

    /**
     * Commits the winning attempts' tasks, then the job. Driver side.
     *
     * @param attempts per partition, the attempt id its winning task returned
     * @throws WeftException when a commit fails (the job is then aborted)
     */
    public void commit(List<String> attempts) {
        try {
            for (String attempt : attempts) {
                TaskAttemptContext context = taskContext(driverConf(), attempt);
                OutputCommitter committer = committer(context);
                if (committer.needsTaskCommit(context)) {
                    committer.commitTask(context);
                }
            }
            committer(jobTask()).commitJob(jobContext());
            LOG.info("{}: committed {} partitions to {}", operator, attempts.size(), outputPath());
        } catch (IOException | RuntimeException e) {
            abort();
            throw new WeftException(operator + ": could not commit the output " + outputPath() + ": " + e, e);
        }
    }

    /** Aborts the job after a failure and removes the output directory if this job created it. Driver side. */
    public void abort() {
        try {
            committer(jobTask()).abortJob(jobContext(), JobStatus.State.FAILED);
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: the committer's abortJob failed: {}", operator, e.toString());
        }
        String out = outputPath();
        if (out != null && !outputExisted) {
            try {
                Path path = new Path(out);
                FileSystem fs = path.getFileSystem(driverConf());
                fs.delete(path, true);
            } catch (IOException e) {
                LOG.warn("{}: could not remove the failed output {}: {}", operator, out, e.toString());
            }
        }
    }

    private JobContext jobContext() {
        return jobContext(driverConf(), new JobID(jobTrackerId, jobNumber));
    }

    private TaskAttemptContext jobTask() {
        return taskContext(driverConf(), new TaskAttemptID(jobTrackerId, jobNumber, TaskType.REDUCE, 0, 0)
                .toString());
    }

    private Configuration driverConf() {
        if (driverConf == null) {
            driverConf = conf.get();
        }
        return driverConf;
    }

    /** Sets the per-attempt keys that MapReduce sets for a task (formats read some of them). */
    protected static void nameAttempt(Configuration taskConf, TaskAttemptID attempt) {
        taskConf.set("mapreduce.job.id", attempt.getJobID().toString());
        taskConf.set("mapreduce.task.id", attempt.getTaskID().toString());
        taskConf.set("mapreduce.task.attempt.id", attempt.toString());
        taskConf.setBoolean("mapreduce.task.ismap", false);
        taskConf.setInt("mapreduce.task.partition", attempt.getTaskID().getId());
    }
}
