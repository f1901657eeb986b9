package io.weft.api.lineage;

/**
 * Binds a {@link TaskContext} to the thread running the task. Engine-facing; the executor calls
 * {@link #set(TaskContext)} before running a task and {@link #clear()} after it, on the task's thread.
 */
public final class TaskContexts {

    static final ThreadLocal<TaskContext> CURRENT = new ThreadLocal<>();

    private TaskContexts() {
    }

    /** @param context the task now running on this thread */
    public static void set(TaskContext context) {
        CURRENT.set(context);
    }

    /** Unbinds the current task from this thread. */
    public static void clear() {
        CURRENT.remove();
    }
}
