package io.weft.am.master;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.Priority;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.client.api.AMRMClient.ContainerRequest;

/** Builds executor container requests with locality preferences, and matches allocations back to them. */
final class ContainerRequests {

    /** At most this many preferred hosts per request: more would dilute the preference to nothing. */
    static final int MAX_PREFERRED_HOSTS = 3;

    private ContainerRequests() {
    }

    /**
     * A request for one executor container. It prefers the hosts holding the most waiting tasks' input, with
     * relaxed locality (any node will do when those are full). YARN does not accept node preferences together with
     * a node-label expression, so a labelled request names no hosts.
     *
     * @param size the container's memory and cores
     * @param priority the request priority
     * @param nodeLabel the node-label expression, or null
     * @param hostCounts host to waiting tasks whose input is there
     * @return the request
     */
    static ContainerRequest build(Resource size, Priority priority, String nodeLabel, Map<String, Integer> hostCounts) {
        String[] nodes = null;
        if (nodeLabel == null && !hostCounts.isEmpty()) {
            nodes = hostCounts.entrySet().stream()
                    .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
                            .thenComparing(Map.Entry.comparingByKey()))
                    .limit(MAX_PREFERRED_HOSTS).map(Map.Entry::getKey).toArray(String[]::new);
        }
        return new ContainerRequest(size, nodes, null, priority, true, nodeLabel);
    }

    /**
     * The outstanding request an allocated container satisfies: one that prefers its host, else one without
     * preferences, else the oldest.
     *
     * @param container the allocation
     * @param outstanding the requests not yet satisfied, oldest first
     * @return the request to remove from the AMRM client, or null when none is outstanding
     */
    static ContainerRequest matching(Container container, Collection<ContainerRequest> outstanding) {
        String host = container.getNodeId().getHost();
        ContainerRequest anywhere = null;
        for (ContainerRequest request : outstanding) {
            List<String> nodes = request.getNodes() == null ? List.of() : request.getNodes();
            if (nodes.contains(host)) {
                return request;
            }
            if (nodes.isEmpty() && anywhere == null) {
                anywhere = request;
            }
        }
        if (anywhere != null) {
            return anywhere;
        }
        return outstanding.isEmpty() ? null : new ArrayList<>(outstanding).get(0);
    }
}
