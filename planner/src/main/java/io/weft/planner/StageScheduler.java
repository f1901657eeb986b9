package io.weft.planner;

import io.weft.api.JobCancelledException;
import io.weft.api.JobFailedException;
import io.weft.api.SerializableFunction;
import io.weft.api.lineage.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DAG layer of the scheduler: jobs and their stages. It plans a submitted job into stages, submits a stage
 * once every map output it reads is registered (its parents first), turns a stage's missing partitions into a
 * {@link TaskSet} for the {@link TaskScheduler}, registers committed map outputs (and journals them), finishes
 * jobs when their results are in, and answers a fetch failure by forgetting the unreadable map output and
 * resubmitting the stage, which recomputes just that output first. A stage that keeps losing its inputs, or whose
 * task set cannot succeed, fails every job that needs it.
 *
 * <p>Used only on the scheduler thread.
 */
final class StageScheduler implements TaskScheduler.Owner {

    private static final Logger LOG = LoggerFactory.getLogger(StageScheduler.class);

    private final SchedulerConfig config;
    private final StageSerializer serializer;
    private final AccumulatorSink accumulators;
    private final SchedulerListener listener;
    private final MapOutputJournal journal;
    private final StagePlanner planner = new StagePlanner();
    private final MapOutputRegistry registry = new MapOutputRegistry();
    private final Map<Integer, ActiveJob> jobs = new LinkedHashMap<>();
    private final Set<Stage> waiting = new LinkedHashSet<>();
    private final Set<Stage> running = new LinkedHashSet<>();
    private TaskScheduler tasks;
    private String abortedBecause;
    private long nextBinaryId;
    private int nextJobId;

    StageScheduler(SchedulerConfig config, StageSerializer serializer, AccumulatorSink accumulators,
            SchedulerListener listener, MapOutputJournal journal) {
        this.config = config;
        this.serializer = serializer;
        this.accumulators = accumulators;
        this.listener = listener;
        this.journal = journal;
    }

    /** Connects the task layer, which this layer hands task sets to. Called once, before any event. */
    void setTasks(TaskScheduler tasks) {
        this.tasks = tasks;
    }

    /** @return the registry of committed map outputs */
    MapOutputRegistry registry() {
        return registry;
    }

    // ---- jobs ---------------------------------------------------------------------------------------------

    void submitJob(Node<?> node, SerializableFunction<?, ?> function, int[] partitions, String callSite,
            JobProperties properties, CompletableFuture<List<byte[]>> future) {
        if (abortedBecause != null) {
            future.completeExceptionally(new JobFailedException(abortedBecause, -1, -1, null));
            return;
        }
        ResultStage stage;
        try {
            stage = planner.resultStage(node, function, partitions);
        } catch (RuntimeException e) {
            future.completeExceptionally(new JobFailedException("Could not plan " + callSite + ": " + e, -1, -1, e));
            return;
        }
        ActiveJob job = new ActiveJob(nextJobId++, stage, callSite, properties, future);
        jobs.put(job.id, job);
        forEachStage(stage, s -> s.jobIds().add(job.id));
        LOG.info("Job {} ({}) submitted: {} output partitions", job.id, callSite, partitions.length);
        listener.jobStarted(job.id, callSite, stage, properties);
        submitStage(stage);
    }

    /** Fails every running job, and every later one, with the reason: the backend can run nothing any more. */
    void abort(String reason) {
        abortedBecause = reason;
        failAll(reason, null);
    }

    /**
     * Fails every running job.
     *
     * @param reason the jobs' failure message
     * @param cause the underlying error, or null
     */
    void failAll(String reason, Throwable cause) {
        for (ActiveJob job : new ArrayList<>(jobs.values())) {
            failJob(job, new JobFailedException(reason, -1, -1, cause));
        }
    }

    /**
     * Cancels the running and waiting jobs of a group, or all jobs when {@code groupId} is null: each fails with a
     * {@link JobCancelledException}, and running tasks no remaining job needs are killed. Map outputs already
     * committed stay registered, so running the lineage again reuses them. No such job: nothing happens.
     *
     * @param groupId the group, or null for every job
     */
    void cancelJobs(String groupId) {
        String because = groupId == null ? "all jobs were cancelled (cancelAllJobs)"
                : "its job group '" + groupId + "' was cancelled (cancelJobGroup)";
        for (ActiveJob job : new ArrayList<>(jobs.values())) {
            if (groupId == null || groupId.equals(job.properties.groupId())) {
                LOG.info("Cancelling job {} ({}): {}", job.id, job.callSite, because);
                failJob(job, new JobCancelledException("Job " + job.id + " (" + job.callSite + ") was cancelled: "
                        + because + ". The session stays usable: later jobs run normally, and shuffle outputs this"
                        + " job completed are reused.", groupId));
            }
        }
    }

    private void finishJob(ActiveJob job) {
        jobs.remove(job.id);
        forgetJob(job);
        LOG.info("Job {} ({}) finished", job.id, job.callSite);
        listener.jobEnded(job.id, null);
        job.future.complete(job.results());
    }

