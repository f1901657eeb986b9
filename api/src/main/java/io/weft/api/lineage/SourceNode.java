package io.weft.api.lineage;

import io.weft.api.Source;
import java.util.Iterator;
import java.util.List;

/**
 * A library's {@link Source} as a lineage node: no dependencies, its partition count fixed when the node is made.
 *
 * @param <T> record type
 */
public final class SourceNode<T> extends Node<T> {

    private static final long serialVersionUID = 1L;

    private final Source<T> source;
    private final int numPartitions;
    private final transient List<List<String>> locations;

    /**
     * Asks the source for its partitions and their locations. Called on the driver.
     *
     * @param id node id
     * @param name operator and call site
     * @param source the source
     * @throws IllegalArgumentException when the source reports a negative partition count
     */
    public SourceNode(int id, String name, Source<T> source) {
        super(id, name);
        this.source = source;
        this.numPartitions = source.numPartitions();
        if (numPartitions < 0) {
            throw new IllegalArgumentException("The source " + source.getClass().getName() + " reports "
                    + numPartitions + " partitions; a source has 0 or more");
        }
        List<List<String>> hosts = new java.util.ArrayList<>(numPartitions);
        for (int p = 0; p < numPartitions; p++) {
            hosts.add(List.copyOf(source.preferredLocations(p)));
        }
        this.locations = hosts;
    }

    @Override
    public int numPartitions() {
        return numPartitions;
    }

    @Override
    public List<Dependency<?>> dependencies() {
        return List.of();
    }

    @Override
    public List<String> preferredLocations(int partition) {
        return locations == null ? List.of() : locations.get(partition);
    }

    @Override
    protected Iterator<T> compute(int partition, TaskContext context) {
        Iterator<T> records;
        try {
            records = source.read(partition);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new SourceReadException(source, partition, e);
        }
        return context == null ? records : context.countInput(records);
    }

    /** A checked exception from {@link Source#read}: names the source and partition, the cause is the original. */
    static final class SourceReadException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SourceReadException(Source<?> source, int partition, Exception cause) {
            super("Could not read partition " + partition + " of " + source.getClass().getName() + ": " + cause,
                    cause);
        }
    }
}
