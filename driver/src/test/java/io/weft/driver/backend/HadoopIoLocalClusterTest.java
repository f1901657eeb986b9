package io.weft.driver.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.Pair;
import io.weft.api.PairDataset;
import io.weft.api.WeftSession;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.GzipCodec;
import org.apache.hadoop.mapreduce.lib.input.SequenceFileInputFormat;
import org.apache.hadoop.mapreduce.lib.output.SequenceFileOutputFormat;
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

    @Test
    void hadoopInputAndOutputWorkInExecutorJvms(@TempDir Path dir) {
        try (WeftSession weft = WeftSession.builder().appName("hadoop-io").master("local-cluster[2,1,256]")
                .getOrCreate()) {
            List<Pair<Integer, String>> input = IntStream.range(0, 400).mapToObj(i -> Pair.of(i % 37, "v" + i))
                    .toList();
            Configuration conf = new Configuration();
            conf.set("weft.test.marker", "travels");
            String seq = dir.resolve("seq").toString();
            weft.parallelize(input, 4).mapToPair(p -> Pair.of(new IntWritable(p.key()), new Text(p.value())))
                    .saveAsNewAPIHadoopFile(seq, IntWritable.class, Text.class, SequenceFileOutputFormat.class, conf);
            PairDataset<IntWritable, Text> read = weft.newAPIHadoopFile(seq, SequenceFileInputFormat.class,
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
    }
}
