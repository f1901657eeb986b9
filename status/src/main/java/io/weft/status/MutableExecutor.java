package io.weft.status;

import io.weft.status.AppStatusStore.ExecutorInfo;

/** One executor as {@link AppStatusStore} holds it, updated by its events. Guarded by the store's lock. */
final class MutableExecutor {
    final String executorId;
    final String host;
    final int cores;
    final long addedMillis;
    long removedMillis;
    String removedReason;
    boolean excluded;
    int active;
    int completed;
    int failed;
    long shuffleBytesWritten;
    StatusEvent.ExecutorMetrics metrics;

    final String containerId;
    final String logUrl;

    MutableExecutor(StatusEvent.ExecutorAdded added, long addedMillis) {
        this.executorId = added.executorId();
        this.host = added.host();
        this.cores = added.cores();
        this.containerId = added.containerId();
        this.logUrl = added.logUrl();
        this.addedMillis = addedMillis;
    }

    ExecutorInfo snapshot() {
        return new ExecutorInfo(executorId, host, cores,
                removedMillis != 0 ? "REMOVED" : excluded ? "EXCLUDED" : "ACTIVE", addedMillis,
                removedMillis, removedReason, active, completed, failed, shuffleBytesWritten,
                metrics == null ? 0 : metrics.heapUsed(), metrics == null ? 0 : metrics.heapMax(),
                metrics == null ? 0 : metrics.gcMillis(), metrics == null ? 0 : metrics.threads(), containerId,
                logUrl);
    }
}
