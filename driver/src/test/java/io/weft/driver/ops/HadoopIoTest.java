package io.weft.driver.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.Dataset;
import io.weft.api.JobFailedException;
import io.weft.api.Pair;
import io.weft.api.PairDataset;
import io.weft.api.WeftException;
import io.weft.api.WeftSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.BytesWritable;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.NullWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.BZip2Codec;
import org.apache.hadoop.io.compress.GzipCodec;
import org.apache.hadoop.mapred.SequenceFileInputFormat;
import org.apache.hadoop.mapred.TextInputFormat;
import org.apache.hadoop.mapred.TextOutputFormat;
import org.apache.hadoop.mapreduce.lib.output.SequenceFileOutputFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hadoop input and output methods against plain Java: SequenceFile round trips through every writer and reader,
 * compressed output, whole files, object files, empty partitions, and the Writable reuse rule. Failures and the
 * committer: {@link HadoopOutputFailureTest}.
 */
class HadoopIoTest {

    private static WeftSession weft;

    @BeforeAll
    static void start() {
        weft = WeftSession.builder().master("local[2]").getOrCreate();
    }

    @AfterAll
    static void stop() {
        weft.close();
    }

    private static List<Pair<Integer, String>> intText(int n) {
        Random random = new Random(n);
        // Skewed keys: many repeats of a few, and strings of varied length including empty.
        return IntStream.range(0, n).mapToObj(i -> Pair.of(i % 7 == 0 ? 0 : random.nextInt(1000) - 500,
                "v" + i + "x".repeat(random.nextInt(20)) + (i % 5 == 0 ? "" : "é"))).toList();
    }

    private static <T> List<T> sorted(List<T> list) {
        List<T> copy = new ArrayList<>(list);
        copy.sort(Comparator.comparing(String::valueOf));
        return copy;
    }

    /** Copies Writables into Java values: the reader reuses them (see WeftSession's Hadoop input note). */
    private static List<Pair<Integer, String>> readIntText(PairDataset<IntWritable, Text> pairs) {
        return pairs.mapToPair(p -> Pair.of(p.key().get(), p.value().toString())).collect();
    }

    private static List<Pair<Integer, String>> readThreeWays(String path) {
        List<Pair<Integer, String>> viaSequenceFile = readIntText(weft.sequenceFile(path, IntWritable.class,
                Text.class, 3));
        List<Pair<Integer, String>> viaMapred = readIntText(weft.hadoopFile(path, SequenceFileInputFormat.class,
                IntWritable.class, Text.class));
        List<Pair<Integer, String>> viaMapreduce = readIntText(weft.newAPIHadoopFile(path,
                org.apache.hadoop.mapreduce.lib.input.SequenceFileInputFormat.class, IntWritable.class, Text.class,
                new Configuration()));
        Configuration named = new Configuration();
        named.set("mapreduce.input.fileinputformat.inputdir", path);
        List<Pair<Integer, String>> viaDataset = readIntText(weft.newAPIHadoopDataset(named,
                org.apache.hadoop.mapreduce.lib.input.SequenceFileInputFormat.class, IntWritable.class, Text.class));
        assertThat(sorted(viaDataset)).isEqualTo(sorted(viaSequenceFile));
        assertThat(sorted(viaMapred)).isEqualTo(sorted(viaSequenceFile));
        assertThat(sorted(viaMapreduce)).isEqualTo(sorted(viaSequenceFile));
        return viaSequenceFile;
    }

    @Test
    void intTextSequenceFilesRoundTripThroughEveryWriterAndReader(@TempDir Path dir) {
        for (int[] shape : new int[][] {{1000, 4}, {3, 8}, {0, 2}}) {
            List<Pair<Integer, String>> input = intText(shape[0]);
            PairDataset<IntWritable, Text> writables = weft.parallelize(input, shape[1])
                    .mapToPair(p -> Pair.of(new IntWritable(p.key()), new Text(p.value())));
            String a = dir.resolve("seq-" + shape[0]).toString();
            writables.saveAsSequenceFile(a);
            assertThat(sorted(readThreeWays(a))).isEqualTo(sorted(input));
            assertThat(Path.of(a, "_SUCCESS")).exists();
            assertThat(Path.of(a, "_temporary")).doesNotExist();

            String b = dir.resolve("newapi-" + shape[0]).toString();
            writables.saveAsNewAPIHadoopFile(b, IntWritable.class, Text.class, SequenceFileOutputFormat.class);
            assertThat(sorted(readThreeWays(b))).isEqualTo(sorted(input));
            assertThat(partFiles(b)).hasSize(shape[1]).allMatch(f -> f.startsWith("part-r-"));

            // Java keys and values convert to Writables, as Spark's implicit conversions do.
            String c = dir.resolve("converted-" + shape[0]).toString();
            weft.parallelize(input, shape[1]).mapToPair(p -> p).saveAsSequenceFile(c);
            assertThat(sorted(readThreeWays(c))).isEqualTo(sorted(input));
        }
    }

