package io.weft.driver;

import io.weft.api.JobCancelledException;
import io.weft.api.JobFailedException;
import io.weft.api.WeftException;
import io.weft.runtime.serial.KryoPool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waits for a submitted job on the submitting thread and turns its outcome into results or the user's error. */
final class JobResults {

    private JobResults() {
    }

    /**
     * @param job the scheduler's future of the job's serialized results
     * @param callSite the user's action, for messages
     * @param kryo the serializers of the submitting thread's scope (the engine's without one)
     * @param <U> result type
     * @return the results, in partition order
     * @throws JobCancelledException when the job was cancelled
     * @throws JobFailedException when it failed, with the task's failure as cause
     * @throws WeftException when the thread is interrupted while waiting (the interrupt flag is kept)
     */
    static <U> List<U> await(Future<List<byte[]>> job, String callSite, KryoPool kryo) {
        List<byte[]> raw;
        try {
            raw = job.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WeftException("Interrupted while waiting for " + callSite, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof JobCancelledException cancelled) {
                // A new exception so the stack trace shows the user's action.
                throw new JobCancelledException(cancelled.getMessage(), cancelled.cancelledGroup());
            }
            if (cause instanceof JobFailedException failed) {
                // A new exception so the stack trace shows the user's action, with the task's failure as cause.
                throw new JobFailedException("Job for " + callSite + " failed: " + failed.getMessage(),
                        failed.stageId(), failed.partition(), failed.getCause());
            }
            throw new JobFailedException("Job for " + callSite + " failed: " + cause, -1, -1, cause);
        }
        List<U> results = new ArrayList<>(raw.size());
        for (byte[] bytes : raw) {
            results.add(kryo.deserialize(bytes));
        }
        return results;
    }
}
