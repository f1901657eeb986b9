package io.weft.am.master;

import io.weft.planner.SchedulerListener;
import io.weft.planner.TaskDescription;

/**
 * Marks a {@link StartupTimeline}'s first task and result (the end of each job; the last one counts). Called on
 * the driver's scheduler thread; costs one volatile read per task after the first.
 */
public final class TimelineListener implements SchedulerListener {

    private final StartupTimeline timeline;
    private volatile boolean taskSeen;

    /** @param timeline where to mark */
    public TimelineListener(StartupTimeline timeline) {
        this.timeline = timeline;
    }

    @Override
    public void taskStarted(TaskDescription task, String executorId) {
        if (!taskSeen) {
            taskSeen = true;
            timeline.mark(StartupTimeline.Phase.FIRST_TASK);
        }
    }

    @Override
    public void jobEnded(int jobId, Throwable error) {
        timeline.mark(StartupTimeline.Phase.RESULT);
    }
}
