package io.weft.planner;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Where hosts sit in the network: the rack of each host, for rack-local scheduling. The narrow port between the
 * scheduler and the cluster's topology source (on YARN, Hadoop's configured {@code DNSToSwitchMapping}).
 *
 * <p>Called on the scheduler thread, once per host: the scheduler caches every answer for the application's
 * lifetime, and resolves the input hosts of a new stage in one {@link #racksOf} call, so a mapping that runs a
 * script runs it once per batch. Implementations must not throw: a host they cannot place is on
 * {@link #DEFAULT_RACK}, as Hadoop places it.
 */
public interface Topology {

    /** The rack of a host nobody placed, as Hadoop names it ({@code NetworkTopology.DEFAULT_RACK}). */
    String DEFAULT_RACK = "/default-rack";

    /** Every host on {@link #DEFAULT_RACK}: local mode, {@code local-cluster}, and YARN without a topology. */
    Topology SINGLE_RACK = host -> DEFAULT_RACK;

    /**
     * @param host a host name, as executors and input splits report it
     * @return its rack, never null
     */
    String rackOf(String host);

    /**
     * Resolves several hosts at once; by default one {@link #rackOf} call each.
     *
     * @param hosts distinct host names
     * @return host to rack, for every host given
     */
    default Map<String, String> racksOf(Collection<String> hosts) {
        Map<String, String> racks = new HashMap<>();
        for (String host : hosts) {
            racks.put(host, rackOf(host));
        }
        return racks;
    }
}
