package io.weft.benchmarks.nn;

import io.weft.api.Pair;
import io.weft.api.WeftSession;
import io.weft.driver.DriverEngine;
import io.weft.planner.SchedulerListener;
import io.weft.planner.ShuffleMapStage;
import io.weft.planner.Stage;
import io.weft.planner.TaskDescription;
import io.weft.planner.TaskOutcome;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Counts the NameNode calls one Weft shuffle costs, for several M x R (issue 14, "measure first"). Starts an
 * in-process MiniDFSCluster (one DataNode), puts {@code weft.shuffle.dir} on it and runs, in one session (by
 * default {@code local-cluster}, so executor JVMs do the shuffle I/O as on YARN), for each M x R: a job without a
 * shuffle over M + R partitions (the baseline: what any job of that many tasks costs), then a job whose M map
 * tasks each write records to all R reduce partitions and whose R reduce tasks read them. It snapshots the
 * NameNode's counters ({@link NameNodeCounters}) around each job, and prints per shuffle the calls of the shuffle
 * job minus those of the baseline, with the shuffle bytes the reducers read per file opened.
 *
 * <p>Every map output holds records for every reduce partition (each map writes {@code --records-per-segment}
 * distinct keys per reducer), so no reducer skips a map output for being empty: the figures are the worst case
 * for opens, which is also the common case on large data.
 */
@Command(name = "weft-namenode-ops", mixinStandardHelpOptions = true,
        description = "Counts NameNode operations per shuffle on an in-process MiniDFSCluster.")
public final class NameNodeOpsBench implements Callable<Integer> {

    @Option(names = "--master", defaultValue = "local-cluster[2,2,512]",
            description = "Weft master (default: ${DEFAULT-VALUE})")
    String master;

    @Option(names = "--shapes", defaultValue = "10x10,50x50,100x100,200x50,50x200", split = ",",
            description = "M x R shapes (maps x reducers), comma-separated (default: ${DEFAULT-VALUE})")
    List<String> shapes;

    @Option(names = "--records-per-segment", defaultValue = "10",
            description = "Records each map writes for each reducer (default: ${DEFAULT-VALUE})")
    int recordsPerSegment;

    @Option(names = "--value-bytes", defaultValue = "100", description = "Bytes of each record's value "
            + "(default: ${DEFAULT-VALUE})")
    int valueBytes;

    @Option(names = "--consolidate", defaultValue = "true", arity = "1",
            description = "weft.shuffle.consolidateFiles: segment files per executor (true) or one file per map"
                    + " output (false) (default: ${DEFAULT-VALUE})")
    boolean consolidate;

    @Option(names = "--idle-close-ms", defaultValue = "2000",
            description = "weft.shuffle.segmentFileIdleTimeout in ms; the harness waits this long plus 1.5 s after"
                    + " each shuffle, so the closing of its segment files is counted with it"
                    + " (default: ${DEFAULT-VALUE})")
    long idleCloseMs;

    @Option(names = "--task-ms", defaultValue = "0",
            description = "How long each map task of a measured shuffle takes at least, in ms (it sleeps before"
                    + " producing its records), as real map tasks do; above --idle-close-ms this shows whether a"
                    + " task slot's segment file survives between its map tasks (default: ${DEFAULT-VALUE})")
    long taskMs;

    @Option(names = "--files-per-executor",
            description = "weft.shuffle.segmentFilesPerExecutor: most open segment files per executor and shuffle;"
                    + " 0: no cap (default: Weft's default)")
    Integer filesPerExecutor;

    @Option(names = "--details", description = "Also print every NameNode counter that moved, per job")
    boolean details;

    /** One row of the table. */
    record Row(int maps, int reducers, Map<String, Long> calls, long bytesRead) {
    }

