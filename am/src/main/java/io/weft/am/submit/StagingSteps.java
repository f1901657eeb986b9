package io.weft.am.submit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long each step of a submission's staging took, logged as one INFO line by {@link Staging}'s logger when
 * staging ends ({@code Staged in N ms: step ms, ...}), so the timeline's "connected → staged" phase can be read
 * step by step; a client-mode session's close is logged the same way ({@code Closed in N ms: ...}). Used by one
 * thread at a time (the submitting or the closing one).
 */
final class StagingSteps {

    private static final Logger LOG = LoggerFactory.getLogger(Staging.class);

    private final String verb;
    private final long start = System.nanoTime();
    private final StringBuilder steps = new StringBuilder();
    private long last = start;

    /** Steps of a submission's staging, logged as {@code Staged in N ms: ...}. */
    StagingSteps() {
        this("Staged");
    }

    /** @param verb what the logged line starts with ({@code Closed in N ms: ...}) */
    StagingSteps(String verb) {
        this.verb = verb;
    }

    /**
     * Ends a step: it took the time since the previous one ended (or since this object was made).
     *
     * @param name what the step did
     */
    void done(String name) {
        long now = System.nanoTime();
        steps.append(steps.length() == 0 ? "" : ", ").append(name).append(' ').append((now - last) / 1_000_000);
        last = now;
    }

    /** Logs the steps at INFO. */
    void log() {
        LOG.info("{} in {} ms: {}", verb, (last - start) / 1_000_000, steps);
    }
}
