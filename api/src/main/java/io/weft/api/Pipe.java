package io.weft.api;

import io.weft.api.lineage.TaskContext;
import io.weft.api.lineage.TaskContexts;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code pipe}: one external process per partition. A named daemon thread writes the records to the process's
 * stdin while the task thread reads its stdout lazily, so neither side blocks the other on a full pipe buffer.
 */
final class Pipe {

    private Pipe() {
    }

    /**
     * Starts the process and returns its stdout lines. Called on a task thread. When the lines run out, waits for
     * the process: a non-zero exit throws {@link IllegalStateException} naming the command and status, as Spark
     * does; an exception from a record's {@code toString} is rethrown. An I/O error writing stdin is ignored when
     * the process exits 0 (it may stop reading early, as {@code head} does).
     */
    static <T> Iterator<String> run(List<String> command, Map<String, String> env, Iterator<T> input) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("pipe: cannot start " + String.join(" ", command) + ": " + e.getMessage(),
                    e);
        }
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        // The writer computes the parent's records, so user code there must see this task, as on the task thread.
        TaskContext task = TaskContext.current();
        Thread writer = new Thread(() -> {
            if (task != null) {
                TaskContexts.set(task);
            }
            try (Writer out = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(),
                    StandardCharsets.UTF_8))) {
                while (input.hasNext()) {
                    out.write(String.valueOf(input.next()));
                    out.write('\n');
                }
            } catch (Throwable t) {
                writerFailure.set(t);
            } finally {
                TaskContexts.clear();
            }
        }, "weft-pipe-stdin-" + command.get(0));
        writer.setDaemon(true);
        writer.start();
        if (task != null) {
            // A consumer that stops early (take, first) never reaches the end of the output: end the process and
            // its writer with the task, as Spark does.
            task.addTaskCompletionListener(() -> {
                process.destroyForcibly();
                writer.interrupt();
            });
        }
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        return new Iterator<>() {
            private String next;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (next == null && !done) {
                    try {
                        next = reader.readLine();
                    } catch (IOException e) {
                        throw new UncheckedIOException("pipe: reading the output of " + String.join(" ", command), e);
                    }
                    if (next == null) {
                        done = true;
                        finish();
                    }
                }
                return next != null;
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                String line = next;
                next = null;
                return line;
            }

            private void finish() {
                int status;
                try {
                    status = process.waitFor();
                    writer.join();
                    reader.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    process.destroyForcibly();
                    throw new IllegalStateException("pipe: interrupted waiting for " + String.join(" ", command), e);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                if (status != 0) {
                    throw new IllegalStateException("Subprocess exited with status " + status + ". Command ran: "
                            + String.join(" ", command));
                }
                Throwable failure = writerFailure.get();
                if (failure != null && !(failure instanceof IOException)) {
                    throw new IllegalStateException("pipe: writing records to " + String.join(" ", command)
                            + " failed: " + failure, failure);
                }
            }
        };
    }
}
