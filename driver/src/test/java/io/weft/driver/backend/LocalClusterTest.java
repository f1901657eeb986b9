package io.weft.driver.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.Broadcast;
import io.weft.api.LongAccumulator;
import io.weft.api.Pair;
import io.weft.api.WeftSession;
import io.weft.planner.SchedulerListener;
import io.weft.planner.TaskDescription;
import io.weft.planner.TaskOutcome;
import io.weft.driver.DriverEngine;
import io.weft.driver.backend.LocalClusterBackend;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Executors in their own JVMs, over the authenticated network channel: closures, class loading and serialization
 * cannot hide behind shared memory.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalClusterTest {

    private static WeftSession weft;
    private static LocalClusterBackend backend;
    private static final Set<String> executorsUsed = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void start() {
        weft = WeftSession.builder().appName("local-cluster").master("local-cluster[2,1,256]").getOrCreate();
        DriverEngine engine = (DriverEngine) weft.engine();
        backend = (LocalClusterBackend) engine.backend();
        engine.addSchedulerListener(new SchedulerListener() {
            @Override
            public void taskStarted(TaskDescription task, String executorId) {
                executorsUsed.add(executorId);
            }
        });
    }

    @AfterAll
    static void stop() {
        weft.close();
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    @Test
    @Order(1)
    void shuffleJobRunsInExecutorJvms() {
        int modulus = 10;
        Map<Integer, Long> counts = weft.parallelize(range(10_000), 4).mapToPair(x -> Pair.of(x % modulus, 1L))
                .reduceByKey(Long::sum).collectAsMap();
        Map<Integer, Long> expected = new HashMap<>();
        range(10_000).forEach(x -> expected.merge(x % modulus, 1L, Long::sum));
        assertThat(counts).isEqualTo(expected);
        assertThat(weft.defaultParallelism()).isEqualTo(2);
        assertThat(executorsUsed).containsExactlyInAnyOrder("1", "2");
    }

    /**
     * Parallelized slices travel with each task, not in the stage binary: across JVMs every task must get exactly
     * the slices it reads, including through a union, a coalesce, a cartesian product and a zip, and a retry or a
     * second job must get them again.
     */
    @Test
    @Order(2)
    void parallelizedSlicesTravelWithTheirTasks() {
        List<Integer> data = range(3_000);
        assertThat(weft.parallelize(data, 1_000).map(x -> x + 1).collect())
                .isEqualTo(data.stream().map(x -> x + 1).toList());
        var left = weft.parallelize(data.subList(0, 10), 3);
        var right = weft.parallelize(List.of("a", "b", "c", "d"), 4);
        assertThat(left.union(left.map(x -> -x)).coalesce(2).collect()).containsExactlyElementsOf(
                IntStream.range(0, 20).map(i -> i < 10 ? i : -(i - 10)).boxed().toList());
        assertThat(left.cartesian(right).count()).isEqualTo(40);
        assertThat(left.cartesian(right).collect()).contains(Pair.of(9, "d"), Pair.of(0, "a"));
        assertThat(weft.parallelize(List.of(1, 2, 3, 4), 2).zip(weft.parallelize(List.of("w", "x", "y", "z"), 2))
                .collect()).containsExactly(Pair.of(1, "w"), Pair.of(2, "x"), Pair.of(3, "y"), Pair.of(4, "z"));
    }

    @Test
    @Order(2)
    void tasksRunInOtherProcessesWithBroadcastsAndAccumulators() {
        long driverPid = ProcessHandle.current().pid();
        List<Long> pids = weft.parallelize(range(8), 8).map(x -> ProcessHandle.current().pid()).distinct().collect();
        assertThat(pids).hasSize(2).doesNotContain(driverPid);

        Broadcast<Map<Integer, String>> names = weft.broadcast(Map.of(1, "one", 2, "two"));
        LongAccumulator hits = weft.longAccumulator("hits");
        List<String> out = weft.parallelize(List.of(1, 2, 1, 3), 2).map(x -> {
            hits.add(1);
            return names.value().getOrDefault(x, "?");
        }).collect();
        assertThat(out).containsExactly("one", "two", "one", "?");
        assertThat(hits.value()).isEqualTo(4);
        assertThat(weft.parallelize(range(1000), 4).mapToPair(x -> Pair.of(x % 7, x)).sortByKey(true).keys()
                .collect()).isSorted();
    }

    /** The largest value added: a user-defined accumulator, so its class must load in the executor JVMs. */
    static final class MaxAccumulator extends io.weft.api.Accumulator<Integer, Integer> {
        private int max = Integer.MIN_VALUE;

        @Override
        public boolean isZero() {
            return max == Integer.MIN_VALUE;
        }

        @Override
        public MaxAccumulator copy() {
            MaxAccumulator copy = new MaxAccumulator();
            copy.max = max;
            return copy;
        }

        @Override
        public void reset() {
            max = Integer.MIN_VALUE;
        }

        @Override
        public void add(Integer value) {
            max = Math.max(max, value);
        }

        @Override
        public void merge(io.weft.api.Accumulator<Integer, Integer> other) {
            add(((MaxAccumulator) other).max);
        }

        @Override
        public Integer value() {
            return max;
        }
    }

    @Test
    @Order(2)
    void userAccumulatorsSerializedCachesCheckpointsAndBroadcastUnpersistAcrossJvms(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path checkpoints) {
        MaxAccumulator max = new MaxAccumulator();
        weft.register(max, "max");
        io.weft.api.CollectionAccumulator<String> names = weft.collectionAccumulator("names");
        weft.parallelize(range(500), 4).foreach(x -> {
            max.add(x * 3 % 1001);
            if (x % 100 == 0) {
                names.add("n" + x);
            }
        });
        assertThat(max.value()).isEqualTo(range(500).stream().mapToInt(x -> x * 3 % 1001).max().orElseThrow());
        assertThat(names.value()).containsExactlyInAnyOrder("n0", "n100", "n200", "n300", "n400");

        LongAccumulator computed = weft.longAccumulator("computed");
        io.weft.api.Dataset<String> words = weft.parallelize(range(300), 4).map(x -> {
            computed.add(1);
            return x % 5 == 0 ? null : "w" + x;
        }).persist(io.weft.api.StorageLevel.MEMORY_AND_DISK_SER);
        List<String> expected = range(300).stream().map(x -> x % 5 == 0 ? null : "w" + x).toList();
        assertThat(words.collect()).isEqualTo(expected);
        assertThat(words.collect()).isEqualTo(expected);
        // Each executor caches what it computed; the driver does not track where, so a task may land elsewhere.
        assertThat(computed.value()).isBetween(300L, 599L);

        weft.setCheckpointDir(checkpoints.toUri().toString());
        io.weft.api.Dataset<Integer> lengths = words.filter(w -> w != null).map(String::length);
        lengths.checkpoint();
        assertThat(lengths.reduce(Integer::sum)).isEqualTo(expected.stream().filter(w -> w != null)
                .mapToInt(String::length).sum());
        assertThat(lengths.isCheckpointed()).isTrue();
        long beforeCut = computed.value();
        words.unpersist();
        assertThat(lengths.count()).isEqualTo(240);
        assertThat(computed.value()).isEqualTo(beforeCut);

        Broadcast<Integer> offset = weft.broadcast(7);
        assertThat(weft.parallelize(range(4), 2).map(x -> x + offset.value()).collect()).containsExactly(7, 8, 9, 10);
        offset.unpersist();
        assertThat(weft.parallelize(range(4), 2).map(x -> x * offset.value()).collect()).containsExactly(0, 7, 14, 21);
    }

    @Test
    @Order(3)
    void wrongSecretAndGarbageAreRejectedWhileJobsGoOn() throws Exception {
        try (Socket wrongSecret = new Socket("127.0.0.1", backend.port());
                Socket garbage = new Socket("127.0.0.1", backend.port())) {
            // A peer that does not know the secret: reads the challenge, answers with a made-up proof.
            InputStream in = wrongSecret.getInputStream();
            byte[] challengeLength = in.readNBytes(4);
            assertThat(ByteBuffer.wrap(challengeLength).getInt()).isEqualTo(5 + 1 + 32); // "WEFT2", crypto, nonce
            in.readNBytes(38);
            OutputStream out = wrongSecret.getOutputStream();
            // role 'E', encryption on, a nonce and a made-up proof
            out.write(ByteBuffer.allocate(4 + 66).putInt(66).put((byte) 'E').put((byte) 1).put(new byte[64]).array());
            out.flush();
            wrongSecret.setSoTimeout(5000);
            assertThat(in.read()).isEqualTo(-1);

            // A peer that sends an absurd frame length.
            OutputStream junk = garbage.getOutputStream();
            junk.write(new byte[] {(byte) 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3, 4});
            junk.flush();
            garbage.setSoTimeout(5000);
            InputStream junkIn = garbage.getInputStream();
            junkIn.readNBytes(4 + 38);
            assertThat(junkIn.read()).isEqualTo(-1);
        }
        assertThat(weft.parallelize(range(100), 4).map(x -> x + 1).reduce(Integer::sum)).isEqualTo(5050);
    }

    @Test
    @Order(4)
    void killedExecutorsTasksAreRetriedOnTheOtherOne() throws Exception {
        Map<Long, String> failures = new ConcurrentHashMap<>();
        ((DriverEngine) weft.engine()).addSchedulerListener(new SchedulerListener() {
            @Override
            public void taskEnded(TaskDescription task, String executorId, TaskOutcome outcome) {
                if (outcome instanceof TaskOutcome.ExecutorLost lost) {
                    failures.put(task.taskId(), lost.reason());
                }
            }
        });
        // Kill executor 1 as soon as it runs a task of the slow job, so its running task is lost mid-flight.
        ((DriverEngine) weft.engine()).addSchedulerListener(new SchedulerListener() {
            private boolean killed;

            @Override
            public void taskStarted(TaskDescription task, String executorId) {
                if (!killed && executorId.equals("1") && task.partition() >= 4) {
                    killed = true;
                    backend.process("1").destroyForcibly();
                }
            }
        });
        List<Integer> slow = weft.parallelize(range(16), 16).map(x -> {
            java.util.concurrent.locks.LockSupport.parkNanos(150_000_000L);
            return x * 2;
        }).collect();
        assertThat(slow).isEqualTo(range(16).stream().map(x -> x * 2).toList());
        assertThat(failures).isNotEmpty();
    }
}
