package io.weft.driver.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.JobFailedException;
import io.weft.api.Pair;
import io.weft.api.PairDataset;
import io.weft.api.WeftException;
import io.weft.api.WeftSession;
import io.weft.api.lineage.TaskContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.GzipCodec;
import org.apache.hadoop.mapreduce.JobContext;
import org.apache.hadoop.mapreduce.JobStatus;
import org.apache.hadoop.mapreduce.OutputCommitter;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.lib.output.FileOutputCommitter;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.apache.hadoop.mapreduce.lib.output.TextOutputFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OutputFormat's own committer: which of its calls run, a failed job's abort leaving no output, an existing
 * output directory, and saveAsNewAPIHadoopDataset's configuration-named output.
 */
class HadoopOutputFailureTest {

    /** Counts of the recording committer's calls; local mode runs tasks in this JVM. */
    static final AtomicInteger SETUP_JOB = new AtomicInteger();
    static final AtomicInteger SETUP_TASK = new AtomicInteger();
    static final AtomicInteger COMMIT_TASK = new AtomicInteger();
    static final AtomicInteger ABORT_TASK = new AtomicInteger();
    static final AtomicInteger COMMIT_JOB = new AtomicInteger();
    static final AtomicInteger ABORT_JOB = new AtomicInteger();

    private static WeftSession weft;

    @BeforeAll
    static void start() {
        weft = WeftSession.builder().master("local[2]").getOrCreate();
    }

    @AfterAll
    static void stop() {
        weft.close();
    }

    @BeforeEach
    void reset() {
        for (AtomicInteger counter : List.of(SETUP_JOB, SETUP_TASK, COMMIT_TASK, ABORT_TASK, COMMIT_JOB, ABORT_JOB)) {
            counter.set(0);
        }
    }

    /** TextOutputFormat with a FileOutputCommitter that counts its calls. */
    public static final class RecordingTextOutputFormat<K, V> extends TextOutputFormat<K, V> {
        @Override
        public synchronized OutputCommitter getOutputCommitter(TaskAttemptContext context) throws IOException {
            return new FileOutputCommitter(getOutputPath(context), context) {
                @Override
                public void setupJob(JobContext job) throws IOException {
                    SETUP_JOB.incrementAndGet();
                    super.setupJob(job);
                }

                @Override
                public void setupTask(TaskAttemptContext task) throws IOException {
                    SETUP_TASK.incrementAndGet();
                    super.setupTask(task);
                }

                @Override
                public void commitTask(TaskAttemptContext task) throws IOException {
                    COMMIT_TASK.incrementAndGet();
                    super.commitTask(task);
                }

                @Override
                public void abortTask(TaskAttemptContext task) throws IOException {
                    ABORT_TASK.incrementAndGet();
                    super.abortTask(task);
                }

                @Override
                public void commitJob(JobContext job) throws IOException {
                    COMMIT_JOB.incrementAndGet();
                    super.commitJob(job);
                }

                @Override
                public void abortJob(JobContext job, JobStatus.State state) throws IOException {
                    ABORT_JOB.incrementAndGet();
                    super.abortJob(job, state);
                }
            };
        }
    }

    private static PairDataset<Integer, String> pairs(int n, int partitions) {
        return weft.parallelize(IntStream.range(0, n).boxed().toList(), partitions).mapToPair(i -> Pair.of(i, "v" + i));
    }

    @Test
    void aSuccessfulJobCommitsEachPartitionOnceThenTheJob(@TempDir Path dir) throws IOException {
        String out = dir.resolve("out").toString();
        pairs(100, 4).saveAsNewAPIHadoopFile(out, IntWritable.class, Text.class, RecordingTextOutputFormat.class);
        assertThat(SETUP_JOB.get()).isEqualTo(1);
        assertThat(SETUP_TASK.get()).isEqualTo(4);
        assertThat(COMMIT_TASK.get()).isEqualTo(4);
        assertThat(COMMIT_JOB.get()).isEqualTo(1);
        assertThat(ABORT_TASK.get() + ABORT_JOB.get()).isZero();
        assertThat(weft.textFile(out).collect()).containsExactlyInAnyOrderElementsOf(
                IntStream.range(0, 100).mapToObj(i -> i + "\tv" + i).toList());
        assertThat(FileUtil.list(dir.resolve("out").toFile())).filteredOn(f -> !f.endsWith(".crc"))
                .containsExactlyInAnyOrder("_SUCCESS", "part-r-00000", "part-r-00001", "part-r-00002",
                        "part-r-00003");
    }

