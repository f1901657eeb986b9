package io.weft.driver.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.Pair;
import io.weft.api.WeftSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.mapred.AvroKey;
import org.apache.avro.mapreduce.AvroJob;
import org.apache.avro.mapreduce.AvroKeyInputFormat;
import org.apache.avro.mapreduce.AvroKeyOutputFormat;
import org.apache.hadoop.io.NullWritable;
import org.apache.hadoop.mapreduce.Job;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A third-party format pair: Avro container files written and read through avro-mapred's own formats. */
class HadoopFormatsAvroTest {

    private static final String SCHEMA = "{\"type\":\"record\",\"name\":\"Visit\",\"fields\":["
            + "{\"name\":\"user\",\"type\":\"string\"},{\"name\":\"page\",\"type\":[\"null\",\"string\"]},"
            + "{\"name\":\"millis\",\"type\":\"long\"}]}";

    private static WeftSession weft;

    @BeforeAll
    static void start() {
        weft = WeftSession.builder().master("local[2]").getOrCreate();
    }

    @AfterAll
    static void stop() {
        weft.close();
    }

    record Visit(String user, String page, long millis) {
        static Visit of(GenericRecord r) {
            return new Visit(r.get("user").toString(), r.get("page") == null ? null : r.get("page").toString(),
                    (Long) r.get("millis"));
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> Class<T> cls(Class<?> raw) {
        return (Class<T>) raw;
    }

    @Test
    void avroFilesRoundTripThroughAvroKeyOutputAndInputFormats(@TempDir Path dir) throws IOException {
        List<Visit> visits = IntStream.range(0, 500).mapToObj(i -> new Visit("u" + i % 17,
                i % 9 == 0 ? null : "/page/" + i, 1_700_000_000_000L + i)).toList();
        String schemaJson = SCHEMA;
        Job job = Job.getInstance();
        AvroJob.setOutputKeySchema(job, new Schema.Parser().parse(SCHEMA));
        String out = dir.resolve("visits").toString();
        weft.parallelize(visits, 4).mapPartitions(it -> {
            Schema schema = new Schema.Parser().parse(schemaJson);
            return io.weft.api.lineage.Iterators.map(it, v -> {
                GenericRecord r = new GenericData.Record(schema);
                r.put("user", v.user());
                r.put("page", v.page());
                r.put("millis", v.millis());
                return r;
            });
        }).mapToPair(r -> Pair.of(new AvroKey<>(r), NullWritable.get())).saveAsNewAPIHadoopFile(out, AvroKey.class,
                NullWritable.class, AvroKeyOutputFormat.class, job.getConfiguration());

        // Real Avro container files, readable by Avro alone.
        List<Path> parts;
        try (Stream<Path> files = Files.list(Path.of(out))) {
            parts = files.filter(f -> f.getFileName().toString().endsWith(".avro")).toList();
        }
        assertThat(parts).hasSize(4);
        long plainCount = 0;
        for (Path part : parts) {
            try (DataFileReader<GenericRecord> reader = new DataFileReader<>(part.toFile(),
                    new GenericDatumReader<>())) {
                for (GenericRecord ignored : reader) {
                    plainCount++;
                }
            }
        }
        assertThat(plainCount).isEqualTo(visits.size());

        Job read = Job.getInstance();
        AvroJob.setInputKeySchema(read, new Schema.Parser().parse(SCHEMA));
        List<Visit> back = weft.<AvroKey<GenericRecord>, NullWritable, AvroKeyInputFormat<GenericRecord>>
                newAPIHadoopFile(out, cls(AvroKeyInputFormat.class), cls(AvroKey.class), NullWritable.class,
                        read.getConfiguration())
                .map(p -> Visit.of(p.key().datum())).collect();
        assertThat(back).containsExactlyInAnyOrderElementsOf(visits);
    }
}
