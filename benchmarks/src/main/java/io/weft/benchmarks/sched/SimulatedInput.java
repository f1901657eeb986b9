package io.weft.benchmarks.sched;

import io.weft.api.lineage.Dependency;
import io.weft.api.lineage.Node;
import io.weft.api.lineage.TaskContext;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * A source of {@code hosts.length} partitions whose input lives on the given hosts, as the splits of a file on
 * HDFS do. Never computed: the simulation's executors only pretend to run tasks.
 */
final class SimulatedInput extends Node<Integer> {

    private static final long serialVersionUID = 1L;

    private final List<String>[] hosts;

    SimulatedInput(int id, List<String>[] hosts) {
        super(id, "simulated input");
        this.hosts = hosts;
    }

    @Override
    public int numPartitions() {
        return hosts.length;
    }

    @Override
    public List<Dependency<?>> dependencies() {
        return List.of();
    }

    @Override
    public List<String> preferredLocations(int partition) {
        return hosts[partition];
    }

    @Override
    protected Iterator<Integer> compute(int partition, TaskContext context) {
        return Collections.emptyIterator();
    }
}
