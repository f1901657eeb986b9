package io.weft.planner;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The hosts and racks that have executors now, and the rack of every host the scheduler has heard of (executors'
 * hosts and input hosts), resolved through the {@link Topology} once per host and cached. Used only on the
 * scheduler thread.
 */
final class ClusterHosts {

    private final Topology topology;
    private final Map<String, String> rackOfHost = new HashMap<>();
    private final Map<String, Integer> executorsOnHost = new HashMap<>();
    private final Map<String, Integer> executorsOnRack = new HashMap<>();

    ClusterHosts(Topology topology) {
        this.topology = topology;
    }

    /** @return the host's rack, asking the topology only the first time */
    String rackOf(String host) {
        String rack = rackOfHost.get(host);
        if (rack == null) {
            rack = orDefault(topology.rackOf(host));
            rackOfHost.put(host, rack);
        }
        return rack;
    }

    /** Resolves the racks of the hosts not yet known, in one call to the topology. */
    void resolve(Collection<String> hosts) {
        Set<String> unknown = new LinkedHashSet<>();
        for (String host : hosts) {
            if (!rackOfHost.containsKey(host)) {
                unknown.add(host);
            }
        }
        if (unknown.isEmpty()) {
            return;
        }
        Map<String, String> racks = topology.racksOf(unknown);
        for (String host : unknown) {
            rackOfHost.put(host, orDefault(racks.get(host)));
        }
    }

    void executorAdded(String host) {
        executorsOnHost.merge(host, 1, Integer::sum);
        executorsOnRack.merge(rackOf(host), 1, Integer::sum);
    }

    void executorRemoved(String host) {
        executorsOnHost.computeIfPresent(host, (h, n) -> n == 1 ? null : n - 1);
        executorsOnRack.computeIfPresent(rackOf(host), (r, n) -> n == 1 ? null : n - 1);
    }

    /** @return hosts with at least one executor; a live view */
    Set<String> hostsWithExecutors() {
        return executorsOnHost.keySet();
    }

    /** @return racks with at least one executor; a live view */
    Set<String> racksWithExecutors() {
        return executorsOnRack.keySet();
    }

    /** @return how close to input on {@code preferred} hosts a task on {@code host} runs */
    TaskLocality localityOf(java.util.List<String> preferred, String host) {
        if (preferred.isEmpty()) {
            return TaskLocality.NO_PREF;
        }
        if (preferred.contains(host)) {
            return TaskLocality.NODE_LOCAL;
        }
        String rack = rackOf(host);
        for (String where : preferred) {
            if (rackOf(where).equals(rack)) {
                return TaskLocality.RACK_LOCAL;
            }
        }
        return TaskLocality.ANY;
    }

    private static String orDefault(String rack) {
        return rack == null || rack.isEmpty() ? Topology.DEFAULT_RACK : rack;
    }
}
