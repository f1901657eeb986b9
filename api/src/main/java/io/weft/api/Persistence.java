package io.weft.api;

import io.weft.api.lineage.CheckpointKind;
import io.weft.api.lineage.Node;

/** The rules of {@link Dataset#persist}, {@link Dataset#checkpoint} and {@link Dataset#localCheckpoint}. */
final class Persistence {

    private Persistence() {
    }

    /** Sets a level; as in Spark, a persisted dataset keeps its level until it is unpersisted. */
    static void persist(Node<?> node, StorageLevel level) {
        if (level == null) {
            throw new NullPointerException("persist: the storage level is null; use unpersist() to stop caching");
        }
        StorageLevel current = node.storageLevel();
        if (current != null && current != level) {
            throw new UnsupportedOperationException("Cannot change storage level of a dataset after it was already"
                    + " assigned a level (" + current + " on " + node + "); call unpersist() first");
        }
        node.setStorageLevel(level);
    }

    /** Marks for a reliable checkpoint, after checking that the session has a checkpoint directory. */
    static void checkpoint(WeftSession session, Node<?> node) {
        if (session.engine().checkpointDir().isEmpty()) {
            throw new IllegalStateException("checkpoint(): no checkpoint directory is set; call"
                    + " WeftSession.setCheckpointDir(dir) first (HDFS on YARN, so every executor can read it)");
        }
        node.requestCheckpoint(CheckpointKind.RELIABLE);
    }

    /**
     * Marks for a local checkpoint: persisted with a level that uses disk (an unpersisted node gets
     * {@code MEMORY_AND_DISK}, a memory-only level gains disk, as Spark does), lineage cut after the next job.
     */
    static void localCheckpoint(Node<?> node) {
        StorageLevel current = node.storageLevel();
        StorageLevel level = current == null || current == StorageLevel.MEMORY_ONLY ? StorageLevel.MEMORY_AND_DISK
                : current == StorageLevel.MEMORY_ONLY_SER ? StorageLevel.MEMORY_AND_DISK_SER : current;
        node.setStorageLevel(level);
        node.requestCheckpoint(CheckpointKind.LOCAL);
    }
}
