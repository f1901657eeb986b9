package io.weft.planner;

import io.weft.api.lineage.Dependency;
import io.weft.api.lineage.Node;
import io.weft.api.lineage.TaskContext;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A source whose partitions' input lives on given hosts, as an HDFS input's splits do; it counts how often the
 * scheduler asks where a partition's input is.
 */
final class LocatedSource extends Node<Integer> {

    private final int partitions;
    private final transient IntFunction<List<String>> hosts;
    long locationLookups;

    LocatedSource(int id, int partitions, IntFunction<List<String>> hosts) {
        super(id, "located source");
        this.partitions = partitions;
        this.hosts = hosts;
    }

    @Override
    public int numPartitions() {
        return partitions;
    }

    @Override
    public List<Dependency<?>> dependencies() {
        return List.of();
    }

    @Override
    public List<String> preferredLocations(int partition) {
        locationLookups++;
        return hosts.apply(partition);
    }

    @Override
    protected Iterator<Integer> compute(int partition, TaskContext context) {
        return Collections.emptyIterator();
    }
}
