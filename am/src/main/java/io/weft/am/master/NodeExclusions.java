package io.weft.am.master;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The hosts on which the ApplicationMaster asks YARN for no containers: hosts where executor containers keep
 * failing (to launch, or soon after), and hosts the driver's scheduler excluded after repeated task failures. The
 * union is what YARN's blacklist should hold; {@link #update} says what to add and remove.
 *
 * <p>Used only on the ApplicationMaster's allocator thread; time is passed in.
 */
final class NodeExclusions {

    /** What to tell YARN. */
    record BlacklistChange(Set<String> additions, Set<String> removals) {
        boolean isEmpty() {
            return additions.isEmpty() && removals.isEmpty();
        }
    }

    private final boolean enabled;
    private final int maxFailuresPerNode;
    private final long timeoutMillis;
    private final Map<String, Deque<Long>> failuresByHost = new HashMap<>();
    private final Map<String, Long> excludedUntil = new HashMap<>();
    private Set<String> fromScheduler = Set.of();
    private final Set<String> sentToYarn = new TreeSet<>();

    /**
     * @param enabled whether anything is excluded
     * @param maxFailuresPerNode container failures on one host, within the timeout, that exclude it
     * @param timeoutMillis how long an exclusion lasts
     */
    NodeExclusions(boolean enabled, int maxFailuresPerNode, long timeoutMillis) {
        this.enabled = enabled;
        this.maxFailuresPerNode = maxFailuresPerNode;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * Records an executor container that failed on a host.
     *
     * @param host the host
     * @param now the time in milliseconds
     * @return whether this failure excluded the host
     */
    boolean containerFailed(String host, long now) {
        if (!enabled || host == null || isExcluded(host, now)) {
            return false;
        }
        Deque<Long> failures = failuresByHost.computeIfAbsent(host, h -> new ArrayDeque<>());
        failures.addLast(now);
        while (!failures.isEmpty() && failures.peekFirst() <= now - timeoutMillis) {
            failures.removeFirst();
        }
        if (failures.size() < maxFailuresPerNode) {
            return false;
        }
        failures.clear();
        excludedUntil.put(host, now + timeoutMillis);
        return true;
    }

    /**
     * @param hosts every host the driver's scheduler excludes now
     */
    void schedulerExcluded(Set<String> hosts) {
        fromScheduler = enabled ? Set.copyOf(hosts) : Set.of();
    }

    private boolean isExcluded(String host, long now) {
        Long until = excludedUntil.get(host);
        return until != null && until > now;
    }

    /**
     * @param now the time in milliseconds
     * @return every excluded host, sorted
     */
    Set<String> excluded(long now) {
        excludedUntil.values().removeIf(until -> until <= now);
        Set<String> all = new TreeSet<>(excludedUntil.keySet());
        all.addAll(fromScheduler);
        return all;
    }

    /**
     * Works out what YARN's blacklist must gain and lose, and assumes the caller tells YARN.
     *
     * @param now the time in milliseconds
     * @return the change
     */
    BlacklistChange update(long now) {
        Set<String> target = excluded(now);
        Set<String> additions = new TreeSet<>(target);
        additions.removeAll(sentToYarn);
        Set<String> removals = new TreeSet<>(sentToYarn);
        removals.removeAll(target);
        sentToYarn.clear();
        sentToYarn.addAll(target);
        return new BlacklistChange(additions, removals);
    }
}
