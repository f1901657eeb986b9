package io.weft.runtime.ui;

import io.weft.planner.ResultStage;
import io.weft.planner.SchedulerListener;
import io.weft.planner.Stage;
import io.weft.planner.TaskDescription;
import io.weft.planner.TaskOutcome;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the driver's status pages show: the application's jobs and stages with their task counts, kept from the
 * scheduler's events. The scheduler thread writes through the {@link SchedulerListener} methods; HTTP threads read
 * immutable snapshots. Both sides synchronize on this object, and every write is a few field updates, so readers
 * never hold up the scheduler for long.
 */
public final class AppStatusStore implements SchedulerListener {

    /** Finished jobs beyond this many are forgotten, oldest first, so a long application's driver stays small. */
    static final int RETAINED_JOBS = 1000;

    private final String applicationId;
    private final String appName;
    private final Clock clock;
    private final long startMillis;
    private final Map<Integer, MutableJob> jobs = new LinkedHashMap<>();
    private final Map<Integer, MutableStage> stages = new LinkedHashMap<>();

    /**
     * @param applicationId the application
     * @param appName its name
     * @param clock the time source for start and end times
     */
    public AppStatusStore(String applicationId, String appName, Clock clock) {
        this.applicationId = applicationId;
        this.appName = appName;
        this.clock = clock;
        this.startMillis = clock.millis();
    }

    /**
     * The application as a whole.
     *
     * @param id the application id
     * @param name its name
     * @param startMillis when the driver started (epoch millis)
     * @param jobs how many jobs were submitted
     * @param activeJobs how many are running
     * @param failedJobs how many failed
     */
    public record ApplicationInfo(String id, String name, long startMillis, int jobs, int activeJobs,
            int failedJobs) {
    }

    /**
     * One job.
     *
     * @param jobId the job
     * @param name the action and its call site
     * @param status RUNNING, SUCCEEDED or FAILED
     * @param submittedMillis when it started (epoch millis)
     * @param completedMillis when it ended, or 0 while it runs
     * @param stageIds its stages, parents first
     * @param error why it failed, or null
     */
    public record JobInfo(int jobId, String name, String status, long submittedMillis, long completedMillis,
            List<Integer> stageIds, String error) {
    }

    /**
     * One stage, over all its attempts.
     *
     * @param stageId the stage
     * @param name what it computes
     * @param status WAITING, RUNNING or COMPLETE
     * @param attempt the latest attempt number
     * @param numTasks tasks of the latest attempt
     * @param completedTasks task attempts that succeeded
     * @param runningTasks task attempts running now
     * @param failedTasks task attempts that failed (including lost executors and fetch failures)
     * @param parentIds the stages whose shuffle output it reads
     * @param submittedMillis when its latest attempt was submitted (epoch millis), or 0
     * @param completedMillis when it completed, or 0
     * @param shuffleBytesWritten committed map output bytes of successful attempts
     * @param shuffleBytesRead shuffle bytes read by successful attempts
     */
    public record StageInfo(int stageId, String name, String status, int attempt, int numTasks,
            int completedTasks, int runningTasks, int failedTasks, List<Integer> parentIds, long submittedMillis,
            long completedMillis, long shuffleBytesWritten, long shuffleBytesRead) {
    }

    /** @return the application summary */
    public synchronized ApplicationInfo application() {
        int active = 0;
        int failed = 0;
        for (MutableJob job : jobs.values()) {
            active += job.status.equals("RUNNING") ? 1 : 0;
            failed += job.status.equals("FAILED") ? 1 : 0;
        }
        return new ApplicationInfo(applicationId, appName, startMillis, jobs.size(), active, failed);
    }

    /** @return every retained job, newest first */
    public synchronized List<JobInfo> jobs() {
        List<JobInfo> out = new ArrayList<>();
        for (MutableJob job : jobs.values()) {
            out.add(0, job.snapshot());
        }
        return out;
    }

