package io.weft.am.master;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.planner.Topology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.net.DNSToSwitchMapping;
import org.apache.hadoop.net.TableMapping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Racks from Hadoop's own topology mappings, as the cluster's configuration names them. */
@Timeout(30)
class YarnTopologyTest {

    @Test
    void aTopologyTablePlacesHostsOnTheirRacksAndUnknownHostsOnTheDefaultRack(@TempDir Path dir) throws Exception {
        Path table = Files.writeString(dir.resolve("topology.table"), "10.0.0.1 /dc1/r1\n10.0.0.2 /dc1/r1\n"
                + "10.0.1.1 /dc1/r2\n");
        Configuration conf = new Configuration(false);
        conf.setClass("net.topology.node.switch.mapping.impl", TableMapping.class, DNSToSwitchMapping.class);
        conf.set("net.topology.table.file.name", table.toString());
        Topology topology = YarnTopology.from(conf);
        assertThat(topology.racksOf(List.of("10.0.0.1", "10.0.0.2", "10.0.1.1", "10.0.9.9")))
                .containsEntry("10.0.0.1", "/dc1/r1").containsEntry("10.0.0.2", "/dc1/r1")
                .containsEntry("10.0.1.1", "/dc1/r2").containsEntry("10.0.9.9", Topology.DEFAULT_RACK);
        assertThat(topology.rackOf("10.0.1.1")).isEqualTo("/dc1/r2");
    }

    @Test
    void withoutAScriptOrTableEveryHostIsOnTheDefaultRack() {
        Topology topology = YarnTopology.from(new Configuration(false));
        assertThat(topology.rackOf("10.0.0.1")).isEqualTo(Topology.DEFAULT_RACK);
    }

    @Test
    void aMappingClassTheClassPathLacksPlacesEveryHostOnTheDefaultRack() {
        // What a client on Hadoop's client jars alone meets: a mini cluster's configuration names a test-only class.
        Configuration conf = new Configuration(false);
        conf.set("net.topology.node.switch.mapping.impl", "org.example.NoSuchMapping");
        Topology topology = YarnTopology.from(conf);
        assertThat(topology.racksOf(List.of("10.0.0.1", "10.0.0.2")))
                .containsEntry("10.0.0.1", Topology.DEFAULT_RACK).containsEntry("10.0.0.2", Topology.DEFAULT_RACK);
    }

    @Test
    void aMappingThatFailsPlacesHostsOnTheDefaultRackInsteadOfFailingTheScheduler() {
        DNSToSwitchMapping broken = new DNSToSwitchMapping() {
            @Override
            public List<String> resolve(List<String> names) {
                throw new IllegalStateException("topology script exited with status 1");
            }

            @Override
            public void reloadCachedMappings() {
            }

            @Override
            public void reloadCachedMappings(List<String> names) {
            }
        };
        assertThat(new YarnTopology(broken).racksOf(List.of("10.0.0.1", "10.0.0.2")))
                .containsEntry("10.0.0.1", Topology.DEFAULT_RACK).containsEntry("10.0.0.2", Topology.DEFAULT_RACK);
    }
}
