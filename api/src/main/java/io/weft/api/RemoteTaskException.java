package io.weft.api;

/**
 * An exception thrown by a task on an executor, rebuilt on the driver: the original class name, message and
 * stack trace (and its causes, likewise), without needing the original class to be loadable on the driver.
 */
public class RemoteTaskException extends WeftException {

    private static final long serialVersionUID = 1L;

    private final String originalClassName;

    /**
     * @param originalClassName the class of the exception the task threw
     * @param message its message (may be {@code null})
     * @param stackTrace its stack trace as on the executor
     * @param cause its cause, rebuilt the same way, or {@code null}
     */
    public RemoteTaskException(String originalClassName, String message, StackTraceElement[] stackTrace,
            RemoteTaskException cause) {
        super(message, cause);
        this.originalClassName = originalClassName;
        setStackTrace(stackTrace);
    }

    /**
     * @return the class name of the exception the task threw, e.g. {@code java.lang.IllegalStateException}
     */
    public String originalClassName() {
        return originalClassName;
    }

    @Override
    public String toString() {
        String message = getMessage();
        return message == null ? originalClassName : originalClassName + ": " + message;
    }
}
