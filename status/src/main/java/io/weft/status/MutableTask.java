package io.weft.status;

import io.weft.status.AppStatusStore.TaskInfo;

/** One task attempt as {@link AppStatusStore} holds it: its start, then its end. Guarded by the store's lock. */
final class MutableTask {
    final StatusEvent.TaskStarted start;
    final String host;
    StatusEvent.TaskEnded end;

    MutableTask(StatusEvent.TaskStarted start, String host) {
        this.start = start;
        this.host = host;
    }

    void end(StatusEvent.TaskEnded ended) {
        end = ended;
    }

    TaskInfo snapshot() {
        if (end == null) {
            return new TaskInfo(start.taskId(), start.partition(), start.attempt(), start.stageAttempt(),
                    start.executorId(), host, "RUNNING", start.time(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null,
                    start.locality(), TaskPhases.NONE);
        }
        return new TaskInfo(start.taskId(), start.partition(), start.attempt(), start.stageAttempt(),
                start.executorId(), host, end.status(), start.time(), end.time() - start.time(), end.runMillis(),
                end.recordsWritten(), end.shuffleBytesWritten(), end.shuffleBytesRead(), end.spills(),
                end.gcMillis(), end.resultBytes(), end.recordsRead(), end.inputBytes(), end.error(),
                start.locality(), TaskPhases.of(end));
    }
}
