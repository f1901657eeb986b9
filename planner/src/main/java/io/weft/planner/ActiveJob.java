package io.weft.planner;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A submitted job: its result stage, which of its outputs are in, and the future its caller waits on. Owned by
 * the scheduler thread.
 */
final class ActiveJob {

    final int id;
    final ResultStage stage;
    final String callSite;
    final JobProperties properties;
    final CompletableFuture<List<byte[]>> future;
    private final boolean[] done;
    private final byte[][] results;
    private int finished;

    ActiveJob(int id, ResultStage stage, String callSite, JobProperties properties,
            CompletableFuture<List<byte[]>> future) {
        this.id = id;
        this.stage = stage;
        this.callSite = callSite;
        this.properties = properties;
        this.future = future;
        this.done = new boolean[stage.numOutputs()];
        this.results = new byte[stage.numOutputs()][];
    }

    /** @return the number of outputs (one per requested partition, in result order) */
    int outputs() {
        return done.length;
    }

    /** @return whether output {@code index} is in */
    boolean isDone(int index) {
        return done[index];
    }

    /**
     * Records an output's first result.
     *
     * @param index the output
     * @param result its serialized result
     * @return false if the output was already in (a later attempt's result is ignored)
     */
    boolean complete(int index, byte[] result) {
        if (done[index]) {
            return false;
        }
        done[index] = true;
        results[index] = result;
        finished++;
        return true;
    }

    /** @return whether every output is in */
    boolean isFinished() {
        return finished == done.length;
    }

    /** @return the serialized results, in the order the job asked for its partitions */
    List<byte[]> results() {
        return Arrays.asList(results);
    }
}
