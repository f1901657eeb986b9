package io.weft.am.master;

import io.weft.planner.Topology;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CommonConfigurationKeysPublic;
import org.apache.hadoop.net.CachedDNSToSwitchMapping;
import org.apache.hadoop.net.DNSToSwitchMapping;
import org.apache.hadoop.net.ScriptBasedMapping;
import org.apache.hadoop.util.ReflectionUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The racks of hosts as the cluster's Hadoop configuration places them: the mapping named by
 * {@code net.topology.node.switch.mapping.impl} (by default a script, {@code net.topology.script.file.name}; or a
 * table file, {@code net.topology.table.file.name}), the same one YARN's ResourceManager and HDFS use. Without a
 * script or table every host is on {@link Topology#DEFAULT_RACK}. Built the way YARN's {@code RackResolver} builds
 * its mapping, but as an instance, not a JVM-wide singleton.
 *
 * <p>Called on the scheduler thread, which caches every answer; a mapping that fails (a script that exits
 * non-zero, a missing table) places the hosts on the default rack and logs a warning naming the setting.
 */
public final class YarnTopology implements Topology {

    private static final Logger LOG = LoggerFactory.getLogger(YarnTopology.class);

    private final DNSToSwitchMapping mapping;

    YarnTopology(DNSToSwitchMapping mapping) {
        this.mapping = mapping;
    }

    /**
     * @param conf the cluster's Hadoop configuration (core-site.xml as the NodeManagers have it)
     * @return the topology its mapping describes; every host on the default rack, with a warning naming the
     *     setting, when the mapping cannot be built (a class a client's class path lacks, such as the test-only
     *     {@code StaticMapping} a mini cluster's configuration names): racks are a scheduling hint, never a reason
     *     to fail a job
     */
    public static Topology from(Configuration conf) {
        DNSToSwitchMapping mapping;
        try {
            Class<? extends DNSToSwitchMapping> type = conf.getClass(
                    CommonConfigurationKeysPublic.NET_TOPOLOGY_NODE_SWITCH_MAPPING_IMPL_KEY, ScriptBasedMapping.class,
                    DNSToSwitchMapping.class);
            mapping = ReflectionUtils.newInstance(type, conf);
        } catch (RuntimeException e) {
            LOG.warn("Cannot build the rack mapping named by {} ({}); every host counts as on {}. Fix that setting, "
                    + "or put the mapping's class on the class path", CommonConfigurationKeysPublic
                    .NET_TOPOLOGY_NODE_SWITCH_MAPPING_IMPL_KEY, e.toString(), DEFAULT_RACK);
            return SINGLE_RACK;
        }
        return new YarnTopology(mapping instanceof CachedDNSToSwitchMapping ? mapping
                : new CachedDNSToSwitchMapping(mapping));
    }

    @Override
    public String rackOf(String host) {
        return racksOf(List.of(host)).get(host);
    }

    @Override
    public Map<String, String> racksOf(Collection<String> hosts) {
        List<String> names = new ArrayList<>(hosts);
        List<String> racks = null;
        try {
            racks = mapping.resolve(names);
        } catch (RuntimeException e) {
            LOG.warn("Cannot resolve the racks of {} through {}: {}; they count as on {}. Fix the mapping named by {}",
                    names, mapping, e.toString(), DEFAULT_RACK,
                    CommonConfigurationKeysPublic.NET_TOPOLOGY_NODE_SWITCH_MAPPING_IMPL_KEY);
        }
        if (racks != null && racks.size() != names.size()) {
            LOG.warn("The topology mapping {} answered {} racks for {} hosts; they count as on {}", mapping,
                    racks.size(), names.size(), DEFAULT_RACK);
            racks = null;
        }
        Map<String, String> byHost = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String rack = racks == null ? null : racks.get(i);
            byHost.put(names.get(i), rack == null || rack.isEmpty() ? DEFAULT_RACK : rack);
        }
        return byHost;
    }
}
