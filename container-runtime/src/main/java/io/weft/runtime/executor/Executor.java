package io.weft.runtime.executor;

import io.weft.planner.TaskDescription;
import io.weft.planner.TaskOutcome;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs task attempts on a fixed pool of threads, one per core: the same class in local mode (inside the
 * driver's JVM) and in an executor JVM or YARN container. Thread-safe: launch and kill may come from any thread.
 */
public final class Executor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Executor.class);

    private final ExecutorEnvironment env;
    private final ExecutorScopes scopes;
    private final TaskStatusReporter reporter;
    private final ExecutorService threads;
    private final Map<Long, TaskRunner> running = new ConcurrentHashMap<>();

    /**
     * @param env shared services
     * @param cores how many tasks run at once
     * @param reporter receives each attempt's outcome
     */
    public Executor(ExecutorEnvironment env, int cores, TaskStatusReporter reporter) {
        this.env = env;
        this.scopes = new ExecutorScopes(env);
        this.reporter = reporter;
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(cores, r -> {
            Thread t = new Thread(r, "weft-task-" + env.executorId() + "-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
    }

    /** @return the shared services */
    public ExecutorEnvironment environment() {
        return env;
    }

    /** @return the class-loader scopes of the jobs this executor has run tasks of */
    public ExecutorScopes scopes() {
        return scopes;
    }

    /**
     * Queues an attempt; it starts when a thread is free.
     *
     * @param task the attempt
     */
    public void launch(TaskDescription task) {
        long id = task.taskId();
        TaskRunner runner = new TaskRunner(env, scopes, task, reporter, () -> running.remove(id));
        running.put(id, runner);
        try {
            threads.execute(runner);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            running.remove(id);
            reporter.taskEnded(id, new TaskOutcome.ExecutorLost("executor " + env.executorId() + " is stopping"));
        }
    }

    /**
     * Interrupts an attempt; it reports {@link TaskOutcome.Killed} if it notices, or its normal outcome if it
     * finishes first.
     *
     * @param taskId the attempt
     */
    public void kill(long taskId) {
        TaskRunner runner = running.get(taskId);
        if (runner != null) {
            runner.kill();
        }
    }

    /** @return the number of attempts queued or running */
    public int activeTasks() {
        return running.size();
    }

    /**
     * Stops the threads, interrupting running attempts, drops cached partitions and closes the shuffle's segment
     * files (their flushed map outputs stay readable).
     */
    @Override
    public void close() {
        threads.shutdownNow();
        try {
            if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("Executor {}: tasks still running after 10 s", env.executorId());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scopes.close();
        env.blockStore().clear();
        env.shuffleStore().close();
        if (!io.weft.runtime.io.LocalFiles.deleteRecursively(env.localDir())) {
            LOG.debug("Could not delete all of {}", env.localDir());
        }
    }
}
