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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * An executor process that dies mid-task: the task's failure carries the process's exit status, which the
 * backend reports after the connection has dropped, not just "connection closed"; and the task runs again on the
 * other executor.
 */
class ExecutorExitReasonTest {

    @Test
    void aKilledExecutorsTasksFailWithItsExitStatusAndRunElsewhere() throws Exception {
        try (WeftSession weft = WeftSession.builder().master("local-cluster[2,1,256]").getOrCreate()) {
            DriverEngine engine = (DriverEngine) weft.engine();
            LocalClusterBackend backend = (LocalClusterBackend) engine.backend();
            Map<Long, String> lost = new ConcurrentHashMap<>();
            AtomicBoolean killed = new AtomicBoolean();
            engine.addSchedulerListener(new SchedulerListener() {
                @Override
                public void taskStarted(TaskDescription task, String executorId) {
                    if (executorId.equals("2") && killed.compareAndSet(false, true)) {
                        backend.process("2").destroyForcibly();
                    }
                }

                @Override
                public void taskEnded(TaskDescription task, String executorId, TaskOutcome outcome) {
                    if (outcome instanceof TaskOutcome.ExecutorLost l) {
                        lost.put(task.taskId(), l.reason());
                    }
                }
            });
            List<Integer> out = weft.parallelize(IntStream.range(0, 8).boxed().toList(), 8).map(x -> {
                java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
                return x + 1;
            }).collect();
            assertThat(out).isEqualTo(IntStream.range(1, 9).boxed().toList());
            assertThat(killed).isTrue();
            assertThat(lost.values()).isNotEmpty()
                    .allMatch(reason -> reason.contains("exited with code 137"), "names the exit status");
        }
    }
}
