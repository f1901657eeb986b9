package io.weft.driver.session;

import io.weft.api.RemoteTaskException;
import java.util.ArrayList;
import java.util.List;

/**
 * Carries a failed job's cause from the session to the attached program as plain values (class name, message,
 * stack frames; the causes likewise), rebuilt there as a chain of {@link RemoteTaskException}s, as a driver does
 * for a task's exception. Plain values because the exception's class may not exist on the other side, and no
 * class named by the peer is ever instantiated. Stateless.
 */
final class RemoteCauses {

    /** Deeper chains are cut: a cause's cause's ... is seldom read and the reply should stay small. */
    private static final int MAX_DEPTH = 8;

    private RemoteCauses() {
    }

    /**
     * @param cause a failure's cause, or null
     * @return one {@code Object[] {className, message, String[] classes, String[] methods, String[] files,
     *     int[] lines}} per link of the chain, outermost first (empty for null)
     */
    static Object[] describe(Throwable cause) {
        List<Object> links = new ArrayList<>();
        for (Throwable t = cause; t != null && links.size() < MAX_DEPTH; t = t.getCause()) {
            StackTraceElement[] frames = t.getStackTrace();
            String[] classes = new String[frames.length];
            String[] methods = new String[frames.length];
            String[] files = new String[frames.length];
            int[] lines = new int[frames.length];
            for (int i = 0; i < frames.length; i++) {
                classes[i] = frames[i].getClassName();
                methods[i] = frames[i].getMethodName();
                files[i] = frames[i].getFileName();
                lines[i] = frames[i].getLineNumber();
            }
            String className = t instanceof RemoteTaskException remote ? remote.originalClassName()
                    : t.getClass().getName();
            links.add(new Object[] {className, t.getMessage(), classes, methods, files, lines});
        }
        return links.toArray();
    }

    /**
     * @param links what {@link #describe} made
     * @return the rebuilt chain, or null when there was no cause
     */
    static RemoteTaskException rebuild(Object[] links) {
        RemoteTaskException rebuilt = null;
        for (int l = links.length - 1; l >= 0; l--) {
            Object[] link = (Object[]) links[l];
            String[] classes = (String[]) link[2];
            String[] methods = (String[]) link[3];
            String[] files = (String[]) link[4];
            int[] lines = (int[]) link[5];
            StackTraceElement[] frames = new StackTraceElement[classes.length];
            for (int i = 0; i < frames.length; i++) {
                frames[i] = new StackTraceElement(classes[i], methods[i], files[i], lines[i]);
            }
            rebuilt = new RemoteTaskException((String) link[0], (String) link[1], frames, rebuilt);
        }
        return rebuilt;
    }
}
