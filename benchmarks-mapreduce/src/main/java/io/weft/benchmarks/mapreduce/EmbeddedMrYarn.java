package io.weft.benchmarks.mapreduce;

import java.io.File;
import java.nio.file.Files;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.v2.MiniMRYarnCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;

/**
 * The embedded cluster the MapReduce benchmarks share: a MiniDFSCluster (1 DataNode) and a MiniMRYarnCluster
 * (2 NodeManagers) configured as Weft's integration tests configure theirs, with a local input directory copied to
 * HDFS. Used from the benchmark's main thread only; {@link #close()} stops both clusters.
 */
final class EmbeddedMrYarn implements AutoCloseable {

    private final MiniDFSCluster dfs;
    private final MiniMRYarnCluster mr;
    /** The client configuration for jobs on this cluster. */
    final Configuration conf;
    /** The input on HDFS. */
    final Path input;

    /**
     * Starts both clusters and copies the regular files of {@code corpus} (except names starting with {@code _})
     * to {@code /data/corpus} on HDFS. Prints the start-up time and the input's size.
     */
    EmbeddedMrYarn(File corpus) throws Exception {
        long start = System.nanoTime();
        File base = Files.createTempDirectory("weft-mr-bench-").toFile();
        Configuration hdfsConf = new Configuration();
        hdfsConf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, new File(base, "dfs").getAbsolutePath());
        dfs = new MiniDFSCluster.Builder(hdfsConf).numDataNodes(1).build();
        dfs.waitActive();
        YarnConfiguration yarnConf = new YarnConfiguration(dfs.getConfiguration(0));
        yarnConf.set("fs.defaultFS", dfs.getURI().toString());
        yarnConf.setInt("yarn.scheduler.minimum-allocation-mb", 128);
        yarnConf.setInt("yarn.resourcemanager.nodemanagers.heartbeat-interval-ms", 100);
        yarnConf.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "99.9");
        yarnConf.set("yarn.nodemanager.disk-health-checker.min-free-space-per-disk-mb", "0");
        mr = new MiniMRYarnCluster("mr-bench", 2);
        mr.init(yarnConf);
        mr.start();
        conf = new Configuration(mr.getConfig());
        System.out.printf("Cluster up in %.1f s%n", (System.nanoTime() - start) / 1e9);

        FileSystem fs = dfs.getFileSystem();
        input = fs.makeQualified(new Path("/data/corpus"));
        fs.mkdirs(input);
        long bytes = 0;
        for (File file : corpus.listFiles(f -> f.isFile() && !f.getName().startsWith("_"))) {
            bytes += file.length();
            fs.copyFromLocalFile(new Path(file.toURI()), input);
        }
        System.out.printf("Input (%.0f MB) written to %s%n", bytes / 1048576.0, input);
    }

    /** Sizes a job's containers like Weft's executors (768 MB heap) and gives it 2 reducers. */
    static void shape(Job job) {
        job.setNumReduceTasks(2);
        job.getConfiguration().setInt("mapreduce.map.memory.mb", 1024);
        job.getConfiguration().setInt("mapreduce.reduce.memory.mb", 1024);
        job.getConfiguration().set("mapreduce.map.java.opts", "-Xmx768m");
        job.getConfiguration().set("mapreduce.reduce.java.opts", "-Xmx768m");
        job.getConfiguration().setInt("yarn.app.mapreduce.am.resource.mb", 512);
    }

    @Override
    public void close() {
        try {
            mr.stop();
        } finally {
            dfs.shutdown();
        }
    }
}
