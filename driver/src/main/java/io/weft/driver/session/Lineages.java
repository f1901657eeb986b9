package io.weft.driver.session;

import io.weft.api.lineage.CheckpointedPartitions;
import io.weft.api.lineage.Dependency;
import io.weft.api.lineage.Node;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Walks a program's lineage to carry checkpoints between the session and the program: each job brings the session a
 * fresh copy of the lineage, so neither copy learns on its own what the other's job wrote. Stateless; callable from
 * any thread, on a lineage no other thread changes meanwhile.
 */
final class Lineages {

    private Lineages() {
    }

    /** Visits every node of a lineage once, across shuffles and through checkpointed nodes. */
    static void walk(Node<?> root, Consumer<Node<?>> visit) {
        Set<Node<?>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Node<?>> todo = new ArrayDeque<>();
        todo.add(root);
        while (!todo.isEmpty()) {
            Node<?> node = todo.poll();
            if (node == null || !seen.add(node)) {
                continue;
            }
            visit.accept(node);
            for (Dependency<?> dependency : node.dependencies()) {
                todo.add(dependency.parent());
            }
        }
    }

    /** @return the written checkpoints of a lineage's nodes, by node id */
    static Map<Integer, CheckpointedPartitions<?>> checkpointsOf(Node<?> root) {
        Map<Integer, CheckpointedPartitions<?>> written = new HashMap<>();
        walk(root, node -> {
            if (node.isCheckpointed()) {
                written.put(node.id(), node.checkpointedPartitions());
            }
        });
        return written;
    }

    /** Marks the lineage's nodes that {@code written} names as checkpointed (those not marked yet). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static void markCheckpoints(Node<?> root, Map<Integer, CheckpointedPartitions<?>> written) {
        if (written == null || written.isEmpty()) {
            return;
        }
        walk(root, node -> {
            CheckpointedPartitions<?> partitions = written.get(node.id());
            if (partitions != null && !node.isCheckpointed()) {
                ((Node) node).checkpointWritten(partitions);
            }
        });
    }
}
