package io.weft.runtime.io.hadoop;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.JobContextImpl;
import org.apache.hadoop.mapred.RecordWriter;
import org.apache.hadoop.mapred.Reporter;
import org.apache.hadoop.mapred.TaskAttemptContextImpl;
import org.apache.hadoop.mapred.TaskAttemptID;
import org.apache.hadoop.mapreduce.JobContext;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.OutputCommitter;
import org.apache.hadoop.mapreduce.TaskAttemptContext;

/**
 * {@link HadoopCommitProtocol} for an {@code org.apache.hadoop.mapred} OutputFormat and the JobConf's committer
 * ({@code mapred.output.committer.class}, by default the old API's FileOutputCommitter). Part files are named
 * {@code part-NNNNN}, as old-API jobs and Spark's {@code saveAsHadoopFile} name them.
 */
public final class OldApiCommitProtocol extends HadoopCommitProtocol {

    private static final long serialVersionUID = 1L;

    /**
     * @param jobConf names the format ({@code mapred.output.format.class}), classes, output and compression
     * @param operator the user's method, for messages
     */
    public OldApiCommitProtocol(JobConf jobConf, String operator) {
        super(jobConf, operator);
    }

    @Override
    protected JobContext jobContext(Configuration jobConf, JobID jobId) {
        return new JobContextImpl(new JobConf(jobConf),
                new org.apache.hadoop.mapred.JobID(jobId.getJtIdentifier(), jobId.getId()));
    }

    @Override
    protected TaskAttemptContext taskContext(Configuration jobConf, String attemptId) {
        JobConf taskConf = new JobConf(jobConf);
        TaskAttemptID attempt = TaskAttemptID.forName(attemptId);
        nameAttempt(taskConf, attempt);
        return new TaskAttemptContextImpl(taskConf, attempt);
    }

    @Override
    protected OutputCommitter committer(TaskAttemptContext context) {
        return ((TaskAttemptContextImpl) context).getJobConf().getOutputCommitter();
    }

    @Override
    protected void checkOutputSpecs(JobContext context) throws IOException {
        JobConf job = (JobConf) context.getConfiguration();
        UserTokens.addTo(job.getCredentials());
        job.getOutputFormat().checkOutputSpecs(FileSystem.get(job), job);
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    protected PartWriter open(TaskAttemptContext context, int partition) throws IOException {
        JobConf job = ((TaskAttemptContextImpl) context).getJobConf();
        RecordWriter writer = job.getOutputFormat().getRecordWriter(FileSystem.get(job), job,
                String.format("part-%05d", partition), Reporter.NULL);
        return new PartWriter() {
            @Override
            public void write(Object key, Object value) throws IOException {
                writer.write(key, value);
            }

            @Override
            public void close() throws IOException {
                writer.close(Reporter.NULL);
            }
        };
    }
}
