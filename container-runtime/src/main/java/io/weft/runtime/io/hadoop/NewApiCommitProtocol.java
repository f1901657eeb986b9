package io.weft.runtime.io.hadoop;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.JobContext;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.OutputCommitter;
import org.apache.hadoop.mapreduce.OutputFormat;
import org.apache.hadoop.mapreduce.RecordWriter;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.task.JobContextImpl;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.hadoop.util.ReflectionUtils;

/** {@link HadoopCommitProtocol} for an {@code org.apache.hadoop.mapreduce} OutputFormat named by the job conf. */
public final class NewApiCommitProtocol extends HadoopCommitProtocol {

    private static final long serialVersionUID = 1L;

    /**
     * @param jobConf names the format ({@code mapreduce.job.outputformat.class}), classes, output and compression
     * @param operator the user's method, for messages
     */
    public NewApiCommitProtocol(Configuration jobConf, String operator) {
        super(jobConf, operator);
    }

    @Override
    protected JobContext jobContext(Configuration jobConf, JobID jobId) {
        return new JobContextImpl(jobConf, jobId);
    }

    @Override
    protected TaskAttemptContext taskContext(Configuration jobConf, String attemptId) {
        Configuration taskConf = new Configuration(jobConf);
        TaskAttemptID attempt = TaskAttemptID.forName(attemptId);
        nameAttempt(taskConf, attempt);
        return new TaskAttemptContextImpl(taskConf, attempt);
    }

    @Override
    protected OutputCommitter committer(TaskAttemptContext context) throws IOException {
        try {
            return format(context).getOutputCommitter(context);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted", e);
        }
    }

    @Override
    protected void checkOutputSpecs(JobContext context) throws IOException {
        try {
            UserTokens.addTo(context.getCredentials());
            format(context).checkOutputSpecs(context);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted", e);
        }
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    protected PartWriter open(TaskAttemptContext context, int partition) throws IOException {
        RecordWriter writer;
        try {
            writer = format(context).getRecordWriter(context);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted", e);
        }
        return new PartWriter() {
            @Override
            public void write(Object key, Object value) throws IOException {
                try {
                    writer.write(key, value);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("Interrupted", e);
                }
            }

            @Override
            public void close() throws IOException {
                try {
                    writer.close(context);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("Interrupted", e);
                }
            }
        };
    }

    private static OutputFormat<?, ?> format(JobContext context) throws IOException {
        try {
            return ReflectionUtils.newInstance(context.getOutputFormatClass(), context.getConfiguration());
        } catch (ClassNotFoundException e) {
            throw new IOException("The OutputFormat is not on the class path: " + e.getMessage(), e);
        }
    }
}
