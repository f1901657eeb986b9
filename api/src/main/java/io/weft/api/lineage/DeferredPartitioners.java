package io.weft.api.lineage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Chooses the {@linkplain ShuffleDependency#deferred deferred} partitioners of a lineage before a job over it is
 * planned or the lineage is sent anywhere. An engine calls {@link #chooseAll} on the thread that submits the job,
 * because choosing one may run a job of its own (say, {@code sortByKey}'s sampling) and so must never happen
 * first on the scheduler's thread or in an executor.
 */
public final class DeferredPartitioners {

    private DeferredPartitioners() {
    }

    /**
     * Chooses every deferred partitioner that a job over {@code node} follows, the deepest first, so that each
     * sampling job finds its own lineage ready. Lineage cut by a checkpoint is not followed. Each node is visited
     * once, however many paths lead to it.
     *
     * @param node the job's final node
     * @return how many partitioners were chosen by this call (0 when all were known)
     */
    public static int chooseAll(Node<?> node) {
        List<ShuffleDependency<?, ?, ?>> pending = new ArrayList<>();
        Set<Node<?>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Node<?>> todo = new ArrayDeque<>();
        todo.push(node);
        seen.add(node);
        while (!todo.isEmpty()) {
            for (Dependency<?> dep : todo.pop().lineageDependencies()) {
                if (dep instanceof ShuffleDependency<?, ?, ?> shuffle && !shuffle.partitionerChosen()) {
                    pending.add(shuffle);
                }
                Node<?> parent = dep.parent();
                if (parent != null && seen.add(parent)) {
                    todo.push(parent);
                }
            }
        }
        // Found from the job's end backwards: choose the farthest first. The order is only a saving: a sampling job
        // chooses whatever of its own lineage is still pending before it runs.
        Collections.reverse(pending);
        for (ShuffleDependency<?, ?, ?> shuffle : pending) {
            shuffle.partitioner();
        }
        return pending.size();
    }
}
