package io.weft.api.lineage;

/**
 * A dependency in which each child partition is computed from a fixed set of parent partitions within the same
 * task, so the planner pipelines it into the child's stage.
 *
 * @param <T> the parent's record type
 */
public abstract non-sealed class NarrowDependency<T> extends Dependency<T> {

    private static final long serialVersionUID = 1L;

    private final Node<T> parent;

    /**
     * @param parent the parent node
     */
    protected NarrowDependency(Node<T> parent) {
        this.parent = parent;
    }

    @Override
    public final Node<T> parent() {
        return parent;
    }

    /**
     * The parent partitions a child partition reads.
     *
     * @param childPartition a partition of the child
     * @return parent partition indexes, possibly empty
     */
    public abstract int[] parentPartitions(int childPartition);

    /**
     * Child partition {@code i} reads parent partition {@code i}.
     *
     * @param <T> the parent's record type
     */
    public static final class OneToOne<T> extends NarrowDependency<T> {
        private static final long serialVersionUID = 1L;

        /** @param parent the parent node */
        public OneToOne(Node<T> parent) {
            super(parent);
        }

        @Override
        public int[] parentPartitions(int childPartition) {
            return new int[] {childPartition};
        }
    }

    /**
     * Child partitions {@code [outStart, outStart + length)} read parent partitions
     * {@code [0, length)}, one to one (a union).
     *
     * @param <T> the parent's record type
     */
    public static final class Range<T> extends NarrowDependency<T> {
        private static final long serialVersionUID = 1L;
        private final int outStart;
        private final int length;

        /**
         * @param parent the parent node
         * @param outStart the first child partition fed by this parent
         * @param length how many partitions
         */
        public Range(Node<T> parent, int outStart, int length) {
            super(parent);
            this.outStart = outStart;
            this.length = length;
        }

        @Override
        public int[] parentPartitions(int childPartition) {
            int p = childPartition - outStart;
            return p >= 0 && p < length ? new int[] {p} : new int[0];
        }
    }

    /**
     * Each child partition reads a group of parent partitions (a coalesce).
     *
     * @param <T> the parent's record type
     */
    public static final class Grouped<T> extends NarrowDependency<T> {
        private static final long serialVersionUID = 1L;
        private final int[][] groups;

        /**
         * @param parent the parent node
         * @param groups for each child partition, the parent partitions it reads
         */
        public Grouped(Node<T> parent, int[][] groups) {
            super(parent);
            this.groups = groups;
        }

        @Override
        public int[] parentPartitions(int childPartition) {
            return groups[childPartition].clone();
        }
    }
}
