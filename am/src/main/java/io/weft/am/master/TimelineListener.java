package io.weft.am.master;

import io.weft.planner.SchedulerListener;
import io.weft.planner.TaskDescription;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Marks a {@link StartupTimeline}'s first task and result (the end of each job; the last one counts), and the
 * start of executors that register after the session started ({@code weft.scheduler.minRegisteredExecutorsRatio}).
 * Called on the driver's scheduler thread; costs one volatile read per task after the first.
 */
public final class TimelineListener implements SchedulerListener {

    private final StartupTimeline timeline;
    private final Supplier<Map<String, long[]>> registrations;
    private volatile boolean taskSeen;

    /**
     * @param timeline where to mark
     * @param registrations the driver endpoint's registration times ({@code DriverEndpoint#registrationTimes}),
     *     read when an executor is added
     */
    public TimelineListener(StartupTimeline timeline, Supplier<Map<String, long[]>> registrations) {
        this.timeline = timeline;
        this.registrations = registrations;
    }

    @Override
    public void executorAdded(String executorId, String host, int cores, String containerId, String logUrl) {
        timeline.executors(registrations.get());
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
        // An executor that registered between the session's start and this listener's addition is marked here.
        timeline.executors(registrations.get());
        timeline.mark(StartupTimeline.Phase.RESULT);
    }
}
