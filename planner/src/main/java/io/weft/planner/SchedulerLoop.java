package io.weft.planner;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's one thread: runs posted events in order, and optionally posts a tick every so often. Whatever
 * an event changes is owned by this thread, so the scheduler's state needs no locks; everybody else only posts.
 *
 * <p>An event that throws does not stop the loop: {@code onFailure} runs on the loop thread with the error (the
 * scheduler fails its running jobs rather than leaving them waiting for ever).
 */
final class SchedulerLoop {

    private static final Logger LOG = LoggerFactory.getLogger(SchedulerLoop.class);

    private final BlockingQueue<Runnable> events = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final ScheduledExecutorService ticker;
    private final Consumer<Throwable> onFailure;
    private volatile boolean stopped;

    /**
     * @param threadFactory makes the loop thread
     * @param timerName the name of the tick timer's thread
     * @param onFailure handles an event that threw, on the loop thread
     */
    SchedulerLoop(ThreadFactory threadFactory, String timerName, Consumer<Throwable> onFailure) {
        this.onFailure = onFailure;
        this.thread = threadFactory.newThread(this::run);
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, timerName);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts the loop thread.
     *
     * @param tick posted every {@code tickMillis}, or null for none
     * @param tickMillis the period of the tick
     */
    void start(Runnable tick, long tickMillis) {
        thread.start();
        if (tick != null) {
            ticker.scheduleWithFixedDelay(() -> post(tick), tickMillis, tickMillis, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Posts an event every so often, besides the tick; until {@link #stop}. Any thread.
     *
     * @param event runs on the loop thread
     * @param periodMillis the period
     */
    void every(Runnable event, long periodMillis) {
        ticker.scheduleWithFixedDelay(() -> post(event), periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Queues an event. Any thread; never blocks.
     *
     * @param event runs on the loop thread
     */
    void post(Runnable event) {
        events.add(event);
    }

    /** Runs queued events on the calling thread until the queue is empty; for tests that never start the thread. */
    void drain() {
        Runnable event;
        while ((event = events.poll()) != null) {
            run(event);
        }
    }

    /** @return whether {@link #start} was called */
    boolean isStarted() {
        return thread.getState() != Thread.State.NEW;
    }

    /** @return whether {@link #stop} was called */
    boolean isStopped() {
        return stopped;
    }

    /**
     * Runs a last event, then stops the loop and waits (up to 10 s) for its thread. Idempotent; any thread.
     *
     * @param last runs on the loop thread before it ends
     */
    void stop(Runnable last) {
        if (stopped) {
            return;
        }
        post(() -> {
            last.run();
            stopped = true;
        });
        ticker.shutdownNow();
        if (thread.isAlive() && Thread.currentThread() != thread) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stopped = true;
    }

    private void run() {
        while (!stopped) {
            Runnable event;
            try {
                event = events.take();
            } catch (InterruptedException e) {
                return;
            }
            run(event);
        }
    }

    private void run(Runnable event) {
        try {
            event.run();
        } catch (RuntimeException | Error e) {
            // A bug here must not kill the only thread that can finish jobs.
            LOG.error("Scheduler event failed", e);
            onFailure.accept(e);
        }
    }
}