    private void failJob(ActiveJob job, JobFailedException error) {
        if (jobs.remove(job.id) == null) {
            return;
        }
        forgetJob(job);
        LOG.warn("Job {} ({}) failed: {}", job.id, job.callSite, error.getMessage());
        listener.jobEnded(job.id, error);
        job.future.completeExceptionally(error);
    }

    /** Drops the job's claim on its stages; stages no other job needs stop running. */
    private void forgetJob(ActiveJob job) {
        forEachStage(job.stage, stage -> {
            stage.jobIds().remove(job.id);
            if (stage.jobIds().isEmpty()) {
                waiting.remove(stage);
                running.remove(stage);
                tasks.abandon(stage, true);
            }
        });
    }

    // ---- stages -------------------------------------------------------------------------------------------

    private void submitStage(Stage stage) {
        if (running.contains(stage) || waiting.contains(stage)) {
            return;
        }
        List<ShuffleMapStage> missingParents = new ArrayList<>();
        for (ShuffleMapStage parent : stage.parents()) {
            registerShuffle(parent);
            if (!registry.isComplete(parent.shuffleId())) {
                missingParents.add(parent);
            }
        }
        if (missingParents.isEmpty()) {
            submitMissingTasks(stage);
        } else {
            waiting.add(stage);
            missingParents.forEach(this::submitStage);
        }
    }

    private void submitMissingTasks(Stage stage) {
        List<Integer> indexes = new ArrayList<>();
        if (stage instanceof ShuffleMapStage map) {
            registerShuffle(map);
            indexes.addAll(registry.missing(map.shuffleId()));
            if (indexes.isEmpty()) {
                stageCompleted(stage);
                return;
            }
        } else {
            ActiveJob job = jobOf(stage);
            for (int i = 0; i < job.outputs(); i++) {
                if (!job.isDone(i)) {
                    indexes.add(i);
                }
            }
        }
        if (stage.binary() == null) {
            try {
                serialize(stage);
            } catch (RuntimeException e) {
                abortStage(stage, "Could not serialize " + stage + ": " + e.getMessage(), -1, e);
                return;
            }
        }
        int attempt = stage.nextAttempt();
        running.add(stage);
        tasks.submit(new TaskSet(stage, attempt, indexes, poolOf(stage)));
        LOG.info("Submitting {} attempt {} with {} tasks", stage, attempt, indexes.size());
        listener.stageSubmitted(stage, attempt, indexes.size());
    }

    /** @return the pool of the earliest job that needs the stage (a stage shared by pools runs in the first's) */
    private String poolOf(Stage stage) {
        int first = stage.jobIds().stream().mapToInt(Integer::intValue).min().orElse(-1);
        ActiveJob job = jobs.get(first);
        return job == null ? JobProperties.DEFAULT_POOL : job.properties.pool();
    }

    private void serialize(Stage stage) {
        byte[] bytes = stage instanceof ShuffleMapStage map
                ? serializer.serializeMapStage(map.node(), map.dependency())
                : serializer.serializeResultStage(stage.node(), ((ResultStage) stage).function());
        stage.setBinary(new StageBinary(nextBinaryId++, bytes));
        if (TaskSlices.readsSlices(stage.node())) {
            stage.setPartitionData(p -> serializer.serializeTaskData(TaskSlices.of(stage.node(), p)));
        }
    }

    /**
     * Makes the shuffle known to the registry, with whatever outputs an earlier driver attempt committed for the
     * same map stage.
     */
    private void registerShuffle(ShuffleMapStage map) {
        if (registry.contains(map.shuffleId())) {
            return;
        }
        registry.registerShuffle(map.shuffleId(), map.numPartitions());
        if (journal == MapOutputJournal.NONE) {
            return;
        }
        try {
            if (map.binary() == null) {
                serialize(map);
            }
        } catch (RuntimeException e) {
            return; // reported when the stage is submitted
        }
        int recovered = 0;
        for (MapStatus status : journal.recover(map.shuffleId(), StageFingerprint.of(map))) {
            if (status.mapIndex() < map.numPartitions() && registry.register(map.shuffleId(), status)) {
                recovered++;
            }
        }
        if (recovered > 0) {
            LOG.info("{}: recovered {} of {} map outputs committed by an earlier attempt", map, recovered,
                    map.numPartitions());
            listener.mapOutputsRecovered(map, recovered);
        }
    }

    private void stageCompleted(Stage stage) {
        running.remove(stage);
        tasks.finish(stage);
        stage.resetFetchFailures();
        LOG.info("{} completed", stage);
        listener.stageCompleted(stage);
        for (Stage child : new ArrayList<>(waiting)) {
            if (child.parents().stream().allMatch(p -> registry.isComplete(p.shuffleId()))) {
                waiting.remove(child);
                submitMissingTasks(child);
            }
        }
    }

    /** Abandons a stage attempt and resubmits the stage, which first recomputes its missing parent outputs. */
    private void resubmit(TaskSet taskSet) {
        Stage stage = taskSet.stage;
        tasks.abandon(stage, false);
        running.remove(stage);
        LOG.info("Resubmitting {}: parent map outputs are missing", stage);
        submitStage(stage);
    }

