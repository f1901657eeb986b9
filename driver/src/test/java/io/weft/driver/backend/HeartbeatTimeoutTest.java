package io.weft.driver.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.WeftSession;
import io.weft.planner.SchedulerListener;
import io.weft.planner.TaskDescription;
import io.weft.planner.TaskOutcome;
import io.weft.driver.DriverEngine;
import io.weft.driver.backend.LocalClusterBackend;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * An executor that stops answering (its process frozen with SIGSTOP, its connection still open) is declared
 * lost when its heartbeats stop, and its tasks run on the other executor. The timeout is forty heartbeat
 * intervals: on a loaded two-core machine a healthy executor's heartbeat can be late by a second or two, and
 * losing the healthy executor as well would leave the job with none.
 */
class HeartbeatTimeoutTest {

    @Test
    void frozenExecutorIsLostAfterTheHeartbeatTimeout() throws Exception {
        try (WeftSession weft = WeftSession.builder().master("local-cluster[2,1,256]")
                .config("weft.executor.heartbeatInterval", "200ms")
                .config("weft.executor.heartbeatTimeout", "8s").getOrCreate()) {
            DriverEngine engine = (DriverEngine) weft.engine();
            LocalClusterBackend backend = (LocalClusterBackend) engine.backend();
            Map<Long, String> lost = new ConcurrentHashMap<>();
            engine.addSchedulerListener(new SchedulerListener() {
                private boolean frozen;

                @Override
                public void taskStarted(TaskDescription task, String executorId) {
                    if (!frozen && executorId.equals("2")) {
                        frozen = true;
                        signal("STOP", backend.process("2").pid());
                    }
                }

                @Override
                public void taskEnded(TaskDescription task, String executorId, TaskOutcome outcome) {
                    if (outcome instanceof TaskOutcome.ExecutorLost l) {
                        lost.put(task.taskId(), l.reason());
                    }
                }
            });
            try {
                List<Integer> out = weft.parallelize(IntStream.range(0, 8).boxed().toList(), 8)
                        .map(x -> x + 1).collect();
                assertThat(out).isEqualTo(IntStream.range(1, 9).boxed().toList());
                assertThat(lost.values()).anyMatch(reason -> reason.contains("no heartbeat"));
            } finally {
                signal("KILL", backend.process("2").pid());
                backend.process("2").waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static void signal(String name, long pid) {
        try {
            new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start().waitFor();
        } catch (Exception e) {
            throw new IllegalStateException("Could not send SIG" + name + " to " + pid, e);
        }
    }
}
