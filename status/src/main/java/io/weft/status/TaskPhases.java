package io.weft.status;

/**
 * Where a finished task attempt's run time on its executor went, in microseconds. Compute is what remains of the
 * run time after the measured phases; shuffle reading overlaps compute in time (records are read as they are
 * computed), so the phases are a breakdown of the run time, not an ordering.
 *
 * @param deserializeMicros deserializing the stage's code and closures
 * @param shuffleReadMicros opening map output files and reading their bytes
 * @param shuffleWriteMicros committing the map output (final sort, write and merge of spills)
 * @param resultMicros serializing a result task's result
 */
public record TaskPhases(long deserializeMicros, long shuffleReadMicros, long shuffleWriteMicros,
        long resultMicros) {

    /** No breakdown: a running attempt, or one from an event log written before phases were recorded. */
    public static final TaskPhases NONE = new TaskPhases(0, 0, 0, 0);

    static TaskPhases of(StatusEvent.TaskEnded end) {
        return new TaskPhases(end.deserializeMicros(), end.shuffleReadMicros(), end.shuffleWriteMicros(),
                end.resultMicros());
    }

    /**
     * @param runMillis the attempt's run time
     * @return microseconds of the run time left for computing, never negative
     */
    public long computeMicros(long runMillis) {
        return Math.max(0, runMillis * 1000 - deserializeMicros - shuffleReadMicros - shuffleWriteMicros
                - resultMicros);
    }
}