    // ---- what the task layer reports ----------------------------------------------------------------------

    @Override
    public void abortStage(Stage stage, String message, int partition, Throwable cause) {
        for (ActiveJob job : new ArrayList<>(jobs.values())) {
            if (stage.jobIds().contains(job.id)) {
                failJob(job, new JobFailedException(message, stage.id(), partition, cause));
            }
        }
    }

    @Override
    public void taskSucceeded(TaskSet taskSet, int index, TaskOutcome.Success success) {
        Stage stage = taskSet.stage;
        if (stage instanceof ShuffleMapStage map) {
            if (!registry.contains(map.shuffleId())) {
                return;
            }
            if (registry.register(map.shuffleId(), success.mapStatus())) {
                accumulators.apply(success.accumulatorUpdates());
                journal.committed(map.shuffleId(), StageFingerprint.of(map), success.mapStatus());
            }
            if (running.contains(stage) && registry.isComplete(map.shuffleId())) {
                stageCompleted(stage);
            }
            return;
        }
        ActiveJob job = jobOf(stage);
        if (job == null || !job.complete(index, success.result())) {
            return;
        }
        accumulators.apply(success.accumulatorUpdates());
        if (job.isFinished()) {
            running.remove(stage);
            tasks.finish(stage);
            LOG.info("{} completed", stage);
            listener.stageCompleted(stage);
            finishJob(job);
        }
    }

    @Override
    public void fetchFailed(TaskSet taskSet, TaskDescription task, TaskOutcome.FetchFailed fetch) {
        LOG.warn("{} could not read map output {} of shuffle {}: {}", task, fetch.mapIndex(), fetch.shuffleId(),
                fetch.message());
        if (taskSet.isZombie() || tasks.active(taskSet.stage) != taskSet) {
            // An abandoned attempt's report may be about an output that has been recomputed since; the current
            // attempt's tasks will report any output that is still unreadable.
            return;
        }
        unregisterFile(fetch.shuffleId(), fetch.mapIndex());
        Stage stage = taskSet.stage;
        int failures = stage.recordFetchFailure();
        if (failures > config.maxStageAttempts()) {
            taskSet.markZombie();
            abortStage(stage, stage + " failed " + failures + " times in a row because map outputs could not be"
                    + " read; last: map output " + fetch.mapIndex() + " of shuffle " + fetch.shuffleId() + ": "
                    + fetch.message(), task.partition(), null);
            return;
        }
        resubmit(taskSet);
    }

    /**
     * Forgets the unreadable map output and every other output of the shuffle in the same file: a segment file
     * holds the outputs of several maps of one executor, and a file that cannot be read loses them all, so they
     * are recomputed in one round rather than one fetch failure (and stage attempt) each.
     */
    private void unregisterFile(int shuffleId, int mapIndex) {
        MapStatus failed = registry.unregister(shuffleId, mapIndex);
        if (failed == null || !registry.contains(shuffleId)) {
            return;
        }
        MapStatus[] statuses = registry.statuses(shuffleId);
        for (int i = 0; i < statuses.length; i++) {
            if (statuses[i] != null && statuses[i].path().equals(failed.path())) {
                registry.unregister(shuffleId, i);
                LOG.info("Map output {} of shuffle {} is in the same file {}; recomputing it too", i, shuffleId,
                        failed.path());
            }
        }
    }

    @Override
    public boolean isDone(TaskSet taskSet, int index) {
        Stage stage = taskSet.stage;
        if (stage instanceof ShuffleMapStage map) {
            return registry.contains(map.shuffleId()) && registry.has(map.shuffleId(), index);
        }
        ActiveJob job = jobOf(stage);
        return job == null || job.isDone(index);
    }

    @Override
    public boolean inputsReady(TaskSet taskSet) {
        for (ShuffleMapStage parent : taskSet.stage.parents()) {
            if (!registry.isComplete(parent.shuffleId())) {
                // Another stage's fetch failure removed an output this stage reads: wait for its recomputation.
                resubmit(taskSet);
                return false;
            }
        }
        return true;
    }

    @Override
    public Map<Integer, List<ShuffleBlock>> inputBlocks(Stage stage, int partition) {
        Map<Integer, List<ShuffleBlock>> inputs = new HashMap<>();
        for (ShuffleMapStage parent : stage.parents()) {
            inputs.put(parent.shuffleId(), registry.blocksFor(parent.shuffleId(), partition));
        }
        return inputs;
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private ActiveJob jobOf(Stage stage) {
        return jobs.get(stage.jobIds().isEmpty() ? -1 : stage.jobIds().iterator().next());
    }

    private static void forEachStage(Stage root, Consumer<Stage> action) {
        Set<Stage> seen = new HashSet<>();
        List<Stage> toVisit = new ArrayList<>(List.of(root));
        while (!toVisit.isEmpty()) {
            Stage stage = toVisit.remove(toVisit.size() - 1);
            if (seen.add(stage)) {
                action.accept(stage);
                toVisit.addAll(stage.parents());
            }
        }
    }
}