    /**
     * @param args see --help
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new NameNodeOpsBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        File base = Files.createTempDirectory("weft-nn-ops-").toFile();
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, new File(base, "dfs").getAbsolutePath());
        conf.set("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", "10");
        MiniDFSCluster dfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        try {
            dfs.waitActive();
            run(dfs);
        } finally {
            dfs.shutdown();
            deleteTree(base);
        }
        return 0;
    }

    private void run(MiniDFSCluster dfs) throws Exception {
        NameNodeCounters counters = new NameNodeCounters(dfs);
        String shuffleRoot = dfs.getFileSystem().makeQualified(new org.apache.hadoop.fs.Path("/weft-shuffle"))
                .toString();
        System.out.printf("master=%s records-per-segment=%d value-bytes=%d consolidate=%s idle-close-ms=%d"
                + " task-ms=%d files-per-executor=%s shuffle.dir=%s%n", master, recordsPerSegment, valueBytes,
                consolidate, idleCloseMs, taskMs, filesPerExecutor == null ? "default" : filesPerExecutor,
                shuffleRoot);
        List<Row> rows = new ArrayList<>();
        Map<String, Long> beforeSession = counters.snapshot();
        Map<String, Long> sessionOps;
        Map<String, Long> beforeClose;
        var builder = WeftSession.builder().appName("namenode-ops").master(master)
                .config("weft.shuffle.dir", shuffleRoot).config("weft.ui.enabled", "false")
                .config("weft.shuffle.consolidateFiles", Boolean.toString(consolidate))
                .config("weft.shuffle.segmentFileIdleTimeout", idleCloseMs + "ms")
                .config("weft.hadoop.dfs.client.block.write.locateFollowingBlock.initial.delay.ms", "10");
        if (filesPerExecutor != null) {
            builder.config("weft.shuffle.segmentFilesPerExecutor", filesPerExecutor.toString());
        }
        try (WeftSession weft = builder.getOrCreate()) {
            AtomicLong bytesRead = new AtomicLong();
            AtomicLong mapStageStart = new AtomicLong();
            AtomicLong mapStageNanos = new AtomicLong();
            ((DriverEngine) weft.engine()).addSchedulerListener(new SchedulerListener() {
                @Override
                public void stageSubmitted(Stage stage, int attempt, int tasks) {
                    if (stage instanceof ShuffleMapStage) {
                        mapStageStart.set(System.nanoTime());
                    }
                }

                @Override
                public void stageCompleted(Stage stage) {
                    if (stage instanceof ShuffleMapStage) {
                        mapStageNanos.set(System.nanoTime() - mapStageStart.get());
                    }
                }

                @Override
                public void taskEnded(TaskDescription task, String executorId, TaskOutcome outcome) {
                    if (outcome instanceof TaskOutcome.Success s && s.metrics() != null) {
                        bytesRead.addAndGet(s.metrics().shuffleBytesRead());
                    }
                }
            });
            // Warm up: the executors' file system clients and the first shuffle directory.
            shuffle(weft, 2, 2, 0);
            if (consolidate) {
                Thread.sleep(idleCloseMs);
            }
            baseline(weft, 4);
            sessionOps = NameNodeCounters.minus(counters.snapshot(), beforeSession);
            for (String shape : shapes) {
                String[] mr = shape.trim().toLowerCase().split("x");
                int maps = Integer.parseInt(mr[0]);
                int reducers = Integer.parseInt(mr[1]);
                settle();
                Map<String, Long> start = counters.snapshot();
                baseline(weft, maps + reducers);
                settle();
                Map<String, Long> afterBaseline = counters.snapshot();
                bytesRead.set(0);
                long records = shuffle(weft, maps, reducers, taskMs);
                if (consolidate) {
                    // Segment files are closed (their blocks completed) once idle: count that with this shuffle.
                    Thread.sleep(idleCloseMs);
                }
                settle();
                Map<String, Long> afterShuffle = counters.snapshot();
                Map<String, Long> base = NameNodeCounters.minus(afterBaseline, start);
                Map<String, Long> job = NameNodeCounters.minus(afterShuffle, afterBaseline);
                Map<String, Long> perShuffle = NameNodeCounters.minus(job, base);
                if (details) {
                    System.out.printf("%dx%d records=%d baseline=%s%n", maps, reducers, records, base);
                    System.out.printf("%dx%d records=%d shuffle-job=%s%n", maps, reducers, records, job);
                }
                Row row = new Row(maps, reducers, perShuffle, bytesRead.get());
                rows.add(row);
                System.out.println(OpsTable.line(row));
                System.out.printf("%dx%d map stage: %.1f ms%n", maps, reducers, mapStageNanos.get() / 1e6);
            }
            beforeClose = counters.snapshot();
        }
        settle();
        Map<String, Long> closeOps = NameNodeCounters.minus(counters.snapshot(), beforeClose);
        System.out.println();
        System.out.println(OpsTable.render(rows));
        System.out.println("session start + warm-up (a 2x2 shuffle, a 4-task job): "
                + OpsTable.clientCalls(sessionOps));
        System.out.println("session close: " + OpsTable.clientCalls(closeOps));
        System.out.println("per shuffle, every client call that moved: ");
        for (Row row : rows) {
            System.out.printf("  %dx%d %s%n", row.maps(), row.reducers(), OpsTable.clientCalls(row.calls()));
        }
    }

    /** Lets the DataNode's asynchronous reports of the last job's blocks reach the NameNode before a snapshot. */
    private static void settle() throws InterruptedException {
        Thread.sleep(1500);
    }

    private static void baseline(WeftSession weft, int partitions) {
        weft.parallelize(IntStream.range(0, partitions).boxed().toList(), partitions).map(x -> x + 1).count();
    }

    private long shuffle(WeftSession weft, int maps, int reducers, long mapTaskMs) {
        int perMap = recordsPerSegment * reducers;
        int size = valueBytes;
        return weft.parallelize(IntStream.range(0, maps).boxed().toList(), maps)
                .flatMapToPair(map -> {
                    work(mapTaskMs);
                    return records(map, perMap, size);
                })
                .reduceByKey((a, b) -> a, reducers)
                .count();
    }

    /** Stands for a real map task's work: the task thread is busy this long before its records come. */
    private static void work(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Map task interrupted (killed) while simulating its work", e);
        }
    }

    /** Distinct integer keys: consecutive integers hash to every reduce partition in turn. */
    private static Iterator<Pair<Integer, String>> records(int map, int count, int valueBytes) {
        String value = "v".repeat(valueBytes);
        return IntStream.range(0, count).mapToObj(i -> Pair.of(map * count + i, value)).iterator();
    }

    private static void deleteTree(File base) throws IOException {
        try (Stream<java.nio.file.Path> paths = Files.walk(base.toPath())) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
