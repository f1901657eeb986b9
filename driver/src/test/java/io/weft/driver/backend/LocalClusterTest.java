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

    @Test
    @Order(3)
    void wrongSecretAndGarbageAreRejectedWhileJobsGoOn() throws Exception {
        try (Socket wrongSecret = new Socket("127.0.0.1", backend.port());
                Socket garbage = new Socket("127.0.0.1", backend.port())) {
            // A peer that does not know the secret: reads the challenge, answers with a made-up proof.
            InputStream in = wrongSecret.getInputStream();
            byte[] challengeLength = in.readNBytes(4);
            assertThat(ByteBuffer.wrap(challengeLength).getInt()).isEqualTo(5 + 32);
            in.readNBytes(37);
            OutputStream out = wrongSecret.getOutputStream();
            out.write(ByteBuffer.allocate(4 + 64).putInt(64).put(new byte[64]).array());
            out.flush();
            wrongSecret.setSoTimeout(5000);
            assertThat(in.read()).isEqualTo(-1);

            // A peer that sends an absurd frame length.
            OutputStream junk = garbage.getOutputStream();
            junk.write(new byte[] {(byte) 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3, 4});
            junk.flush();
            garbage.setSoTimeout(5000);
            InputStream junkIn = garbage.getInputStream();
            junkIn.readNBytes(41);
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
