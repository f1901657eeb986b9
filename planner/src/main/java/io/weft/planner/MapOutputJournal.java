package io.weft.planner;

import java.util.List;

/**
 * Remembers committed map outputs beyond the driver's life, so that a new attempt of the application's driver
 * (after an ApplicationMaster restart) reuses the outputs an earlier attempt committed instead of recomputing
 * them. A shuffle is matched by its id and a fingerprint of its map stage's serialized lineage and functions:
 * a program that runs the same steps in the same order finds its outputs again; one that does anything else gets a
 * different fingerprint and simply recomputes.
 *
 * <p>Called on the scheduler thread: implementations must not block (load and check what they recover before the
 * scheduler starts; write in the background). A journal that cannot write loses only the chance to reuse.
 */
public interface MapOutputJournal {

    /** Remembers nothing. */
    MapOutputJournal NONE = new MapOutputJournal() {
        @Override
        public List<MapStatus> recover(int shuffleId, String fingerprint) {
            return List.of();
        }

        @Override
        public void committed(int shuffleId, String fingerprint, MapStatus status) {
        }
    };

    /**
     * @param shuffleId the shuffle
     * @param fingerprint its map stage's fingerprint
     * @return readable outputs an earlier attempt committed for exactly this shuffle and fingerprint
     */
    List<MapStatus> recover(int shuffleId, String fingerprint);

    /**
     * Records a map output this attempt committed and registered.
     *
     * @param shuffleId the shuffle
     * @param fingerprint its map stage's fingerprint
     * @param status the output
     */
    void committed(int shuffleId, String fingerprint, MapStatus status);
}
