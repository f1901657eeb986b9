package io.weft.status;

import io.weft.status.AppStatusStore.ApplicationInfo;
import io.weft.status.AppStatusStore.StageInfo;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The console's view of running stages: one progress bar per running stage (id, name, done/running/total tasks,
 * elapsed time). On a terminal the line is redrawn in place every {@value #TERMINAL_PERIOD_MILLIS} ms; otherwise
 * (CI logs, files) a plain line is printed every {@value #PLAIN_PERIOD_MILLIS} ms while it changes. Runs on its
 * own daemon thread; {@link #close} clears the line.
 */
public final class ConsoleProgress implements AutoCloseable {

    static final long TERMINAL_PERIOD_MILLIS = 200;
    static final long PLAIN_PERIOD_MILLIS = 5000;
    private static final int BAR_WIDTH = 20;

    private final Supplier<List<StageInfo>> stages;
    private final PrintStream out;
    private final boolean terminal;
    private final LongSupplier clock;
    private final ScheduledExecutorService thread;
    private String last = "";

    /**
     * Starts drawing.
     *
     * @param stages the application's stages (only running ones are drawn); called on the progress thread
     * @param out where to draw
     * @param terminal whether {@code out} is a terminal (redraw in place) or not (plain periodic lines)
     * @param clock epoch milliseconds
     */
    public ConsoleProgress(Supplier<List<StageInfo>> stages, PrintStream out, boolean terminal, LongSupplier clock) {
        this.stages = stages;
        this.out = out;
        this.terminal = terminal;
        this.clock = clock;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "weft-console-progress");
            t.setDaemon(true);
            return t;
        });
        long period = terminal ? TERMINAL_PERIOD_MILLIS : PLAIN_PERIOD_MILLIS;
        thread.scheduleAtFixedRate(this::draw, period, period, TimeUnit.MILLISECONDS);
    }

    /** @return whether this JVM's standard output is an interactive terminal */
    public static boolean stdoutIsTerminal() {
        return System.console() != null;
    }

    /** Draws once now; also what the progress thread runs. */
    synchronized void draw() {
        try {
            String line = render(stages.get(), clock.getAsLong());
            if (terminal) {
                if (!line.equals(last)) {
                    out.print("\r\033[K" + line);
                    out.flush();
                }
            } else if (!line.isEmpty() && !line.equals(last)) {
                out.println(line);
            }
            last = line;
        } catch (RuntimeException e) {
            // A status source that cannot answer (say, an AM between attempts) draws nothing this time.
        }
    }

    /**
     * @param stages stages, newest first; only RUNNING ones appear, oldest first
     * @param now epoch milliseconds
     * @return one line with a bar per running stage, or empty when none runs
     */
    static String render(List<StageInfo> stages, long now) {
        StringBuilder line = new StringBuilder();
        for (int i = stages.size() - 1; i >= 0; i--) {
            StageInfo stage = stages.get(i);
            if (!stage.status().equals("RUNNING")) {
                continue;
            }
            if (!line.isEmpty()) {
                line.append("  ");
            }
            int total = Math.max(1, stage.numTasks());
            int filled = Math.min(BAR_WIDTH, stage.completedTasks() * BAR_WIDTH / total);
            String name = stage.name().length() > 40 ? stage.name().substring(0, 39) + "…" : stage.name();
            line.append("[Stage ").append(stage.stageId()).append(' ').append(name).append(" ")
                    .append("=".repeat(filled)).append(filled < BAR_WIDTH ? ">" : "")
                    .append(" ".repeat(Math.max(0, BAR_WIDTH - filled - 1))).append(' ')
                    .append(stage.completedTasks()).append('/').append(stage.numTasks());
            if (stage.runningTasks() > 0) {
                line.append(" (").append(stage.runningTasks()).append(" running)");
            }
            line.append(' ').append((now - stage.submittedMillis()) / 1000).append("s]");
        }
        return line.toString();
    }

    /**
     * @param app the application at its end
     * @param eventLog where its event log is, or null
     * @param logs how to read its logs, or null
     * @return the short summary printed when an application ends
     */
    public static String summary(ApplicationInfo app, String eventLog, String logs) {
        long wall = (app.endMillis() == 0 ? System.currentTimeMillis() : app.endMillis()) - app.startMillis();
        StringBuilder text = new StringBuilder();
        text.append("Application ").append(app.id()).append(' ').append(app.status()).append(" in ")
                .append(String.format("%.1f s", wall / 1000.0)).append(": ").append(app.jobs()).append(" jobs (")
                .append(app.failedJobs()).append(" failed), ").append(app.stages()).append(" stages, ")
                .append(app.completedTasks()).append(" tasks succeeded, ").append(app.failedTasks())
                .append(" attempts failed and retried, ").append(app.speculativeTasks())
                .append(" speculative; shuffle ")
                .append(StatusPage.bytes(app.shuffleBytesWritten())).append(" written, ")
                .append(StatusPage.bytes(app.shuffleBytesRead())).append(" read.");
        if (eventLog != null) {
            text.append(" Event log: ").append(eventLog).append('.');
        }
        if (logs != null) {
            text.append(" Logs: ").append(logs).append('.');
        }
        return text.toString();
    }

    /** Stops drawing and clears the terminal line. */
    @Override
    public void close() {
        thread.shutdownNow();
        synchronized (this) {
            if (terminal && !last.isEmpty()) {
                out.print("\r\033[K");
                out.flush();
            }
            last = "";
        }
    }
}