    @Test
    void longBytesSequenceFilesRoundTrip(@TempDir Path dir) {
        Random random = new Random(7);
        List<Pair<Long, byte[]>> input = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            byte[] bytes = new byte[random.nextInt(50)];
            random.nextBytes(bytes);
            input.add(Pair.of(random.nextLong(), bytes));
        }
        Map<Long, String> expected = input.stream().collect(Collectors.toMap(Pair::key,
                p -> Arrays.toString(p.value()), (x, y) -> x, TreeMap::new));
        String a = dir.resolve("a").toString();
        String b = dir.resolve("b").toString();
        PairDataset<LongWritable, BytesWritable> writables = weft.parallelize(input, 5)
                .mapToPair(p -> Pair.of(new LongWritable(p.key()), new BytesWritable(p.value())));
        writables.saveAsSequenceFile(a, GzipCodec.class);
        writables.saveAsNewAPIHadoopFile(b, LongWritable.class, BytesWritable.class, SequenceFileOutputFormat.class);
        for (String path : List.of(a, b)) {
            for (PairDataset<LongWritable, BytesWritable> read : List.of(
                    weft.sequenceFile(path, LongWritable.class, BytesWritable.class),
                    weft.hadoopFile(path, SequenceFileInputFormat.class, LongWritable.class, BytesWritable.class, 4),
                    weft.newAPIHadoopFile(path, org.apache.hadoop.mapreduce.lib.input.SequenceFileInputFormat.class,
                            LongWritable.class, BytesWritable.class, new Configuration()))) {
                Map<Long, String> actual = read.mapToPair(p -> Pair.of(p.key().get(),
                        Arrays.toString(p.value().copyBytes()))).collect().stream()
                        .collect(Collectors.toMap(Pair::key, Pair::value, (x, y) -> x, TreeMap::new));
                assertThat(actual).isEqualTo(expected);
            }
        }
    }

    @Test
    void writablesAreReusedSoCopyingFirstIsTheRule(@TempDir Path dir) {
        List<Pair<Integer, String>> input = intText(200);
        String path = dir.resolve("seq").toString();
        weft.parallelize(input, 2).mapToPair(p -> p).saveAsSequenceFile(path);
        PairDataset<IntWritable, Text> read = weft.sequenceFile(path, IntWritable.class, Text.class, 2);

        // The rule (Spark's): map to copies before caching, collecting or shuffling.
        Dataset<String> copied = read.map(p -> p.value().toString()).cache();
        List<String> expected = sorted(input.stream().map(Pair::value).toList());
        assertThat(sorted(copied.collect())).isEqualTo(expected);
        assertThat(sorted(copied.collect())).isEqualTo(expected);

        // Why: caching the reader's own objects keeps many references to one reused Text per partition.
        List<String> reused = read.values().cache().collect().stream().map(Text::toString).toList();
        assertThat(reused).hasSize(input.size());
        assertThat(reused.stream().distinct().count()).isLessThanOrEqualTo(2);
    }

    /** TextInputFormat whose splits name hosts, as on HDFS. */
    public static final class HostedTextInputFormat extends TextInputFormat {
        @Override
        public org.apache.hadoop.mapred.InputSplit[] getSplits(org.apache.hadoop.mapred.JobConf job, int n)
                throws IOException {
            org.apache.hadoop.mapred.InputSplit[] splits = super.getSplits(job, n);
            for (int i = 0; i < splits.length; i++) {
                org.apache.hadoop.mapred.FileSplit f = (org.apache.hadoop.mapred.FileSplit) splits[i];
                splits[i] = new org.apache.hadoop.mapred.FileSplit(f.getPath(), f.getStart(), f.getLength(),
                        new String[] {"host-" + (i % 3), "host-x"});
            }
            return splits;
        }
    }

    /** The new API's TextInputFormat, its splits naming hosts. */
    public static final class HostedNewTextInputFormat
            extends org.apache.hadoop.mapreduce.lib.input.TextInputFormat {
        @Override
        public List<org.apache.hadoop.mapreduce.InputSplit> getSplits(org.apache.hadoop.mapreduce.JobContext job)
                throws IOException {
            List<org.apache.hadoop.mapreduce.InputSplit> splits = new ArrayList<>();
            for (org.apache.hadoop.mapreduce.InputSplit s : super.getSplits(job)) {
                org.apache.hadoop.mapreduce.lib.input.FileSplit f = (org.apache.hadoop.mapreduce.lib.input.FileSplit) s;
                splits.add(new org.apache.hadoop.mapreduce.lib.input.FileSplit(f.getPath(), f.getStart(),
                        f.getLength(), new String[] {"host-z", "host-" + splits.size()}));
            }
            return splits;
        }
    }

    @Test
    void splitsAndTheirHostsComeFromTheInputFormat(@TempDir Path dir) throws IOException {
        List<String> lines = IntStream.range(0, 3000).mapToObj(i -> "line " + i).toList();
        Path file = dir.resolve("lines.txt");
        Files.write(file, lines);
        PairDataset<LongWritable, Text> old = weft.hadoopFile(file.toString(), HostedTextInputFormat.class,
                LongWritable.class, Text.class, 3);
        assertThat(old.numPartitions()).isEqualTo(3);
        assertThat(old.lineage().preferredLocations(1)).containsExactly("host-1", "host-x");
        assertThat(old.map(p -> p.value().toString()).collect()).containsExactlyElementsOf(lines);

        Configuration conf = new Configuration();
        conf.setLong("mapreduce.input.fileinputformat.split.maxsize", 10_000);
        PairDataset<LongWritable, Text> newApi = weft.newAPIHadoopFile(file.toString(),
                HostedNewTextInputFormat.class, LongWritable.class, Text.class, conf);
        assertThat(newApi.numPartitions()).isGreaterThan(2);
        assertThat(newApi.lineage().preferredLocations(2)).containsExactly("host-2", "host-z");
        assertThat(newApi.map(p -> p.value().toString()).collect()).containsExactlyElementsOf(lines);

        assertThatThrownBy(() -> weft.hadoopFile(dir.resolve("nothing").toString(), TextInputFormat.class,
                LongWritable.class, Text.class)).isInstanceOf(WeftException.class).hasMessageContaining("nothing")
                .hasMessageContaining("Fix");
    }

    @Test
    void compressedTextOutputReadsBackExactly(@TempDir Path dir) throws IOException {
        List<String> lines = IntStream.range(0, 2000).mapToObj(i -> i % 13 == 0 ? "" : "line " + i + " ü")
                .toList();
        for (Class<? extends org.apache.hadoop.io.compress.CompressionCodec> codec : List.of(GzipCodec.class,
                BZip2Codec.class)) {
            String extension = codec == GzipCodec.class ? ".gz" : ".bz2";
            String text = dir.resolve("text" + extension).toString();
            weft.parallelize(lines, 3).saveAsTextFile(text, codec);
            assertThat(partFiles(text)).hasSize(3).allMatch(f -> f.endsWith(extension));
            assertThat(weft.textFile(text).collect()).containsExactlyInAnyOrderElementsOf(lines);
            // Each part file holds its partition's lines in order, compressed for real.
            assertThat(decompressedPart(text, "part-00000" + extension)).isEqualTo(lines.subList(0, 666));

            String pairs = dir.resolve("pairs" + extension).toString();
            weft.parallelize(lines, 2).mapToPair(l -> Pair.of(l.length(), l)).saveAsHadoopFile(pairs,
                    IntWritable.class, Text.class, TextOutputFormat.class, codec);
            List<String> expected = lines.stream().map(l -> l.length() + "\t" + l).toList();
            assertThat(weft.textFile(pairs).collect()).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(weft.hadoopFile(pairs, TextInputFormat.class, LongWritable.class, Text.class)
                    .map(p -> p.value().toString()).collect()).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(weft.newAPIHadoopFile(pairs, org.apache.hadoop.mapreduce.lib.input.TextInputFormat.class,
                    LongWritable.class, Text.class, new Configuration()).map(p -> p.value().toString()).collect())
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    private static List<String> decompressedPart(String dir, String name) throws IOException {
        Path file = Path.of(dir, name);
        byte[] head = Arrays.copyOf(Files.readAllBytes(file), 3);
        InputStream in;
        if (name.endsWith(".gz")) {
            assertThat(head[0] & 0xff).isEqualTo(0x1f);
            in = new GZIPInputStream(Files.newInputStream(file));
        } else {
            assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("BZh");
            in = org.apache.hadoop.util.ReflectionUtils.newInstance(BZip2Codec.class, new Configuration())
                    .createInputStream(Files.newInputStream(file));
        }
        try (in) {
            String content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return content.isEmpty() ? List.of() : Arrays.asList(content.split("\n", -1)).subList(0,
                    content.split("\n", -1).length - 1);
        }
    }

    private static List<String> partFiles(String dir) {
        try (Stream<Path> files = Files.list(Path.of(dir))) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.startsWith("part-")).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void wholeTextFilesAndBinaryFiles(@TempDir Path dir) throws IOException {
        Map<String, String> texts = new TreeMap<>();
        Map<String, byte[]> raw = new TreeMap<>();
        for (int i = 0; i < 6; i++) {
            String content = i == 0 ? "" : ("file " + i + "\nsecond line é\n").repeat(i * 50);
            Path file = dir.resolve("in/f" + i + (i == 3 ? ".txt.gz" : ".txt"));
            Files.createDirectories(file.getParent());
            byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
            if (i == 3) {
                try (GZIPOutputStream gz = new GZIPOutputStream(Files.newOutputStream(file))) {
                    gz.write(bytes);
                }
            } else {
                Files.write(file, bytes);
            }
            String key = file.toUri().toString().replace("file:///", "file:/");
            texts.put(key, content);
            raw.put(key, Files.readAllBytes(file));
        }
        String in = dir.resolve("in").toString();
        // More partitions than files, fewer, and one.
        for (int minPartitions : new int[] {1, 3, 20}) {
            Map<String, String> actual = new TreeMap<>(weft.wholeTextFiles(in, minPartitions).collectAsMap());
            assertThat(actual).isEqualTo(texts);
            Map<String, String> binary = new TreeMap<>();
            weft.binaryFiles(in, minPartitions).collect().forEach(p -> binary.put(p.key(),
                    Arrays.toString(p.value())));
            assertThat(binary).isEqualTo(raw.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                    e -> Arrays.toString(e.getValue()), (x, y) -> x, TreeMap::new)));
        }
        assertThatThrownBy(() -> weft.wholeTextFiles(dir.resolve("missing").toString()))
                .isInstanceOf(WeftException.class).hasMessageContaining("missing").hasMessageContaining("Fix");
    }

    /** A record type of the program's own. */
    record Point(int x, String label) implements Serializable {
    }

    @Test
    void objectFilesRoundTripWithEmptyPartitionsAndNulls(@TempDir Path dir) {
        List<Point> points = IntStream.range(0, 95).mapToObj(i -> i % 10 == 0 ? null
                : new Point(i, i % 3 == 0 ? null : "p" + i)).toList();
        for (int[] shape : new int[][] {{95, 7}, {3, 8}, {0, 2}}) {
            List<Point> input = points.subList(0, shape[0]);
            String path = dir.resolve("objects-" + shape[0]).toString();
            weft.parallelize(input, shape[1]).saveAsObjectFile(path);
            Dataset<Point> read = weft.objectFile(path, 2);
            assertThat(read.collect()).containsExactlyInAnyOrderElementsOf(input);
        }
        String pairs = dir.resolve("pairs").toString();
        List<Pair<String, Long>> input = List.of(Pair.of("a", 1L), Pair.of(null, 2L), Pair.of("c", null));
        weft.parallelize(input, 2).saveAsObjectFile(pairs);
        assertThat(weft.<Pair<String, Long>>objectFile(pairs).collect()).containsExactlyInAnyOrderElementsOf(input);

        assertThatThrownBy(() -> weft.parallelize(List.of(1), 1).map(x -> (Object) Thread.currentThread())
                .saveAsObjectFile(dir.resolve("bad").toString())).isInstanceOf(JobFailedException.class)
                .hasStackTraceContaining("is not java.io.Serializable");
        assertThat(dir.resolve("bad")).doesNotExist();
    }
}
