package io.weft.planner;

/**
 * How close a task runs to its input, from most to least local, in the order the scheduler tries them (as Spark's
 * {@code TaskLocality}, without its process-local level: Weft's inputs are located by host only).
 */
public enum TaskLocality {

    /** On a host that holds the task's input. */
    NODE_LOCAL,

    /** The task has no preferred host: any executor is as good as another, and the task never waits. */
    NO_PREF,

    /** On a host in the same rack as a host holding the input. */
    RACK_LOCAL,

    /** Anywhere. */
    ANY;

    /** @return whether a task at this level may launch when {@code max} is the most relaxed level allowed */
    boolean allowedUnder(TaskLocality max) {
        return compareTo(max) <= 0;
    }
}