    /** @return the stages of retained jobs, newest first */
    public synchronized List<StageInfo> stages() {
        List<StageInfo> out = new ArrayList<>();
        for (MutableStage stage : stages.values()) {
            out.add(0, stage.snapshot());
        }
        return out;
    }

    @Override
    public synchronized void jobStarted(int jobId, String callSite, ResultStage finalStage) {
        MutableJob job = new MutableJob(jobId, callSite, clock.millis());
        collectStages(finalStage, job);
        jobs.put(jobId, job);
        while (jobs.size() > RETAINED_JOBS) {
            MutableJob oldest = jobs.values().iterator().next();
            jobs.remove(oldest.jobId);
            oldest.stageIds.forEach(stages::remove);
        }
    }

    private void collectStages(Stage stage, MutableJob job) {
        for (Stage parent : stage.parents()) {
            collectStages(parent, job);
        }
        if (!job.stageIds.contains(stage.id())) {
            job.stageIds.add(stage.id());
            stages.computeIfAbsent(stage.id(), id -> new MutableStage(stage));
        }
    }

    @Override
    public synchronized void jobEnded(int jobId, Throwable error) {
        MutableJob job = jobs.get(jobId);
        if (job != null) {
            job.status = error == null ? "SUCCEEDED" : "FAILED";
            job.error = error == null ? null : error.getMessage();
            job.completedMillis = clock.millis();
        }
    }

    @Override
    public synchronized void stageSubmitted(Stage stage, int attempt, int tasks) {
        MutableStage info = stages.computeIfAbsent(stage.id(), id -> new MutableStage(stage));
        info.status = "RUNNING";
        info.attempt = attempt;
        info.numTasks = tasks;
        info.submittedMillis = clock.millis();
        info.completedMillis = 0;
    }

    @Override
    public synchronized void stageCompleted(Stage stage) {
        MutableStage info = stages.get(stage.id());
        if (info != null) {
            info.status = "COMPLETE";
            info.completedMillis = clock.millis();
        }
    }

    @Override
    public synchronized void taskStarted(TaskDescription task, String executorId) {
        MutableStage info = stages.get(task.stageId());
        if (info != null) {
            info.running++;
        }
    }

    @Override
    public synchronized void taskEnded(TaskDescription task, String executorId, TaskOutcome outcome) {
        MutableStage info = stages.get(task.stageId());
        if (info == null) {
            return;
        }
        info.running = Math.max(0, info.running - 1);
        if (outcome instanceof TaskOutcome.Success success) {
            info.completed++;
            info.shuffleBytesWritten += success.metrics().shuffleBytesWritten();
            info.shuffleBytesRead += success.metrics().shuffleBytesRead();
        } else if (!(outcome instanceof TaskOutcome.Killed)) {
            info.failed++;
        }
    }

    private static final class MutableJob {
        final int jobId;
        final String name;
        final long submittedMillis;
        final List<Integer> stageIds = new ArrayList<>();
        String status = "RUNNING";
        String error;
        long completedMillis;

        MutableJob(int jobId, String name, long submittedMillis) {
            this.jobId = jobId;
            this.name = name;
            this.submittedMillis = submittedMillis;
        }

        JobInfo snapshot() {
            return new JobInfo(jobId, name, status, submittedMillis, completedMillis, List.copyOf(stageIds), error);
        }
    }

    private static final class MutableStage {
        final int stageId;
        final String name;
        final List<Integer> parentIds;
        String status = "WAITING";
        int attempt;
        int numTasks;
        int completed;
        int running;
        int failed;
        long submittedMillis;
        long completedMillis;
        long shuffleBytesWritten;
        long shuffleBytesRead;

        MutableStage(Stage stage) {
            this.stageId = stage.id();
            this.name = stage.describe();
            this.parentIds = stage.parents().stream().map(Stage::id).toList();
            this.numTasks = stage.numPartitions();
        }

        StageInfo snapshot() {
            return new StageInfo(stageId, name, status, attempt, numTasks, completed, running, failed, parentIds,
                    submittedMillis, completedMillis, shuffleBytesWritten, shuffleBytesRead);
        }
    }
}
