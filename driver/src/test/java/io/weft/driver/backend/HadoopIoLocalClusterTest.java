package io.weft.driver.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.Pair;
import io.weft.api.PairDataset;
import io.weft.api.WeftSession;
import io.weft.api.lineage.TaskContext;
import io.weft.driver.DriverEngine;
import io.weft.planner.SchedulerListener;
import io.weft.planner.TaskDescription;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.GzipCodec;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.RecordReader;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.lib.input.SequenceFileInputFormat;
import org.apache.hadoop.mapreduce.lib.output.SequenceFileOutputFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Hadoop input nodes and output task functions in executor JVMs: splits, the user's Configuration (carried
 * with a node and with a task function), committers and Java-serialized object files cross process boundaries.
 */
class HadoopIoLocalClusterTest {

    /** A record class of the program's own, loaded by the executors. */
    record Reading(int sensor, double value) implements Serializable {
    }

    private static WeftSession weft;

    /** Fails a task whose configuration is not the user's (so the Configuration must travel with the node). */
    public static final class MarkerCheckingInputFormat extends SequenceFileInputFormat<IntWritable, Text> {
        @Override
        public RecordReader<IntWritable, Text> createRecordReader(InputSplit split, TaskAttemptContext context)
                throws IOException {
            if (!"travels".equals(context.getConfiguration().get("weft.test.marker"))) {
                throw new IllegalStateException("the user's Configuration did not reach the executor");
            }
            return super.createRecordReader(split, context);
        }
    }

    @BeforeAll
    static void start() {
        weft = WeftSession.builder().appName("hadoop-io").master("local-cluster[2,1,256]")
                .config("weft.speculation", "true").config("weft.speculation.quantile", "0.5")
                .config("weft.speculation.minRuntime", "500ms").getOrCreate();
    }

    @AfterAll
    static void stop() {
        weft.close();
    }

    @Test
    void hadoopInputAndOutputWorkInExecutorJvms(@TempDir Path dir) {
        List<Pair<Integer, String>> input = IntStream.range(0, 400).mapToObj(i -> Pair.of(i % 37, "v" + i))
                .toList();
        Configuration conf = new Configuration();
        conf.set("weft.test.marker", "travels");
        String seq = dir.resolve("seq").toString();
        weft.parallelize(input, 4).mapToPair(p -> Pair.of(new IntWritable(p.key()), new Text(p.value())))
                .saveAsNewAPIHadoopFile(seq, IntWritable.class, Text.class, SequenceFileOutputFormat.class, conf);
        PairDataset<IntWritable, Text> read = weft.newAPIHadoopFile(seq, MarkerCheckingInputFormat.class,
                IntWritable.class, Text.class, conf);
        List<Pair<Integer, String>> viaNewApi = read.mapToPair(p -> Pair.of(p.key().get(), p.value().toString()))
                .collect();
        assertThat(viaNewApi).containsExactlyInAnyOrderElementsOf(input);
        assertThat(weft.sequenceFile(seq, IntWritable.class, Text.class).mapToPair(p -> Pair.of(p.key().get(),
                p.value().toString())).collect()).containsExactlyInAnyOrderElementsOf(input);

        String text = dir.resolve("text").toString();
        weft.parallelize(input, 3).map(Pair::value).saveAsTextFile(text, GzipCodec.class);
        assertThat(weft.textFile(text).collect()).containsExactlyInAnyOrderElementsOf(
                input.stream().map(Pair::value).toList());
        assertThat(weft.wholeTextFiles(text, 2).values().flatMap(c -> List.of(c.split("\n")).iterator())
                .collect()).containsExactlyInAnyOrderElementsOf(input.stream().map(Pair::value).toList());

        List<Reading> readings = IntStream.range(0, 55).mapToObj(i -> new Reading(i % 5, i / 4.0)).toList();
        String objects = dir.resolve("objects").toString();
        weft.parallelize(readings, 3).saveAsObjectFile(objects);
        assertThat(weft.<Reading>objectFile(objects).collect()).containsExactlyInAnyOrderElementsOf(readings);
    }

    @Test
    void aSlowAttemptOvertakenByItsSpeculativeCopyNeverCommits(@TempDir Path dir) throws Exception {
        AtomicInteger speculative = new AtomicInteger();
        java.util.concurrent.CountDownLatch killedAttemptEnded = new java.util.concurrent.CountDownLatch(1);
        ((DriverEngine) weft.engine()).addSchedulerListener(new SchedulerListener() {
            @Override
            public void taskStarted(TaskDescription task, String executorId, boolean isSpeculative) {
                if (isSpeculative) {
                    speculative.incrementAndGet();
                }
            }

            @Override
            public void taskEnded(TaskDescription task, String executorId, io.weft.planner.TaskOutcome outcome) {
                if (outcome instanceof io.weft.planner.TaskOutcome.Killed) {
                    killedAttemptEnded.countDown();
                }
            }
        });
        List<Integer> data = IntStream.range(0, 200).boxed().toList();
        String out = dir.resolve("speculated").toString();
        // The first attempt of the last partition stalls before its first record (until it is killed); any later
        // attempt, the speculative copy on the other executor, is quick.
        weft.parallelize(data, 4).mapPartitions(records -> {
            TaskContext task = TaskContext.current();
            if (task.partitionId() == 3 && task.attemptNumber() == 0) {
                LockSupport.parkNanos(90_000_000_000L);
            }
            return records;
        }).mapToPair(i -> Pair.of(i, "v" + i)).saveAsSequenceFile(out);
        assertThat(speculative.get()).isPositive();
        assertThat(weft.sequenceFile(out, IntWritable.class, Text.class).map(p -> p.key().get()).collect())
                .containsExactlyInAnyOrderElementsOf(data);
        // The killed attempt reports its end only after its thread has stopped (and aborted its task): from then
        // on nothing can write, so what is there now is final.
        assertThat(killedAttemptEnded.await(60, java.util.concurrent.TimeUnit.SECONDS))
                .as("the slow attempt's kill report").isTrue();
        try (Stream<Path> files = Files.list(Path.of(out))) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(f -> !f.endsWith(".crc")).sorted())
                    .containsExactly("_SUCCESS", "part-r-00000", "part-r-00001", "part-r-00002", "part-r-00003");
        }
    }
}
