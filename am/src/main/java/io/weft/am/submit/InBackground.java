package io.weft.am.submit;

import java.io.IOException;
import java.security.PrivilegedExceptionAction;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.hadoop.security.UserGroupInformation;

/**
 * One step of a submission run on a thread of its own, as the submitting user, while the submitting thread does
 * another: a step that mostly waits (a remote call, a cold JVM's class loading) overlaps one that does too. The
 * submitting thread then {@link #join()}s it before using the result, so a failure surfaces there, with its own
 * exception, exactly as if the step had run in line.
 *
 * @param <T> the step's result
 */
final class InBackground<T> {

    /** A step that may fail. */
    @FunctionalInterface
    interface Step<T> {
        T run() throws Exception;
    }

    private final CompletableFuture<T> result = new CompletableFuture<>();

    private InBackground() {
    }

    /**
     * Starts a step on a new daemon thread, as the current Hadoop user (the thread carries no {@code doAs} of the
     * caller otherwise).
     *
     * @param name the thread's name
     * @param step the step
     * @param <T> its result
     * @return the running step
     * @throws IOException when the current user cannot be determined
     */
    static <T> InBackground<T> start(String name, Step<T> step) throws IOException {
        UserGroupInformation user = UserGroupInformation.getCurrentUser();
        InBackground<T> running = new InBackground<>();
        Thread thread = new Thread(() -> {
            try {
                running.result.complete(user.doAs((PrivilegedExceptionAction<T>) step::run));
            } catch (Throwable t) {
                running.result.completeExceptionally(t);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return running;
    }

    /**
     * Waits for the step to end, whatever its outcome, without throwing: for a caller that is already failing and
     * must not clean up (say, delete a directory) while the step may still write into it.
     */
    void awaitQuietly() {
        boolean interrupted = false;
        while (true) {
            try {
                result.handle((value, failure) -> null).get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException impossible) {
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * For a caller that fails before using the result: waits for the step quietly and, if it succeeded, hands its
     * result to {@code release} (which closes what the step opened). A failure of {@code release} is logged.
     *
     * @param release closes the result
     */
    void discard(java.util.function.Consumer<? super T> release) {
        awaitQuietly();
        T value = result.isCompletedExceptionally() ? null : result.getNow(null);
        if (value != null) {
            try {
                release.accept(value);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(InBackground.class).warn("Could not release {}: {}", value,
                        e.toString());
            }
        }
    }

    /**
     * Waits for the step.
     *
     * @return its result
     * @throws IOException the step's own, when it threw one
     * @throws RuntimeException the step's own unchecked exception, or an {@link IllegalStateException} wrapping
     *     any other
     * @throws InterruptedException when the waiting thread is interrupted
     */
    T join() throws IOException, InterruptedException {
        try {
            return result.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof java.lang.reflect.UndeclaredThrowableException undeclared
                    && undeclared.getCause() != null) {
                cause = undeclared.getCause();
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause.getMessage(), cause);
        }
    }
}
