package io.weft.am.master;

import java.util.ArrayList;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what an executor container failure costs: it counts against the failure budget
 * ({@link ExecutorFailureBudget}); enough failures on one node exclude the node ({@link NodeExclusions}), as do
 * the driver's scheduler exclusions; YARN's blacklist follows the excluded nodes. When the budget is spent, or
 * every node of the cluster is excluded, it gives up: the application fails with a diagnostic that names the cause
 * and the setting to change, and nothing is replaced any more.
 *
 * <p>Used only on the launcher's event thread.
 */
final class ExecutorFailureHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorFailureHandler.class);
    private static final String MAX_FAILURES = "weft.executor.maxFailures";
    private static final String VALIDITY = "weft.executor.failuresValidityInterval";

    private final LaunchPolicy policy;
    private final YarnAmClient yarn;
    private final LongSupplier clock;
    private final Consumer<String> giveUp;
    private final ExecutorFailureBudget budget;
    private final NodeExclusions exclusions;
    private String gaveUpBecause;

    /**
     * @param policy the budget and node exclusion settings
     * @param yarn where blacklist updates go
     * @param clock the time in milliseconds
     * @param giveUp told the diagnostic once, when the handler gives up
     */
    ExecutorFailureHandler(LaunchPolicy policy, YarnAmClient yarn, LongSupplier clock, Consumer<String> giveUp) {
        this.policy = policy;
        this.yarn = yarn;
        this.clock = clock;
        this.giveUp = giveUp;
        this.budget = new ExecutorFailureBudget(policy.maxFailures(), policy.failuresValidityMillis(), clock);
        this.exclusions = new NodeExclusions(policy.excludeNodes(), policy.maxFailuresPerNode(),
                policy.excludeTimeoutMillis());
    }

    /**
     * An executor container failed through the application's fault (see {@link ContainerExits}).
     *
     * @param node the node name it ran on, or null if unknown
     * @param message what happened
     * @return whether a replacement should be requested: false once the handler has given up
     */
    boolean containerFailed(String node, String message) {
        if (gaveUpBecause != null) {
            return false;
        }
        LOG.warn("Executor container failed ({} of {} allowed): {}", budget.count() + 1, budget.describe(), message);
        if (budget.recordFailure()) {
            fail(budget.count() + " executor containers failed, the most " + MAX_FAILURES + " allows ("
                    + budget.describe() + "); last: " + message + ". Fix the cause in the containers' logs, or"
                    + " raise " + MAX_FAILURES + " (or set " + VALIDITY + " so that old failures stop counting).");
            return false;
        }
        if (exclusions.containerFailed(node, clock.getAsLong())) {
            LOG.warn("Excluding host {} for {} ms: {} executor containers failed there", node,
                    policy.excludeTimeoutMillis(), policy.maxFailuresPerNode());
        }
        return applyExclusions(message);
    }

    /**
     * The driver's scheduler excluded these nodes after repeated task failures.
     *
     * @param nodes every node it excludes now, as YARN names them
     */
    void schedulerExcluded(Set<String> nodes) {
        exclusions.schedulerExcluded(nodes);
        applyExclusions("the driver excluded them after repeated task failures");
    }

    /** @return why the handler gave up, if it did */
    Optional<String> gaveUp() {
        return Optional.ofNullable(gaveUpBecause);
    }

    /**
     * Brings YARN's blacklist in line with the excluded nodes.
     *
     * @param why the latest failure, for the diagnostic
     * @return false when every node is excluded and the handler gave up
     */
    private boolean applyExclusions(String why) {
        long now = clock.getAsLong();
        NodeExclusions.BlacklistChange change = exclusions.update(now);
        if (!change.isEmpty()) {
            LOG.info("YARN blacklist: adding {}, removing {}", change.additions(), change.removals());
            // Mutable copies: the client edits the lists it is given.
            yarn.updateBlacklist(new ArrayList<>(change.additions()), new ArrayList<>(change.removals()));
        }
        Set<String> excluded = exclusions.excluded(now);
        int nodes = yarn.clusterNodeCount();
        if (nodes > 0 && excluded.size() >= nodes) {
            fail("Every node of the cluster (" + String.join(", ", excluded) + ") is excluded after repeated"
                    + " failures; last: " + why + ". Fix the cause in the containers' logs, or set"
                    + " weft.exclude.enabled=false.");
            return false;
        }
        return true;
    }

    private void fail(String message) {
        if (gaveUpBecause != null) {
            return;
        }
        LOG.error("Giving up: {}", message);
        gaveUpBecause = message;
        giveUp.accept(message);
    }
}
