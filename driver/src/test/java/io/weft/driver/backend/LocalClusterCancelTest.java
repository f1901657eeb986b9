package io.weft.driver.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.JobCancelledException;
import io.weft.api.WeftSession;
import io.weft.driver.Poll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cancelling a job group reaches executor JVMs: the cancelled job's running tasks are interrupted in their own
 * processes (each says so with a marker file), and their cores serve the next job.
 */
class LocalClusterCancelTest {

    private static final long WAIT_MILLIS = 60_000;

    @TempDir
    static Path markers;

    private static WeftSession weft;

    @BeforeAll
    static void start() {
        weft = WeftSession.builder().appName("local-cluster-cancel").master("local-cluster[2,1,512]")
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        weft.close();
    }

    /** Runs in an executor JVM: marks its start, waits until interrupted, marks the interrupt. */
    private static Integer blockUntilInterrupted(String dir, Integer partition) throws Exception {
        String me = partition + "-" + ProcessHandle.current().pid();
        Files.writeString(Paths.get(dir, "started-" + me), "");
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Files.writeString(Paths.get(dir, "interrupted-" + me), "");
            throw e;
        }
        throw new AssertionError("unreachable");
    }

    private static List<String> markers(String prefix) {
        try (Stream<Path> files = Files.list(markers)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aCancelledGroupsTasksAreInterruptedInTheExecutorJvms() throws Exception {
        String dir = markers.toString();
        CompletableFuture<Long> action = new CompletableFuture<>();
        Thread user = new Thread(() -> {
            weft.setJobGroup("g", "blocks in executor JVMs");
            try {
                action.complete(weft.parallelize(List.of(0, 1), 2).map(x -> blockUntilInterrupted(dir, x)).count());
            } catch (Throwable t) {
                action.completeExceptionally(t);
            }
        }, "user-g");
        user.start();
        assertThat(Poll.until(() -> markers("started-").size() == 2, WAIT_MILLIS, 20)).as("both tasks started")
                .isTrue();

        weft.cancelJobGroup("g");

        try {
            action.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
            throw new AssertionError("the cancelled action returned");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(JobCancelledException.class).hasMessageContaining("'g'");
        }
        assertThat(Poll.until(() -> markers("interrupted-").size() == 2, WAIT_MILLIS, 20))
                .as("both tasks were interrupted").isTrue();
        long driverPid = ProcessHandle.current().pid();
        List<String> pids = markers("interrupted-").stream().map(n -> n.substring(n.lastIndexOf('-') + 1)).toList();
        assertThat(pids).doesNotContain(String.valueOf(driverPid)).doesNotHaveDuplicates();

        // Both executors' cores are free again for the next job.
        List<Integer> input = IntStream.range(0, 100).boxed().toList();
        assertThat(weft.parallelize(input, 4).map(x -> x + 1).reduce(Integer::sum))
                .isEqualTo(input.stream().mapToInt(x -> x + 1).sum());
    }
}
