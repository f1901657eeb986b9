package io.weft.status;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * What the status pages show, built from {@link StatusEvent}s: live from a driver's scheduler, or replayed from an
 * event log. Writers call {@link #accept}; HTTP threads read immutable snapshots. Both synchronize on this object
 * and every update is a few field writes, so readers never hold up the scheduler for long.
 */
public final class AppStatusStore implements Consumer<StatusEvent> {

    /** Finished jobs beyond this many are forgotten, oldest first, so a long application's driver stays small. */
    static final int RETAINED_JOBS = 1000;
    /** Tasks kept per stage for the stage page; counts and sums still cover all of them. */
    static final int RETAINED_TASKS_PER_STAGE = 10_000;

    private String applicationId;
    private String appName;
    private long startMillis;
    private long endMillis;
    private Boolean succeeded;
    private Map<String, String> settings = Map.of();
    private String owner;
    private final Map<Integer, MutableJob> jobs = new LinkedHashMap<>();
    private final Map<Integer, MutableStage> stages = new LinkedHashMap<>();
    private final Map<String, MutableExecutor> executors = new LinkedHashMap<>();
    private final Map<Long, MutableTask> runningTasks = new LinkedHashMap<>();
    private long schedulingDelayMillis;
    private long speculativeTasks;
    private long recoveredMapOutputs;

    /**
     * The application as a whole.
     *
     * @param id the application id
     * @param name its name
     * @param startMillis when the driver started
     * @param endMillis when it ended, or 0 while it runs
     * @param status RUNNING, SUCCEEDED or FAILED
     * @param jobs jobs submitted
     * @param activeJobs jobs running
     * @param failedJobs jobs that failed
     * @param stages stages of the retained jobs
     * @param completedTasks task attempts that succeeded
     * @param failedTasks task attempts that failed, fetch-failed or were lost with their executor
     * @param shuffleBytesWritten committed map output bytes
     * @param shuffleBytesRead shuffle bytes read
     * @param speculativeTasks speculative copies of slow task attempts launched
     * @param recoveredMapOutputs map outputs reused from an earlier driver attempt rather than recomputed
     */
    public record ApplicationInfo(String id, String name, long startMillis, long endMillis, String status, int jobs,
            int activeJobs, int failedJobs, int stages, long completedTasks, long failedTasks,
            long shuffleBytesWritten, long shuffleBytesRead, long speculativeTasks, long recoveredMapOutputs) {
    }

    /**
     * One job.
     *
     * @param jobId the job
     * @param name the action and its call site
     * @param status RUNNING, SUCCEEDED or FAILED
     * @param submittedMillis when it started
     * @param completedMillis when it ended, or 0 while it runs
     * @param stageIds its stages, parents first
     * @param error why it failed, or null
     * @param description the description its thread set, or null
     * @param jobGroup its job group, or null
     */
    public record JobInfo(int jobId, String name, String status, long submittedMillis, long completedMillis,
            List<Integer> stageIds, String error, String description, String jobGroup) {
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
     * @param submittedMillis when its latest attempt was submitted, or 0
     * @param completedMillis when it completed, or 0
     * @param shuffleBytesWritten committed map output bytes of successful attempts
     * @param shuffleBytesRead shuffle bytes read by successful attempts
     * @param recordsWritten shuffle records written by successful attempts
     * @param recordsRead records read by successful attempts
     * @param inputBytes file-split bytes read by successful attempts
     */
    public record StageInfo(int stageId, String name, String status, int attempt, int numTasks,
            int completedTasks, int runningTasks, int failedTasks, List<Integer> parentIds, long submittedMillis,
            long completedMillis, long shuffleBytesWritten, long shuffleBytesRead, long recordsWritten,
            long recordsRead, long inputBytes) {
    }

    /**
     * One task attempt.
     *
     * @param taskId the attempt
     * @param partition the partition it computes
     * @param attempt 0 for the first attempt
     * @param stageAttempt the stage attempt it belongs to
     * @param executorId where it ran
     * @param host that executor's host
     * @param status RUNNING, SUCCESS, FAILED, FETCH_FAILED, EXECUTOR_LOST or KILLED
     * @param launchMillis when it started
     * @param durationMillis from start to end as the driver saw it, or 0 while it runs
     * @param runMillis time running on the executor
     * @param recordsWritten shuffle records written
     * @param shuffleBytesWritten committed map output bytes
     * @param shuffleBytesRead shuffle bytes read
     * @param spills times it spilled
     * @param gcMillis its executor's garbage-collection time while it ran
     * @param resultBytes a result task's serialized result
     * @param recordsRead records read from file splits and shuffles
     * @param inputBytes bytes of the file splits it read
     * @param error the failure with its stack trace, or null
     * @param locality how close to its input it ran (NODE_LOCAL, NO_PREF, RACK_LOCAL, ANY), or null if unknown
     * @param phases where its run time went (all zero while it runs or when its executor did not say)
     */
    public record TaskInfo(long taskId, int partition, int attempt, int stageAttempt, String executorId,
            String host, String status, long launchMillis, long durationMillis, long runMillis, long recordsWritten,
            long shuffleBytesWritten, long shuffleBytesRead, int spills, long gcMillis, long resultBytes,
            long recordsRead, long inputBytes, String error, String locality, TaskPhases phases) {
    }

    /**
     * A stage with its tasks and the spread of their durations.
     *
     * @param stage the stage
     * @param tasks retained task attempts, in launch order
     * @param durationPercentiles minimum, 25th, median, 75th percentile and maximum duration of finished tasks
     */
    public record StageDetail(StageInfo stage, List<TaskInfo> tasks, List<Long> durationPercentiles) {
    }

    /**
     * One executor.
     *
     * @param executorId the executor
     * @param host its host
     * @param cores tasks it runs at once
     * @param status ACTIVE, EXCLUDED (after repeated task failures) or REMOVED
     * @param addedMillis when it registered
     * @param removedMillis when it went, or 0
     * @param removedReason why it went, or null
     * @param activeTasks tasks running there now
     * @param completedTasks tasks that succeeded there
     * @param failedTasks tasks that failed there
     * @param shuffleBytesWritten map output its tasks committed
     * @param heapUsed heap in use at its last heartbeat (0 before one, or for threads in the driver's JVM)
     * @param heapMax its heap limit
     * @param gcMillis its total garbage-collection time
     * @param threads its live threads
     * @param containerId its YARN container, or null
     * @param logUrl its logs on the NodeManager, or null
     */
    public record ExecutorInfo(String executorId, String host, int cores, String status, long addedMillis,
            long removedMillis, String removedReason, int activeTasks, int completedTasks, int failedTasks,
            long shuffleBytesWritten, long heapUsed, long heapMax, long gcMillis, int threads, String containerId,
            String logUrl) {
    }

    @Override
    public synchronized void accept(StatusEvent event) {
        if (event instanceof StatusEvent.ApplicationStarted e) {
            applicationId = e.applicationId();
            appName = e.name();
            startMillis = e.time();
            settings = new TreeMap<>(e.settings());
            owner = e.user();
        } else if (event instanceof StatusEvent.ApplicationEnded e) {
            endMillis = e.time();
            succeeded = e.succeeded();
        } else if (event instanceof StatusEvent.JobStarted e) {
            jobStarted(e);
        } else if (event instanceof StatusEvent.JobEnded e) {
            MutableJob job = jobs.get(e.jobId());
            if (job != null) {
                job.status = e.error() == null ? "SUCCEEDED" : "FAILED";
                job.error = e.error();
                job.completedMillis = e.time();
            }
        } else if (event instanceof StatusEvent.StageSubmitted e) {
            MutableStage stage = stages.get(e.stageId());
            if (stage != null) {
                stage.status = "RUNNING";
                stage.attempt = e.attempt();
                stage.numTasks = e.tasks();
                stage.submittedMillis = e.time();
                stage.completedMillis = 0;
            }
        } else if (event instanceof StatusEvent.StageCompleted e) {
            MutableStage stage = stages.get(e.stageId());
            if (stage != null) {
                stage.status = "COMPLETE";
                stage.completedMillis = e.time();
            }
        } else if (event instanceof StatusEvent.ExecutorExcluded e) {
            MutableExecutor executor = executors.get(e.executorId());
            if (executor != null) {
                executor.excluded = true;
            }
        } else if (event instanceof StatusEvent.MapOutputsRecovered e) {
            recoveredMapOutputs += e.outputs();
        } else if (event instanceof StatusEvent.TaskStarted e) {
            taskStarted(e);
        } else if (event instanceof StatusEvent.TaskEnded e) {
            taskEnded(e);
        } else if (event instanceof StatusEvent.ExecutorAdded e) {
            executors.put(e.executorId(), new MutableExecutor(e, e.time()));
        } else if (event instanceof StatusEvent.ExecutorMetrics e) {
            MutableExecutor executor = executors.get(e.executorId());
            if (executor != null) {
                executor.metrics = e;
            }
        } else if (event instanceof StatusEvent.ExecutorRemoved e) {
            MutableExecutor executor = executors.get(e.executorId());
            if (executor != null) {
                executor.removedMillis = e.time();
                executor.removedReason = e.reason();
            }
        }
    }

    private void jobStarted(StatusEvent.JobStarted e) {
        MutableJob job = new MutableJob(e.jobId(), e.name(), e.time());
        job.description = e.description();
        job.jobGroup = e.jobGroup();
        for (StatusEvent.StageRef ref : e.stages()) {
            job.stageIds.add(ref.stageId());
            stages.computeIfAbsent(ref.stageId(), id -> new MutableStage(ref));
        }
        jobs.put(job.jobId, job);
        while (jobs.size() > RETAINED_JOBS) {
            MutableJob oldest = jobs.values().iterator().next();
            jobs.remove(oldest.jobId);
            oldest.stageIds.forEach(stages::remove);
        }
    }

    private void taskStarted(StatusEvent.TaskStarted e) {
        speculativeTasks += e.speculative() ? 1 : 0;
        MutableExecutor executor = executors.get(e.executorId());
        MutableTask task = new MutableTask(e, executor == null ? "" : executor.host);
        runningTasks.put(e.taskId(), task);
        if (executor != null) {
            executor.active++;
        }
        MutableStage stage = stages.get(e.stageId());
        if (stage != null) {
            if (stage.firstTaskMillis < stage.submittedMillis) {
                stage.firstTaskMillis = e.time();
                schedulingDelayMillis = Math.max(0, e.time() - stage.submittedMillis);
            }
            stage.running++;
            if (stage.tasks.size() < RETAINED_TASKS_PER_STAGE) {
                stage.tasks.add(task);
            }
        }
    }

    private void taskEnded(StatusEvent.TaskEnded e) {
        MutableTask task = runningTasks.remove(e.taskId());
        if (task != null) {
            task.end(e);
        }
        boolean success = e.status().equals("SUCCESS");
        boolean failure = !success && !e.status().equals("KILLED");
        MutableExecutor executor = executors.get(e.executorId());
        if (executor != null) {
            executor.active = Math.max(0, executor.active - 1);
            executor.completed += success ? 1 : 0;
            executor.failed += failure ? 1 : 0;
            executor.shuffleBytesWritten += e.shuffleBytesWritten();
        }
        MutableStage stage = stages.get(e.stageId());
        if (stage != null) {
            stage.running = Math.max(0, stage.running - 1);
            if (success) {
                stage.completed++;
                stage.shuffleBytesWritten += e.shuffleBytesWritten();
                stage.shuffleBytesRead += e.shuffleBytesRead();
                stage.recordsWritten += e.recordsWritten();
                stage.recordsRead += e.recordsRead();
                stage.inputBytes += e.inputBytes();
            } else if (failure) {
                stage.failed++;
            }
        }
    }

    /** @return the application summary */
    public synchronized ApplicationInfo application() {
        int active = 0;
        int failed = 0;
        for (MutableJob job : jobs.values()) {
            active += job.status.equals("RUNNING") ? 1 : 0;
            failed += job.status.equals("FAILED") ? 1 : 0;
        }
        long completedTasks = 0;
        long failedTasks = 0;
        long written = 0;
        long read = 0;
        for (MutableStage stage : stages.values()) {
            completedTasks += stage.completed;
            failedTasks += stage.failed;
            written += stage.shuffleBytesWritten;
            read += stage.shuffleBytesRead;
        }
        String status = succeeded == null ? "RUNNING" : succeeded ? "SUCCEEDED" : "FAILED";
        return new ApplicationInfo(applicationId, appName, startMillis, endMillis, status, jobs.size(), active,
                failed, stages.size(), completedTasks, failedTasks, written, read, speculativeTasks,
                recoveredMapOutputs);
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

    /**
     * @param stageId a stage
     * @return the stage with its tasks, if retained
     */
    public synchronized Optional<StageDetail> stage(int stageId) {
        MutableStage stage = stages.get(stageId);
        if (stage == null) {
            return Optional.empty();
        }
        List<TaskInfo> tasks = stage.tasks.stream().map(MutableTask::snapshot).toList();
        List<Long> durations = tasks.stream().filter(t -> !t.status().equals("RUNNING"))
                .map(TaskInfo::durationMillis).sorted().toList();
        List<Long> percentiles = durations.isEmpty() ? List.of() : List.of(durations.get(0),
                durations.get((durations.size() - 1) / 4), durations.get((durations.size() - 1) / 2),
                durations.get(3 * (durations.size() - 1) / 4), durations.get(durations.size() - 1));
        return Optional.of(new StageDetail(stage.snapshot(), tasks, percentiles));
    }

    /** @return every executor seen, in registration order */
    public synchronized List<ExecutorInfo> executors() {
        return executors.values().stream().map(MutableExecutor::snapshot)
                .sorted(Comparator.comparingLong(ExecutorInfo::addedMillis)).toList();
    }

    /** @return from the latest stage's submission to its first task's start, in milliseconds */
    public synchronized long schedulingDelayMillis() {
        return schedulingDelayMillis;
    }

    /** @return the user who owns the application, or null when its log does not say */
    public synchronized String owner() {
        return owner;
    }

    /** @return the application's effective settings, secrets masked */
    public synchronized Map<String, String> environment() {
        return settings;
    }

    private static final class MutableJob {
        final int jobId;
        final String name;
        final long submittedMillis;
        final List<Integer> stageIds = new ArrayList<>();
        String status = "RUNNING";
        String error;
        String description;
        String jobGroup;
        long completedMillis;

        MutableJob(int jobId, String name, long submittedMillis) {
            this.jobId = jobId;
            this.name = name;
            this.submittedMillis = submittedMillis;
        }

        JobInfo snapshot() {
            return new JobInfo(jobId, name, status, submittedMillis, completedMillis, List.copyOf(stageIds), error,
                    description, jobGroup);
        }
    }

    private static final class MutableStage {
        final int stageId;
        final String name;
        final List<Integer> parentIds;
        final List<MutableTask> tasks = new ArrayList<>();
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
        long recordsWritten;
        long recordsRead;
        long inputBytes;
        long firstTaskMillis = -1;

        MutableStage(StatusEvent.StageRef ref) {
            this.stageId = ref.stageId();
            this.name = ref.name();
            this.parentIds = List.copyOf(ref.parentIds());
            this.numTasks = ref.numTasks();
        }

        StageInfo snapshot() {
            return new StageInfo(stageId, name, status, attempt, numTasks, completed, running, failed, parentIds,
                    submittedMillis, completedMillis, shuffleBytesWritten, shuffleBytesRead, recordsWritten, recordsRead,
                    inputBytes);
        }
    }
}