    @Test
    void aFailingTaskLeavesNoOutputAndTheSessionUsable(@TempDir Path dir) {
        String out = dir.resolve("out").toString();
        PairDataset<Integer, String> failing = pairs(100, 4).mapToPair(p -> {
            if (TaskContext.current().partitionId() == 2 && p.key() > 60) {
                throw new IllegalStateException("boom in partition 2");
            }
            return p;
        });
        assertThatThrownBy(() -> failing.saveAsNewAPIHadoopFile(out, IntWritable.class, Text.class,
                RecordingTextOutputFormat.class)).isInstanceOf(JobFailedException.class)
                .hasStackTraceContaining("boom in partition 2");
        assertThat(dir.resolve("out")).doesNotExist();
        assertThat(ABORT_JOB.get()).isEqualTo(1);
        // Every attempt of partition 2 aborted its task (the default retry limit gives it several attempts).
        assertThat(ABORT_TASK.get()).isGreaterThanOrEqualTo(2);
        assertThat(COMMIT_TASK.get() + COMMIT_JOB.get()).isZero();

        // The same through the old API and a codec, and through the SequenceFile writer.
        String old = dir.resolve("old").toString();
        assertThatThrownBy(() -> failing.saveAsHadoopFile(old, IntWritable.class, Text.class,
                org.apache.hadoop.mapred.TextOutputFormat.class, GzipCodec.class))
                .isInstanceOf(JobFailedException.class);
        assertThat(dir.resolve("old")).doesNotExist();
        String seq = dir.resolve("seq").toString();
        assertThatThrownBy(() -> failing.saveAsSequenceFile(seq)).isInstanceOf(JobFailedException.class);
        assertThat(dir.resolve("seq")).doesNotExist();

        assertThat(pairs(10, 3).count()).isEqualTo(10);
        pairs(10, 3).saveAsSequenceFile(seq);
        assertThat(weft.sequenceFile(seq, IntWritable.class, Text.class).count()).isEqualTo(10);
    }

    @Test
    void anExistingOutputDirectoryFailsNamingThePathAndTheFix(@TempDir Path dir) {
        String out = dir.toString();
        assertThatThrownBy(() -> pairs(5, 1).saveAsNewAPIHadoopFile(out, IntWritable.class, Text.class,
                TextOutputFormat.class)).isInstanceOf(WeftException.class).hasMessageContaining(out)
                .hasMessageContaining("already exists").hasMessageContaining("Fix");
        assertThatThrownBy(() -> pairs(5, 1).saveAsHadoopFile(out, IntWritable.class, Text.class,
                org.apache.hadoop.mapred.TextOutputFormat.class)).isInstanceOf(WeftException.class)
                .hasMessageContaining("already exists");
        assertThatThrownBy(() -> pairs(5, 1).saveAsSequenceFile(out)).isInstanceOf(WeftException.class)
                .hasMessageContaining("already exists");
        assertThat(dir).exists();
    }

    @Test
    void saveAsHadoopDatasetAndHadoopRddTakeEverythingFromTheJobConf(@TempDir Path dir) {
        org.apache.hadoop.mapred.JobConf out = new org.apache.hadoop.mapred.JobConf();
        out.setOutputFormat(org.apache.hadoop.mapred.SequenceFileOutputFormat.class);
        out.setOutputKeyClass(IntWritable.class);
        out.setOutputValueClass(Text.class);
        org.apache.hadoop.mapred.FileOutputFormat.setOutputPath(out,
                new org.apache.hadoop.fs.Path(dir.resolve("out").toUri()));
        pairs(60, 3).mapToPair(p -> Pair.of(new IntWritable(p.key()), new Text(p.value()))).saveAsHadoopDataset(out);
        assertThat(dir.resolve("out/part-00002")).exists();
        assertThat(dir.resolve("out/_SUCCESS")).exists();

        org.apache.hadoop.mapred.JobConf in = new org.apache.hadoop.mapred.JobConf();
        org.apache.hadoop.mapred.FileInputFormat.setInputPaths(in, dir.resolve("out").toString());
        PairDataset<IntWritable, Text> read = weft.hadoopRDD(in, org.apache.hadoop.mapred.SequenceFileInputFormat.class,
                IntWritable.class, Text.class, 2);
        assertThat(read.map(p -> p.key().get() + "=" + p.value()).collect()).containsExactlyInAnyOrderElementsOf(
                IntStream.range(0, 60).mapToObj(i -> i + "=v" + i).toList());
    }

    @Test
    void saveAsNewAPIHadoopDatasetTakesEverythingFromTheConfiguration(@TempDir Path dir) throws IOException {
        org.apache.hadoop.mapreduce.Job job = org.apache.hadoop.mapreduce.Job.getInstance(new Configuration());
        job.setOutputFormatClass(RecordingTextOutputFormat.class);
        job.setOutputKeyClass(IntWritable.class);
        job.setOutputValueClass(Text.class);
        FileOutputFormat.setOutputPath(job, new org.apache.hadoop.fs.Path(dir.resolve("out").toString()));
        FileOutputFormat.setCompressOutput(job, true);
        FileOutputFormat.setOutputCompressorClass(job, GzipCodec.class);
        pairs(50, 2).saveAsNewAPIHadoopDataset(job.getConfiguration());
        assertThat(COMMIT_JOB.get()).isEqualTo(1);
        assertThat(dir.resolve("out/part-r-00000.gz")).exists();
        assertThat(weft.textFile(dir.resolve("out").toString()).collect()).containsExactlyInAnyOrderElementsOf(
                IntStream.range(0, 50).mapToObj(i -> i + "\tv" + i).toList());
    }
}
