package io.weft.driver;

import io.weft.api.Pair;
import io.weft.api.SerializableFunction;
import io.weft.api.WeftException;
import io.weft.api.lineage.Node;
import io.weft.api.spi.Engine;
import io.weft.api.spi.HadoopInput;
import io.weft.api.spi.HadoopOutput;
import io.weft.runtime.io.hadoop.HadoopCommitProtocol;
import io.weft.runtime.io.hadoop.HadoopSplits;
import io.weft.runtime.io.hadoop.NewApiCommitProtocol;
import io.weft.runtime.io.hadoop.OldApiCommitProtocol;
import io.weft.runtime.io.hadoop.WritableSequenceFileOutputFormat;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;

/**
 * The driver's side of the Hadoop input and output methods: makes input nodes (splits from the InputFormat) and
 * runs output jobs through {@link HadoopCommitProtocol}. Runs on the user's thread, as the engine's methods do.
 */
final class HadoopIo {

    /** SequenceFiles compress by block when a codec is given, as Spark's do. */
    private static final String COMPRESS_TYPE = "mapreduce.output.fileoutputformat.compress.type";

    private final Engine engine;
    private final Configuration sessionConf;

    HadoopIo(Engine engine, Configuration sessionConf) {
        this.engine = engine;
        this.sessionConf = sessionConf;
    }

    <K, V> Node<Pair<K, V>> input(HadoopInput input, String callSite) {
        return HadoopSplits.node(engine.newNodeId(), callSite, input, sessionConf);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    void save(Node<? extends Pair<?, ?>> node, HadoopOutput output, String callSite) {
        String operator = callSite.split(" ")[0];
        HadoopCommitProtocol protocol = protocol(output, operator);
        protocol.setupJob();
        List<String> attempts;
        try {
            attempts = engine.runJob((Node) node, (SerializableFunction<Iterator<Object>, String>)
                    protocol.taskFunction(), null, callSite);
        } catch (RuntimeException e) {
            protocol.abort();
            throw e;
        }
        protocol.commit(attempts);
    }

    private HadoopCommitProtocol protocol(HadoopOutput output, String operator) {
        Configuration base = output.conf() != null ? output.conf() : sessionConf;
        if (output.kind() == HadoopOutput.Kind.MAPRED) {
            return new OldApiCommitProtocol(oldApiConf(output, base, operator), operator);
        }
        Job job;
        try {
            job = Job.getInstance(base);
        } catch (IOException e) {
            throw new WeftException(operator + ": cannot make the job's configuration: " + e.getMessage(), e);
        }
        Class<?> format = output.kind() == HadoopOutput.Kind.SEQUENCE_FILE ? WritableSequenceFileOutputFormat.class
                : output.formatClass();
        if (format != null) {
            requireFormat(format, org.apache.hadoop.mapreduce.OutputFormat.class, operator);
            job.getConfiguration().setClass(Job.OUTPUT_FORMAT_CLASS_ATTR, format,
                    org.apache.hadoop.mapreduce.OutputFormat.class);
        }
        if (output.keyClass() != null) {
            job.setOutputKeyClass(output.keyClass());
        }
        if (output.valueClass() != null) {
            job.setOutputValueClass(output.valueClass());
        }
        if (output.path() != null) {
            FileOutputFormat.setOutputPath(job, new Path(output.path()));
        }
        if (output.codecClass() != null) {
            FileOutputFormat.setCompressOutput(job, true);
            FileOutputFormat.setOutputCompressorClass(job, output.codecClass().asSubclass(CompressionCodec.class));
            job.getConfiguration().set(COMPRESS_TYPE, "BLOCK");
        }
        return new NewApiCommitProtocol(job.getConfiguration(), operator);
    }

    private static JobConf oldApiConf(HadoopOutput output, Configuration base, String operator) {
        JobConf job = new JobConf(base);
        if (output.formatClass() != null || output.path() != null) {
            requireFormat(output.formatClass(), org.apache.hadoop.mapred.OutputFormat.class, operator);
            job.setClass("mapred.output.format.class", output.formatClass(),
                    org.apache.hadoop.mapred.OutputFormat.class);
        }
        if (output.keyClass() != null) {
            job.setOutputKeyClass(output.keyClass());
        }
        if (output.valueClass() != null) {
            job.setOutputValueClass(output.valueClass());
        }
        if (output.path() != null) {
            Path path = new Path(output.path());
            try {
                path = path.getFileSystem(job).makeQualified(path);
            } catch (IOException e) {
                throw new WeftException(operator + ": cannot reach " + output.path() + ": " + e.getMessage(), e);
            }
            org.apache.hadoop.mapred.FileOutputFormat.setOutputPath(job, path);
        }
        if (output.codecClass() != null) {
            org.apache.hadoop.mapred.FileOutputFormat.setCompressOutput(job, true);
            org.apache.hadoop.mapred.FileOutputFormat.setOutputCompressorClass(job,
                    output.codecClass().asSubclass(CompressionCodec.class));
            job.set(COMPRESS_TYPE, "BLOCK");
        }
        return job;
    }

    private static void requireFormat(Class<?> format, Class<?> api, String operator) {
        if (format == null || !api.isAssignableFrom(format)) {
            throw new WeftException(operator + ": " + (format == null ? "no OutputFormat" : format.getName() + " is"
                    + " not a " + api.getName()) + ". Fix: saveAsHadoopFile takes org.apache.hadoop.mapred formats,"
                    + " saveAsNewAPIHadoopFile org.apache.hadoop.mapreduce ones (saveAsNewAPIHadoopDataset reads"
                    + " mapreduce.job.outputformat.class from the configuration).");
        }
    }
}
