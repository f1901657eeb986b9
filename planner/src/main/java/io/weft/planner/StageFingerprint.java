package io.weft.planner;

import java.nio.charset.StandardCharsets;

/**
 * Identifies a map stage across driver attempts: its shuffle id, its partition counts and its serialized code and
 * data (the stage binary). A retried driver that runs the same steps in the same order computes the same
 * fingerprints and so finds its map outputs in the {@link MapOutputJournal}; anything else gets a different one
 * and recomputes. Computed once per stage, on the scheduler thread.
 */
final class StageFingerprint {

    private StageFingerprint() {
    }

    /**
     * @param map a map stage whose binary has been made
     * @return its fingerprint, 64 hex digits
     */
    static String of(ShuffleMapStage map) {
        if (map.fingerprint() == null) {
            String shape = map.shuffleId() + "/" + map.numPartitions() + "/"
                    + map.dependency().partitioner().numPartitions() + "/";
            map.setFingerprint(Digests.sha256Hex(shape.getBytes(StandardCharsets.UTF_8), map.binary().bytes()));
        }
        return map.fingerprint();
    }
}
