package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.BlockLocation;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.hdfs.server.datanode.DataNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A DataNode holding committed map outputs is lost between the map and the reduce stage. Shuffle files have one
 * replica, so their blocks are gone: the reduce tasks that read them report fetch failures, exactly the map outputs
 * that were on that DataNode are computed again, and the job's result is exact. The cluster is this class's own
 * (two DataNodes, one stopped for good), so the shared one is left as it was.
 */
class DataNodeLossTest {

    private static MiniDFSCluster dfs;
    private static Path base;

    @BeforeAll
    static void start() throws IOException {
        base = Files.createTempDirectory("weft-datanode-loss-");
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, new File(base.toFile(), "dfs").getAbsolutePath());
        conf.set("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", "10");
        // Spread blocks over both DataNodes, although the writer runs on the same host as both.
        conf.setBoolean("dfs.namenode.block-placement-policy.default.prefer-local-node", false);
        dfs = new MiniDFSCluster.Builder(conf).numDataNodes(2).build();
        dfs.waitActive();
    }

    @AfterAll
    static void stop() throws IOException {
        if (dfs != null) {
            dfs.shutdown();
        }
        try (var paths = Files.walk(base)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * Map outputs (by map index) in files with a block on the DataNode with the given transfer port: a file of
     * their own, or a segment file shared with other outputs (all of which are lost with it).
     */
    private static Set<Integer> mapOutputsOn(FileSystem fs, Map<Integer, String> fileOfMap, int xferPort) {
        Set<Integer> on = new TreeSet<>();
        try {
            for (Map.Entry<Integer, String> output : fileOfMap.entrySet()) {
                // A segment file may still be open: ask for the blocks of its whole length, known or not.
                FileStatus file = fs.getFileStatus(new org.apache.hadoop.fs.Path(output.getValue()));
                for (BlockLocation block : fs.getFileBlockLocations(file.getPath(), 0, Long.MAX_VALUE)) {
                    for (String name : block.getNames()) {
                        if (name.endsWith(":" + xferPort)) {
                            on.add(output.getKey());
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return on;
    }

    @Test
    void onlyTheMapOutputsOnALostDataNodeAreComputedAgain() throws Exception {
        FileSystem fs = dfs.getFileSystem();
        String shuffleRoot = fs.makeQualified(new org.apache.hadoop.fs.Path("/shuffle")).toString();
        List<Integer> data = IntStream.range(0, 6000).boxed().toList();
        try (WeftSession weft = WeftSession.builder().appName("datanode-loss").master("local[2]")
                .config("weft.shuffle.dir", shuffleRoot)
                // Give up on a block whose only DataNode is gone at once, rather than after seconds of retries.
                .config("weft.hadoop.dfs.client.retry.window.base", "10")
                .config("weft.hadoop.dfs.client.max.block.acquire.failures", "1")
                .config("weft.hadoop.dfs.client.block.write.locateFollowingBlock.initial.delay.ms", "10")
                .getOrCreate()) {
            DriverEngine engine = (DriverEngine) weft.engine();
            Map<Integer, Integer> mapStarts = new ConcurrentHashMap<>();
            Map<Integer, Integer> mapSuccesses = new ConcurrentHashMap<>();
            Map<Integer, String> fileOfMap = new ConcurrentHashMap<>();
            List<TaskOutcome> outcomes = new CopyOnWriteArrayList<>();
            Set<Integer> lost = new TreeSet<>();
            engine.addSchedulerListener(new SchedulerListener() {
                @Override
                public void taskStarted(TaskDescription task, String executorId) {
                    if (task.isMapTask()) {
                        mapStarts.merge(task.partition(), 1, Integer::sum);
                    }
                }

                @Override
                public void taskEnded(TaskDescription task, String executorId, TaskOutcome outcome) {
                    outcomes.add(outcome);
                    if (outcome instanceof TaskOutcome.Success s && s.mapStatus() != null) {
                        fileOfMap.putIfAbsent(task.partition(), s.mapStatus().path());
                        mapSuccesses.merge(task.partition(), 1, Integer::sum);
                    }
                }

                @Override
                public void stageCompleted(Stage stage) {
                    if (stage instanceof ShuffleMapStage && lost.isEmpty()) {
                        // On the scheduler thread, before any reduce task starts: stop the DataNode that holds
                        // the fewest map outputs (but some), for good.
                        DataNode victim = null;
                        for (DataNode node : dfs.getDataNodes()) {
                            Set<Integer> on = mapOutputsOn(fs, fileOfMap, node.getXferPort());
                            if (!on.isEmpty() && (victim == null || on.size() < lost.size())) {
                                victim = node;
                                lost.clear();
                                lost.addAll(on);
                            }
                        }
                        dfs.stopDataNode(victim.getDatanodeId().getXferAddr());
                    }
                }
            });

            Map<Integer, Long> counts = new HashMap<>();
            weft.parallelize(data, 6).mapToPair(x -> Pair.of(x % 13, 1L)).reduceByKey(Long::sum, 4).collect()
                    .forEach(p -> counts.put(p.key(), p.value()));

            Map<Integer, Long> expected = new HashMap<>();
            data.forEach(x -> expected.merge(x % 13, 1L, Long::sum));
            assertThat(counts).isEqualTo(expected);
            assertThat(lost).as("map outputs on the stopped DataNode").isNotEmpty();
            assertThat(outcomes).anyMatch(o -> o instanceof TaskOutcome.FetchFailed);
            for (int map = 0; map < 6; map++) {
                // A lost output is computed once more. Its rerun may itself fail and be retried when HDFS still
                // places a block on the stopped DataNode (the NameNode has not declared it dead yet), so attempts
                // that did not succeed are not counted; an output that was not lost is never run again.
                assertThat(mapSuccesses.get(map)).as("successful runs of map %d (lost: %s)", map, lost)
                        .isEqualTo(lost.contains(map) ? 2 : 1);
                if (!lost.contains(map)) {
                    assertThat(mapStarts.get(map)).as("runs of map %d (lost: %s)", map, lost).isEqualTo(1);
                }
            }
        }
    }
}
