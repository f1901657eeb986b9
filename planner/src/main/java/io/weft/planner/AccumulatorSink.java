package io.weft.planner;

import java.util.Map;

/** Receives the accumulator updates of each partition's first successful attempt. Called on the scheduler thread. */
public interface AccumulatorSink {

    /** @param updates accumulator id to one attempt's update; the planner does not look inside */
    void apply(Map<Long, ?> updates);
}
